"""The Panel's scoring packs tab: issue packs, merge returned ones, and the returns dashboard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.panel.merge import merge_packs
from workbench.panel.packs import create_packs, pack_items
from workbench.panel.returns import (
    CriterionReturn,
    EvaluatorReturn,
    criterion_returns,
    returns_dashboard,
)

from ui import errors, settings
from ui.document import TenderDocument
from ui.tasks import run_task
from ui.views.base import note
from ui.views.panel_actions import tell
from ui.views.panel_dialogs import PackOptionsDialog
from ui.views.panel_models import lot_label, nice_date
from ui.views.table_base import Index, RowsModel, list_table

PACK_FILTER = "Scoring packs (*.tender *.xlsx);;All files (*)"
GOOD = QBrush(QColor("#2b7a2e"))
WAITING = QBrush(QColor("#806500"))
REFUSED = QBrush(QColor("#9b1c1c"))


class _Rows(RowsModel):
    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()


class ReturnsModel(_Rows):
    """Per evaluator: which pack went out when, when it came back, how complete, final or not."""

    COL_NAME, COL_PACK, COL_ISSUED, COL_RETURNED, COL_COMPLETE, COL_SUBMITTED = range(6)
    HEADERS = ("Evaluator", "Pack", "Issued", "Returned", "Scored", "Final")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row: EvaluatorReturn = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.name,
                    {"tender": "Workbench file", "xlsx": "Excel workbook"}.get(
                        row.pack_format, "Not issued"),
                    nice_date((row.issued_at or "")[:10]) or "—",
                    nice_date((row.returned_at or "")[:10]) or "—",
                    f"{row.complete} of {row.required}",
                    "Yes" if row.submitted else "No")[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.COL_COMPLETE:
                return GOOD if row.required and row.complete == row.required else WAITING
            if column == self.COL_SUBMITTED:
                return GOOD if row.submitted else WAITING
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.COL_ISSUED,
                                                               self.COL_RETURNED):
            return (row.issued_at if column == self.COL_ISSUED else row.returned_at) or ""
        return None


class CriterionReturnsModel(_Rows):
    """Per question: how many of its evaluators have scored every bidder."""

    COL_LOT, COL_QUESTION, COL_ASSIGNED, COL_SCORED, COL_STARTED = range(5)
    HEADERS = ("Lot", "Question", "Evaluators", "Scored every bidder", "Part scored")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row: CriterionReturn = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (lot_label(row.lot_title), f"{row.criterion_id} {row.title}",
                    str(row.assigned), str(row.scored), str(row.started or ""))[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_SCORED:
            return GOOD if row.assigned and row.scored >= row.assigned else WAITING
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_LOT:
            return row.lot_title
        return None


class PacksTab(QWidget):
    """Issue packs, merge returns and watch them come back. The two buttons live in the
    Panel's header, so they are at hand from every tab."""

    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.create_button = QPushButton("Create scoring &packs…")
        self.create_button.setToolTip("Write one scoring pack per evaluator: an app file or an "
                                      "Excel workbook holding only their own questions")
        self.create_button.clicked.connect(self.create_packs)
        self.merge_button = QPushButton("Mer&ge returned packs…")
        self.merge_button.setToolTip("Bring evaluators' returned packs back into this tender "
                                     "(you can also drop the files on the window)")
        self.merge_button.clicked.connect(self.choose_and_merge)
        layout = QVBoxLayout(self)
        layout.addWidget(note("Each evaluator's pack: when it went out, when it came back and "
                              "how much is scored. Scores merged from a draft pack count as "
                              "scored but not final."))
        split = QSplitter(Qt.Orientation.Vertical)
        self.returns_model = ReturnsModel(self)
        self.returns = _table(self.returns_model, "returns_table", ReturnsModel.COL_NAME)
        self.criteria_model = CriterionReturnsModel(self)
        self.criteria = _table(self.criteria_model, "criterion_returns_table",
                               CriterionReturnsModel.COL_QUESTION)
        report = QWidget()
        report_layout = QVBoxLayout(report)
        report_layout.setContentsMargins(0, 0, 0, 0)
        report_layout.addWidget(QLabel("<b>Last merge</b>"))
        self.report = QListWidget()
        self.report.setObjectName("merge_report")
        self.report.setAccessibleName("What the last merge did")
        self.report.setWordWrap(True)
        self.report.addItem("No packs merged in this session yet.")
        report_layout.addWidget(self.report)
        for widget in (self.returns, self.criteria, report):
            split.addWidget(widget)
        split.setSizes([200, 260, 140])
        layout.addWidget(split, 1)

    def refresh(self) -> None:
        data = self.doc.data  # the open document's copy: read once, not once per table
        self.returns_model.set_rows(returns_dashboard(data, self.doc.tf.rows("packs")))
        self.criteria_model.set_rows(criterion_returns(data))
        for button in (self.create_button, self.merge_button):
            button.setEnabled(not self.doc.read_only)

    # -- issuing ------------------------------------------------------------------------------

    def create_packs(self) -> None:
        data = self.doc.data
        owing = [(e.id, e.name) for e in data.evaluators if pack_items(data, e.id)]
        if not owing:
            errors.show_error(self, "Nobody has questions to score yet: tick who scores what "
                              "on the Assignments tab first")
            return
        folder = settings.get(settings.LAST_FOLDER) or str(Path(self.doc.path).parent)
        chosen = PackOptionsDialog.ask(self, owing, folder)
        if chosen is None:
            return
        fmt, out_dir, evaluators = chosen
        if not evaluators:
            errors.show_error(self, "No evaluator was ticked, so no pack was made")
            return
        main = self.doc.tf

        def work(progress):
            # The worker's own connection, under this window's one-writer lock; the progress
            # dialog keeps the window still until the work is done.
            with main.for_worker_thread() as tf:
                return create_packs(tf, out_dir, fmt, evaluators, progress)

        run_task(self, "Creating scoring packs…", work, self._created, self._failed)

    def _created(self, paths: list[Path]) -> None:
        self.doc.notify()
        self.report.clear()
        self.report.addItem(f"{len(paths)} scoring pack(s) written to {paths[0].parent}:"
                            if paths else "No packs were written.")
        for path in paths:
            self.report.addItem(f"    {path.name}")
        tell(self, f"{len(paths)} scoring pack(s) created")

    def _failed(self, exc: Exception) -> None:
        self.doc.notify()
        errors.task_failed(self, exc)

    # -- merging ------------------------------------------------------------------------------

    def choose_and_merge(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Merge returned scoring packs", settings.get(settings.LAST_FOLDER), PACK_FILTER)
        if paths:
            self.merge_paths(paths)

    def merge_paths(self, paths: list[str], *, after_moderation: bool = False) -> None:
        """Merge packs off the GUI thread; packs refused only because moderation has started
        are merged after the lead confirms."""
        if self.doc.read_only or not paths:
            if paths:
                errors.show_error(self, f"Cannot merge: {self.doc.tf.read_only_reason}")
            return
        files, main = [Path(p) for p in paths], self.doc.tf

        def work(_progress):
            with main.for_worker_thread() as tf:
                return merge_packs(tf, files, after_moderation=after_moderation)

        run_task(self, "Merging scoring packs…", work,
                 lambda report: self._merged(report, after_moderation), self._failed)

    def _merged(self, report, confirmed: bool) -> None:
        self.doc.notify()
        waiting = [str(r.path) for r in report.results if r.needs_confirmation]
        if waiting and not confirmed and errors.ask(
                self, f"Moderation has already started. Merge {len(waiting)} pack(s) anyway? "
                "Scores the panel may have discussed could change; every change is kept in the "
                "audit trail.", "Merge after moderation started"):
            self.merge_paths(waiting, after_moderation=True)
            merged = [r for r in report.results if not r.needs_confirmation]
            if merged:
                self._show_report(merged, keep=True)
            return
        self._show_report(report.results)

    def _show_report(self, results, *, keep: bool = False) -> None:
        if not keep:
            self.report.clear()
        for result in results:
            item = QListWidgetItem(result.summary())
            item.setForeground(REFUSED if result.problems else GOOD)
            self.report.addItem(item)
            for line in result.problem_lines():
                self.report.addItem(f"    • {line}")
        merged = sum(1 for r in results if not r.problems)
        tell(self, f"{merged} of {len(results)} pack(s) merged")


def _table(model, name: str, stretch: int) -> QTableView:
    table = list_table(model, name, single=False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table
