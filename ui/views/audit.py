"""Audit: the tamper-evident trail of every change, its verification, exports, award and lock.

The banner says whether the chain verifies (green) or where it breaks (red); the table lists
every entry newest first, field by field ("score: 3 → 4"), filterable by words, record and
person; the selected entry is shown in full below. The toolbar ends the evaluation: recommend
the award, lock the tender, unlock it with a reason.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QWidget,
)

from workbench import audit_trail
from workbench.audit_trail import AuditEntry
from workbench.errors import WorkbenchError
from workbench.scoring.results import compute
from workbench.storage import audit
from workbench.storage.tenderfile import LOCKED_REASON
from workbench.tender_lock import (
    MIN_UNLOCK_REASON,
    lock_tender,
    recommend_award,
    recommendation,
    status,
    unlock_tender,
)

from ui import a11y
from ui.document import TenderDocument
from ui.errors import show_error
from ui.views.audit_dialogs import ReasonDialog
from ui.views.audit_model import ENTRY_ROLE, AuditFilter, AuditModel, TwoLineDelegate
from ui.views.base import View, heading, page_layout

ALL_RECORDS = "All records"
ALL_PEOPLE = "Everyone"


class AuditView(View):
    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(doc, parent)
        #: The trail's fingerprint (entry number, hash) when it verifies, for the banner.
        self.fingerprint: tuple[int, str] | None = None
        layout = page_layout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Audit trail"))
        top.addStretch(1)
        self.recommend_button = _button("&Recommend award…", self._recommend,
                                        "Record the award recommendation: the first-placed "
                                        "bidder of every lot, once all results are final")
        self.lock_button = _button("&Lock tender…", self._lock,
                                   "Make the tender read-only for good once the award is "
                                   "recommended; unlocking needs a written reason")
        self.unlock_button = _button("&Unlock…", self._unlock,
                                     "Allow changes again; the reason is kept in the trail")
        for button in (self.recommend_button, self.lock_button, self.unlock_button):
            top.addWidget(button)
        layout.addLayout(top)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.banner)

        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("audit_search")
        self.search.setPlaceholderText("Filter: a name, a bidder, a question, a word of a "
                                       "reason…")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Shows only the entries containing every word typed")
        search_label = QLabel("&Search:")
        search_label.setBuddy(self.search)
        self.record = QComboBox()
        self.record.setToolTip("Show one kind of record only")
        self.record.setAccessibleName("Kind of record")
        self.who = QComboBox()
        self.who.setToolTip("Show one person's changes only")
        self.who.setAccessibleName("Person")
        self.export_csv = _button("Export &CSV…", lambda: self._export("csv"),
                                  "Save the entries shown as a CSV file")
        self.export_xlsx = _button("Export E&xcel…", lambda: self._export("xlsx"),
                                   "Save the entries shown as an Excel workbook")
        for widget in (search_label, self.search, self.record, self.who, self.export_csv,
                       self.export_xlsx):
            filters.addWidget(widget, 1 if widget is self.search else 0)
        layout.addLayout(filters)

        self.model = AuditModel(self)
        self.proxy = AuditFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("audit_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(AuditModel.COL_SEQ, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        a11y.table(self.table, "Audit trail", "Every recorded change, newest first")
        # Two lines per row, the same for every row: long texts wrap without measuring
        # thousands of rows; the full entry is in the pane below and in each tooltip.
        self.table.setItemDelegate(TwoLineDelegate(self.table))
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(2 * self.fontMetrics().lineSpacing() + 8)
        header = self.table.horizontalHeader()
        for col, width in ((AuditModel.COL_SEQ, 44), (AuditModel.COL_WHEN, 96),
                           (AuditModel.COL_WHO, 120), (AuditModel.COL_ACTION, 160),
                           (AuditModel.COL_RECORD, 230), (AuditModel.COL_REASON, 150)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        header.setSectionResizeMode(AuditModel.COL_CHANGE, QHeaderView.ResizeMode.Stretch)
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("audit_detail")
        self.detail.setAccessibleName("Selected entry in full")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Select an entry to see it in full.")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)
        self.count = QLabel()
        self.count.setObjectName("note")
        layout.addWidget(self.count)

        self.search.textChanged.connect(self._filter)
        self.record.currentIndexChanged.connect(self._filter)
        self.who.currentIndexChanged.connect(self._filter)
        self.table.selectionModel().currentRowChanged.connect(self._show_entry)

    # -- filling -------------------------------------------------------------------------

    def refresh(self) -> None:
        tf = self.doc.tf
        entries = audit_trail.entries(tf)
        self.model.set_rows(entries)
        _refill(self.record, ALL_RECORDS, sorted({e.record for e in entries}))
        _refill(self.who, ALL_PEOPLE, sorted({e.user for e in entries}))
        self._filter()
        self._show_status(audit_trail.problems(tf), len(entries))
        state = status(tf)
        writable = not tf.read_only
        self.recommend_button.setEnabled(writable and state not in ("award_recommended",
                                                                    "locked"))
        self.lock_button.setEnabled(writable and state == "award_recommended")
        self.unlock_button.setEnabled(state == "locked" and tf.read_only_reason == LOCKED_REASON)

    def _show_status(self, problems: list[audit.AuditProblem], count: int) -> None:
        if problems:
            first = problems[0]
            where = f" at entry {first.seq}" if first.seq else ""
            self.banner.setObjectName("banner_error")
            self.banner.setText(
                f"✖ Audit trail broken{where}. What no longer matches the trail:\n"
                + "\n".join(f"• {p.message}" for p in problems))
            self.fingerprint = None
        else:
            seq, digest = audit_trail.fingerprint(self.doc.tf)
            self.fingerprint = (seq, digest)
            self.banner.setObjectName("banner_ok")
            self.banner.setText(
                f"✔ Audit trail verified: {count} entries, and every score, weight, price "
                f"and result in the file matches them. Fingerprint {seq}:{digest[:16]} (note "
                "it in the award report: it proves later that nothing was rewritten).")
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)

    def _filter(self) -> None:
        record = self.record.currentText() if self.record.currentIndex() > 0 else ""
        user = self.who.currentText() if self.who.currentIndex() > 0 else ""
        self.proxy.set_filter(self.search.text(), record, user)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"Showing {shown} of {total} entries" if shown != total
                           else f"{total} entries, newest first")

    def _show_entry(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = current.data(ENTRY_ROLE) if current.isValid() else None
        self.detail.setPlainText(entry_text(entry) if entry else "")

    # -- actions -------------------------------------------------------------------------

    def _export(self, kind: str) -> None:
        title = "CSV files (*.csv)" if kind == "csv" else "Excel workbooks (*.xlsx)"
        stem = Path(self.doc.path).stem
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the audit trail",
            str(Path(self.doc.path).with_name(f"{stem} audit trail.{kind}")), title)
        if not path:
            return
        if not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        entries = sorted(self.proxy.entries(), key=lambda e: e.seq)
        try:
            if kind == "csv":
                audit_trail.export_csv(entries, Path(path))
            else:
                audit_trail.export_xlsx(entries, Path(path), self.doc.data.tender.title)
        except WorkbenchError as exc:
            show_error(self, str(exc))
            return
        _tell(self, f"Exported {len(entries)} audit entries to {path}")

    def _recommend(self) -> None:
        try:
            summary = recommendation(compute(self.doc.data))
        except WorkbenchError as exc:
            show_error(self, str(exc))
            return
        reason = ReasonDialog.ask(
            self, "Recommend award",
            "The recommendation names the first-placed bidder of each lot:\n\n"
            + summary.replace("; ", "\n") + "\n\nThe results are recorded as they stand now.",
            "Recommend award")
        if reason is not None:
            self.doc.run(lambda tf: recommend_award(tf, reason))

    def _lock(self) -> None:
        reason = ReasonDialog.ask(
            self, "Lock tender",
            "Locking makes the whole tender read-only: no score, weight, price or detail can "
            "change. Unlocking later needs a written reason, kept in the audit trail.",
            "Lock tender")
        if reason is None:
            return
        head: list[tuple[int, str]] = []
        if self.doc.run(lambda tf: head.append(lock_tender(tf, reason)),
                        clears_undo="the tender is locked"):
            seq, digest = head[0]
            _tell(self, f"Tender locked. Fingerprint {seq}:{digest[:16]} — note it in the "
                  "award report.")

    def _unlock(self) -> None:
        reason = ReasonDialog.ask(
            self, "Unlock tender",
            "Unlocking allows changes again (the status goes back to award recommended). Say "
            "why: the reason, your name and the time are kept in the audit trail.",
            "Unlock", minimum=MIN_UNLOCK_REASON)
        if reason is not None:
            self.doc.run(lambda tf: unlock_tender(tf, reason))


def entry_text(entry: AuditEntry) -> str:
    """One entry in full, for the detail pane."""
    lines = [f"Entry {entry.seq} · {entry.local_time()} ({entry.at} UTC) · {entry.user}",
             f"Action: {entry.action}",
             f"{entry.record}: {entry.which}" if entry.which != "—" else entry.record]
    if entry.kind in ("added", "removed"):
        lines.append(f"Row {entry.kind}:")
        lines += [f"    {c.field.replace('_', ' ')}: "
                  f"{audit_trail.show(c.after if entry.kind == 'added' else c.before, None)}"
                  for c in entry.changes]
    else:
        lines += [f"    {c.text(limit=None)}" for c in entry.changes]
    if entry.reason:
        lines.append(f"Reason: {entry.reason}")
    lines.append(f"Seal (SHA-256): {entry.hash}")
    return "\n".join(lines)


def _tell(widget: QWidget, message: str) -> None:
    """A passing message in the window's status bar."""
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, 15000)


def _button(text: str, slot, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button


def _refill(combo: QComboBox, everything: str, items: list[str]) -> None:
    """Replace a filter's choices, keeping the one chosen if it still exists."""
    chosen = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItems([everything, *items])
    combo.setCurrentIndex(max(0, combo.findText(chosen)))
    combo.blockSignals(False)
