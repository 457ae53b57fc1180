"""Export: the evaluation pack and assessment summaries, previewed before saving, and the
results as an Excel workbook or an OCDS release package.

PDFs are made off the GUI thread (`run_task`, with a progress dialog and Cancel) from plain
`Facts` read on the GUI thread, then shown with QtPdf; "Save PDF as…" writes the very bytes
previewed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.award_record import mark_summaries_sent, not_ready, set_award_notice
from workbench.errors import WorkbenchError
from workbench.exchange.ocds import DEFAULT_PREFIX, write_ocds
from workbench.exchange.results_xlsx import write_results_xlsx
from workbench.reports.common import save
from workbench.reports.facts import Facts, from_data, from_file
from workbench.reports.pack import build_pack
from workbench.reports.readiness import DOCUMENTS, check_line
from workbench.reports.summaries import (
    assessed,
    file_name,
    gateway_failed,
    readiness,
    summary_pdf,
    write_summaries,
)
from workbench.scoring.results import compute

from ui import settings
from ui.document import CoreCommand, TenderDocument
from ui.errors import show_error, task_failed
from ui.tasks import Progress, run_task
from ui.views.base import View, heading, note, page_layout
from ui.views.export_award import AwardRecordBox
from ui.views.export_review import FeedbackReview

INCLUDE_ALL_WHY = ("Off by default: a losing bidder's price is commercially sensitive, and "
                   "the UK award notice needs only the winner's. Tick only where the tender "
                   "documents said every price would be published.")


class ExportView(View):
    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(doc, parent)
        self._pdf = QByteArray()
        self._buffer: QBuffer | None = None
        self._suggested = "export.pdf"
        self.last_status = ""
        self._preview_stale = False
        layout = page_layout(self)
        layout.addWidget(heading("Export"))
        self.banner = QLabel()
        self.banner.setObjectName("banner_warning")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.banner)
        row = QHBoxLayout()
        layout.addLayout(row, 1)
        # The choices scroll on a small screen rather than lose the award record below them.
        side = QScrollArea()
        side.setWidget(self._choices())
        side.setWidgetResizable(True)
        side.setFrameShape(QFrame.Shape.NoFrame)
        side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side.setFixedWidth(380)
        row.addWidget(side, 0)
        row.addLayout(self._preview(), 1)

    # -- building the page ------------------------------------------------------------------

    def _choices(self) -> QFrame:
        card = QFrame()
        card.setObjectName("card")
        # The app's style paints stacked pages grey; inside this white card they stay white.
        card.setStyleSheet("QStackedWidget > QWidget { background: transparent; }"
                           "QListWidget::item { padding: 5px 4px; }")
        box = QVBoxLayout(card)
        label = QLabel("&What to export")
        label.setObjectName("subheading")
        self.kinds = QListWidget()
        self.kinds.setObjectName("export_kinds")
        label.setBuddy(self.kinds)
        for document in DOCUMENTS:
            self.kinds.addItem(document.title)
            self.kinds.item(self.kinds.count() - 1).setToolTip(document.purpose)
        row = self.kinds.fontMetrics().height() + 12  # the item padding set above, and a gap
        self.kinds.setFixedHeight(row * len(DOCUMENTS) + 8)
        self.kinds.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        box.addWidget(label)
        box.addWidget(self.kinds)
        self.about = note("")
        box.addWidget(self.about)
        self.audience = note("")
        box.addWidget(self.audience)
        self.check = QLabel()
        self.check.setObjectName("export_check")
        self.check.setWordWrap(True)
        self.check.setTextFormat(Qt.TextFormat.PlainText)
        box.addWidget(self.check)
        self.pages = QStackedWidget()
        box.addWidget(self.pages)
        box.addStretch(1)

        self.make_pack = _button("&Make the pack", "Make the evaluation pack and show it here")
        self.make_pack.clicked.connect(self.preview_pack)
        self.make_pack.setDefault(True)
        self.pages.addWidget(_column(self.make_pack))

        self.lot = QComboBox()
        self.lot.setToolTip("The lot whose bidder's summary to show")
        self.lot.currentIndexChanged.connect(self._fill_bidders)
        self.bidder = QComboBox()
        self.bidder.setToolTip("The bidder whose assessment summary to show")
        form = QFormLayout()
        form.addRow("&Lot", self.lot)
        form.addRow("&Bidder", self.bidder)
        self.make_summary = _button("&Show summary", "Make this bidder's summary and show it")
        self.make_summary.clicked.connect(self.preview_summary)
        self.save_summaries = _button("Save &all summaries…",
                                      "Write every bidder's summary, one PDF each, to a folder")
        self.save_summaries.clicked.connect(self.save_all_summaries)
        self.review = _button("&Review feedback…", "Read every bidder's feedback, with warnings, "
                              "before the summaries go out")
        self.review.clicked.connect(self.review_feedback)
        self.award = AwardRecordBox(self)
        self.award.sent_requested.connect(self.mark_sent)
        self.award.notice_requested.connect(self.set_notice)
        self.pages.addWidget(_column(form, self.make_summary, self.review, self.save_summaries,
                                     self.award))

        self.save_xlsx = _button("&Save workbook…", "Choose where to write the Excel workbook")
        self.save_xlsx.clicked.connect(self.save_workbook)
        self.pages.addWidget(_column(self.save_xlsx))

        self.prefix = QLineEdit(DEFAULT_PREFIX)
        self.prefix.setToolTip("The OCDS prefix your organisation registered for publishing; "
                               "leave as it is for your own records")
        prefix_form = QFormLayout()
        prefix_form.addRow("&Prefix", self.prefix)
        self.include_all = QCheckBox("&Include every bid's price")
        self.include_all.setToolTip(INCLUDE_ALL_WHY)
        self.include_all.setAccessibleDescription(INCLUDE_ALL_WHY)
        self.save_ocds = _button("&Save release package…",
                                 "Choose where to write the OCDS JSON file")
        self.save_ocds.clicked.connect(self.save_release)
        self.pages.addWidget(_column(prefix_form, self.include_all, note(INCLUDE_ALL_WHY),
                                     self.save_ocds))

        self.kinds.currentRowChanged.connect(self._kind_changed)
        self.kinds.setCurrentRow(0)
        return card

    def _preview(self) -> QVBoxLayout:
        column = QVBoxLayout()
        top = QHBoxLayout()
        self.preview_label = QLabel("Preview")
        self.preview_label.setObjectName("subheading")
        self.preview_label.setWordWrap(True)  # a long tender title must not widen the window
        top.addWidget(self.preview_label, 1)
        self.save_pdf = _button("Save PDF &as…", "Save the PDF shown here")
        self.save_pdf.setShortcut(QKeySequence.StandardKey.Save)
        self.save_pdf.clicked.connect(self.save_preview)
        self.save_pdf.setEnabled(False)
        top.addWidget(self.save_pdf)
        column.addLayout(top)
        self.document = QPdfDocument(self)
        self.viewer = QPdfView()
        self.viewer.setObjectName("pdf_preview")
        self.viewer.setDocument(self.document)
        self.viewer.setPageMode(QPdfView.PageMode.MultiPage)
        self.viewer.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.viewer.setPageSpacing(12)
        self.empty = note("Choose a PDF to make on the left: it appears here to read through "
                          "before you save it.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.viewer)
        column.addWidget(self.stack, 1)
        return column

    # -- refreshing -------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self._pdf.isEmpty() and not self._preview_stale:
            # The tender changed after the preview was made: it may no longer be true.
            self._preview_stale = True
            self.preview_label.setText(self.preview_label.text() + " — out of date: the "
                                       "tender has changed, make it again")
            self.save_pdf.setEnabled(False)
        data = self.doc.data
        keep = self.lot.currentData()
        self.lot.blockSignals(True)
        self.lot.clear()
        for lot in data.lots:
            self.lot.addItem(lot.title or lot.id, lot.id)
        index = self.lot.findData(keep)
        self.lot.setCurrentIndex(index if index >= 0 else 0)
        self.lot.blockSignals(False)
        self._fill_bidders()
        provisional = [f"{r.title}: {'; '.join(r.notes)}" for r in compute(data)
                       if r.provisional]
        self.banner.setText("PROVISIONAL: the results are not final, so every page of the PDFs "
                            "says so. " + " · ".join(provisional))
        self.banner.setVisible(bool(provisional))
        self.award.show_record(data.award, not self.doc.read_only or self.doc.tf.holds_lock)
        self._kind_changed(self.kinds.currentRow())

    def _facts(self) -> Facts:
        # Read on the GUI thread: the file's connection belongs to it. The worker only lays out.
        return from_file(self.doc.tf)

    def _fill_bidders(self) -> None:
        keep = self.bidder.currentData()
        self.bidder.clear()
        lot_id = self.lot.currentData()
        for lot in self.doc.data.lots:
            if lot.id == lot_id:
                for b in lot.bidders:
                    if not b.withdrawn:
                        self.bidder.addItem(b.name, b.id)
        index = self.bidder.findData(keep)
        self.bidder.setCurrentIndex(index if index >= 0 else 0)

    def _kind_changed(self, row: int) -> None:
        document = DOCUMENTS[max(row, 0)]
        self.pages.setCurrentIndex(max(row, 0))
        self.about.setText(document.purpose)
        self.audience.setText(f"Who may receive it: {document.audience}")
        if self._stale:
            return  # not shown yet: the check reads the whole tender, done when shown
        missing = check_line(from_data(self.doc.data), document.key)
        self.check.setText(f"Before it goes out: {missing}." if missing else
                           "Ready to go out: nothing is missing.")
        self.check.setObjectName("banner_warning" if missing else "banner_ok")
        self.check.style().unpolish(self.check)
        self.check.style().polish(self.check)

    # -- PDFs -------------------------------------------------------------------------------

    def preview_pack(self) -> None:
        facts = self._facts()
        reference = facts.data.tender.reference or "tender"
        self._run("Making the evaluation pack…", lambda progress: build_pack(facts, progress),
                  f"Evaluation pack: {facts.data.tender.title}",
                  f"{_safe(reference)}-evaluation-pack.pdf")

    def preview_summary(self) -> None:
        facts = self._facts()
        wanted = (self.lot.currentData(), self.bidder.currentData())
        found = [(lot, b) for lot, b in assessed(facts) if (lot.id, b.id) == wanted]
        if not found:
            show_error(self, "Choose a lot and a bidder first.")
            return
        lot, bidder = found[0]

        def work(progress: Progress) -> tuple[bytes, int]:
            progress(0, 1)
            return summary_pdf(facts, lot, bidder)

        kind = "Notice of exclusion" if gateway_failed(lot, bidder) else "Assessment summary"
        self._run("Making the assessment summary…", work, f"{kind}: {bidder.name}, {lot.title}",
                  file_name(lot, bidder))

    def _run(self, label: str, work: Any, title: str, suggested: str) -> None:
        def done(result: tuple[bytes, int]) -> None:
            data, pages = result
            self.show_pdf(data, f"{title} ({pages} page{'s' if pages != 1 else ''})",
                          suggested)

        run_task(self, label, work, done, self._failed)

    def show_pdf(self, data: bytes, title: str, suggested: str) -> None:
        """Show PDF bytes in the preview; "Save PDF as…" then writes exactly these bytes."""
        self.document.close()
        self._pdf = QByteArray(data)
        self._buffer = QBuffer(self._pdf, self.document)  # lives as long as its reader
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self._suggested = suggested
        self._preview_stale = False
        self.preview_label.setText(title)
        self.stack.setCurrentWidget(self.viewer)
        self.save_pdf.setEnabled(True)
        self._status("Ready to save: read it through first.")

    def save_preview(self) -> None:
        if self._pdf.isEmpty():
            return
        path = self.ask_save_path("Save PDF as", self._suggested, "PDF files (*.pdf)")
        if not path:
            return
        try:
            save(path, bytes(self._pdf.data()))
        except WorkbenchError as exc:
            show_error(self, str(exc))
            return
        self._status(f"Saved {Path(path).name}")

    def save_all_summaries(self) -> None:
        facts = self._facts()
        missing = check_line(facts, "summaries")
        drafts = any(readiness(facts, lot, b)[0] for lot, b in assessed(facts))
        if drafts and not self.ask_drafts(missing):
            return
        folder = self.ask_folder("Save every assessment summary in")
        if not folder:
            return

        def done(paths: list[Path]) -> None:
            kind = "draft assessment summaries" if drafts else "assessment summaries"
            self._status(f"Saved {len(paths)} {kind} and notices in {folder}")

        run_task(self, "Writing the assessment summaries…",
                 lambda progress: write_summaries(facts, folder, progress, drafts=drafts), done,
                 self._failed)

    def review_feedback(self) -> None:
        self.open_review(FeedbackReview(self.doc.data, self))

    def open_review(self, dialog: QDialog) -> None:
        dialog.exec()

    def mark_sent(self, day: str) -> None:
        ready = not_ready(self._facts())
        self.doc.push(CoreCommand(f"Mark assessment summaries sent on {day}",
                                  lambda tf: mark_summaries_sent(tf, day, ready)))

    def set_notice(self, day: str) -> None:
        self.doc.push(CoreCommand(f"Set award notice date to {day}" if day.strip() else
                                  "Clear award notice date",
                                  lambda tf: set_award_notice(tf, day)))

    # -- workbook and open data ---------------------------------------------------------------

    def save_workbook(self) -> None:
        reference = _safe(self.doc.data.tender.reference or "tender")
        path = self.ask_save_path("Save results workbook", f"{reference}-results.xlsx",
                                  "Excel workbooks (*.xlsx)")
        if path:
            facts = self._facts()
            run_task(self, "Writing the workbook…",
                     lambda progress: write_results_xlsx(facts, path, progress),
                     lambda _r: self._status(f"Saved {Path(path).name}"), self._failed)

    def save_release(self) -> None:
        prefix = self.prefix.text().strip()
        if not prefix.startswith("ocds-") or len(prefix) < 6:
            show_error(self, "The OCDS prefix starts with “ocds-”, for example ocds-local.")
            return
        reference = _safe(self.doc.data.tender.reference or "tender")
        path = self.ask_save_path("Save OCDS release package", f"{reference}-ocds.json",
                                  "JSON files (*.json)")
        if path:
            try:
                write_ocds(self._facts(), path, prefix,
                           include_all_bids=self.include_all.isChecked())
            except WorkbenchError as exc:
                show_error(self, str(exc))
                return
            self._status(f"Saved {Path(path).name}")

    # -- dialogs and messages (tests replace the two ask_ methods) -------------------------

    def ask_save_path(self, title: str, suggested: str, filter_text: str) -> str:
        folder = settings.get(settings.LAST_FOLDER) or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(folder) / suggested),
                                              filter_text)
        suffix = Path(suggested).suffix
        if path and not path.lower().endswith(suffix):
            path += suffix  # some file dialogs leave the type off
        return path

    def ask_drafts(self, missing: str) -> bool:
        answer = QMessageBox.question(
            self, "Save drafts",
            f"The summaries are not ready to send: {missing}.\n\nSave them as drafts, marked "
            "DRAFT on every page, to read through?")
        return answer == QMessageBox.StandardButton.Yes

    def ask_folder(self, title: str) -> str:
        folder = settings.get(settings.LAST_FOLDER) or str(Path.home())
        return QFileDialog.getExistingDirectory(self, title, folder)

    def _failed(self, exc: Exception) -> None:
        task_failed(self, exc, lambda: self._status("Cancelled: nothing was made."))

    def _status(self, message: str) -> None:
        self.last_status = message
        window = self.window()
        if window is not self and hasattr(window, "statusBar"):
            window.statusBar().showMessage(message, 8000)


def _button(text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    return button


def _column(*items: Any) -> QWidget:
    widget = QWidget()
    box = QVBoxLayout(widget)
    box.setContentsMargins(0, 4, 0, 0)
    for item in items:
        if isinstance(item, QWidget):
            box.addWidget(item)
        else:
            box.addLayout(item)
    box.addStretch(1)
    return widget


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text).strip("-")
