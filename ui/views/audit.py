"""Audit: the tamper-evident trail of every change, its verification, exports, award and lock.

The banner says whether the chain verifies (green) or where it breaks (red); the table lists
every entry newest first, field by field ("score: 3 → 4"), filterable by words, record and
person; the selected entry is shown in full below. The toolbar ends the evaluation: recommend
the award, lock the tender, unlock it with a reason.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer
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
from ui.errors import show_error, task_failed
from ui.tasks import run_task
from ui.views.audit_dialogs import ReasonDialog
from ui.views.audit_model import ENTRY_ROLE, AuditModel, TwoLineDelegate
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
        self.table = QTableView()
        self.table.setObjectName("audit_table")
        self.table.setModel(self.model)  # newest first, read as it scrolls
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
        digits = self.fontMetrics().horizontalAdvance("0000000") + 12  # 1,000,000 entries
        for col, width in ((AuditModel.COL_SEQ, digits), (AuditModel.COL_WHEN, 96),
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

        # Typing filters once it pauses: each filter is a query over the whole trail.
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(300)
        self._typing.timeout.connect(self._filter)
        self.search.textChanged.connect(self._typing.start)
        self.search.returnPressed.connect(self._filter)
        self.record.currentIndexChanged.connect(self._filter)
        self.who.currentIndexChanged.connect(self._filter)
        self._counting = 0  # which count the label waits for (an older one is dropped)
        self.table.selectionModel().currentRowChanged.connect(self._show_entry)

    # -- filling -------------------------------------------------------------------------

    def refresh(self) -> None:
        tf = self.doc.tf
        records, people = audit_trail.trail_choices(tf)
        _refill(self.record, ALL_RECORDS, records)
        _refill(self.who, ALL_PEOPLE, [(person, person) for person in people])
        self._filter()
        self._show_status(tf.problems, tf.verification_pending)
        state = status(tf)
        writable = not tf.read_only
        self.recommend_button.setEnabled(writable and state not in ("award_recommended",
                                                                    "locked"))
        self.lock_button.setEnabled(writable and state == "award_recommended")
        self.unlock_button.setEnabled(state == "locked" and tf.read_only_reason == LOCKED_REASON)

    def _show_status(self, problems: list[audit.AuditProblem], pending: bool) -> None:
        """The verification of the file (run when it was opened, on a worker), not redone
        here: on the largest trail it takes seconds, and every change since is chained."""
        if pending:
            self.banner.setObjectName("banner_ok")
            self.banner.setText("Checking the audit trail…")
            self.fingerprint = None
        elif problems:
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
                f"✔ Audit trail verified: {seq:,} entries, and every score, weight, price "
                f"and result in the file matches them. Fingerprint {seq}:{digest[:16]} (note "
                "it in the award report: it proves later that nothing was rewritten).")
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)

    def _wanted(self) -> audit_trail.TrailFilter:
        return audit_trail.TrailFilter(tuple(self.search.text().split()),
                                       self.record.currentData() or "",
                                       self.who.currentData() or "")

    def _filter(self) -> None:
        """Show the entries the filters allow, newest first; count them on a worker (on the
        largest trail a search reads every entry, while the first page comes at once)."""
        self._typing.stop()
        wanted = self._wanted()
        self._counting += 1
        try:
            self.model.show(audit_trail.Trail(self.doc.tf, wanted))
        except WorkbenchError as exc:  # a search too long or too broad: say so, show none
            self.model.clear()
            self.count.setText(f"Cannot search: {exc}")
            return
        ticket, main = self._counting, self.doc.tf
        total = main.db.execute("SELECT count(*) FROM audit").fetchone()[0]
        if wanted == audit_trail.TrailFilter():
            self.count.setText(f"{total:,} entries, newest first")
            return
        self.count.setText("Counting the entries that match…")

        def work(_progress):
            with main.for_worker_thread() as tf:
                return audit_trail.Trail(tf, wanted).count()

        def counted(found: int) -> None:
            if ticket == self._counting:  # else the filters changed meanwhile
                self.count.setText(f"{found:,} of {total:,} entries match, newest first")

        run_task(self, "Counting audit entries…", work, counted,
                 lambda exc: task_failed(self, exc), quiet=True)

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
        wanted, main, title = self._wanted(), self.doc.tf, self.doc.head.tender.title

        def work(_progress):
            with main.for_worker_thread() as tf:
                entries = list(audit_trail.Trail(tf, wanted).oldest_first())
            if kind == "csv":
                audit_trail.export_csv(entries, Path(path))
            else:
                audit_trail.export_xlsx(entries, Path(path), title)
            return len(entries)

        run_task(self, "Exporting the audit trail…", work,
                 lambda count: _tell(self, f"Exported {count} audit entries to {path}"),
                 lambda exc: task_failed(self, exc))

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


def _refill(combo: QComboBox, everything: str, items: list[tuple[str, str]]) -> None:
    """Replace a filter's choices, (text, value) each after `everything` (value ""), keeping
    the one chosen if it still exists."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, "")
    for text, value in items:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    combo.blockSignals(False)
