"""The portfolio window (File ▸ Portfolio of a folder…): figures across every tender in a
folder, per year and authority, a table per lot with drill-down (double-click opens the
tender), and two charts. The folder is read off the GUI thread with progress; every figure is
a text the core made (`workbench.portfolio`), nothing is counted here.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.numbers import fmt_money
from workbench.portfolio.figures import Figures, meets_policy
from workbench.portfolio.output import Portfolio, portfolio, write_xlsx
from workbench.portfolio.reading import LotFacts, TenderFacts, read_folder
from workbench.reports.portfolio_report import write_portfolio_report

from ui.errors import show_error, task_failed
from ui.tasks import run_task
from ui.views.base import button, note
from ui.views.table_base import LEFT, RIGHT, Index, RowsModel, list_table

#: Okabe–Ito blue and orange, as the printed charts.
BAR_COLOURS = ("#0072B2", "#E69F00")


class LotsModel(RowsModel):
    """One row per lot of every tender read."""

    HEADERS = ("File", "Tender", "Authority", "Year", "Lot", "SV weight", "Meets policy",
               "Winner", "Contract value", "Monitoring")
    TIPS = ("", "", "", "The year the evaluation plan was sealed (or the file created)", "",
            "Share of the lot's points carried by social value criteria",
            "At least the tender's social value minimum", "Only once the lot's results are "
            "final", "The winning price", "The contract's overall monitoring rating")
    NUMERIC = (3, 5, 8)

    def set_rows(self, rows: list[tuple[TenderFacts, LotFacts]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def path_at(self, row: int) -> str:
        return self._rows[row][0].file

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            t, lot = self._rows[index.row()]
            return self._cells(t, lot)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if index.column() in self.NUMERIC else LEFT
        return None

    @staticmethod
    def _cells(t: TenderFacts, lot: LotFacts) -> list[str]:
        won = next((b for b in lot.bids if b.won), None)
        winner = "provisional" if lot.provisional else (
            f"{won.name} ({', '.join(won.types)})" if won else "—")
        value = fmt_money(won.price, t.currency) if won and won.price is not None else "—"
        rating = lot.monitoring.rating
        return [t.file, t.title, t.authority, str(t.year), lot.id,
                f"{lot.social_value_weight:.2f}%",
                "yes" if meets_policy(t, lot) else f"no (minimum {t.policy_minimum}%)",
                winner, value, (rating.band or "not rated") if rating else "—"]


class PairBars(QWidget):
    """Two bars per category, with a legend: drawn from figures the core counted."""

    def __init__(self, title: str, names: tuple[str, str], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.title, self.names = title, names
        self.points: list[tuple[str, Decimal, Decimal]] = []
        self.setMinimumHeight(190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_points(self, points: list[tuple[str, Decimal, Decimal]]) -> None:
        self.points = points
        self.setToolTip("\n".join(f"{label}: {self.names[0]} {a}, {self.names[1]} {b}"
                                  for label, a, b in points))
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = self.palette().windowText().color()
        metrics = painter.fontMetrics()
        painter.setPen(ink)
        painter.drawText(0, metrics.ascent(), self.title)
        legend_y = self.height() - 4
        for i, (name, colour) in enumerate(zip(self.names, BAR_COLOURS, strict=True)):
            x = 4 + i * 220
            painter.fillRect(x, legend_y - 10, 10, 10, QColor(colour))
            painter.drawText(x + 14, legend_y, name)
        if not self.points:
            return
        top = 2 * metrics.height() + 8  # room for the title and the figures over the bars
        bottom = self.height() - 2 * metrics.height() - 12
        high = max(max(a, b) for _l, a, b in self.points) or Decimal(1)
        slot = self.width() / len(self.points)
        bar = max(2.0, min(28.0, slot * 0.3))
        for i, (label, a, b) in enumerate(self.points):
            left = i * slot + slot / 2 - bar
            for j, value in enumerate((a, b)):
                height = float(value / high) * (bottom - top)
                painter.fillRect(QRectF(left + j * bar, bottom - height, bar - 1, height),
                                 QColor(BAR_COLOURS[j]))
                painter.setPen(ink)
                painter.drawText(QRectF(left + j * bar - 10, bottom - height - metrics.height()
                                        - 2, bar + 20, metrics.height()),
                                 Qt.AlignmentFlag.AlignHCenter, format(value, "f"))
            painter.setPen(ink)
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(slot) - 4)
            painter.drawText(QRectF(i * slot, bottom + 2, slot, metrics.height()),
                             Qt.AlignmentFlag.AlignHCenter, text)
        painter.setPen(QColor("#B7C0CC"))
        painter.drawLine(0, int(bottom), self.width(), int(bottom))


class PortfolioWindow(QDialog):
    """The figures of one folder; `open_tender(path)` is called on a drill-down."""

    def __init__(self, open_tender: Callable[[str], object], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("portfolio")
        self.setWindowTitle("Portfolio")
        self.resize(1200, 760)
        self._open_tender = open_tender
        self.found: Portfolio | None = None
        layout = QVBoxLayout(self)
        self.heading = QLabel("Portfolio")
        self.heading.setObjectName("heading")
        layout.addWidget(self.heading)
        self.summary = note("")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        charts = QHBoxLayout()
        self.policy_chart = PairBars("Lots meeting the social value policy",
                                     ("Lots", "Meeting the policy minimum"))
        self.small_chart = PairBars("Bids from SMEs and VCSEs, and those that won",
                                    ("SME/VCSE bids", "Won"))
        charts.addWidget(self.policy_chart)
        charts.addWidget(self.small_chart)
        layout.addLayout(charts)
        self.model = LotsModel(self)
        self.table = list_table(self.model, "portfolio_table")
        self.table.setToolTip("Double-click (or Enter) to open the tender")
        self.table.doubleClicked.connect(lambda index: self.drill_down(index.row()))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # not `activated`: on some
            # platforms a double-click activates too, and the tender would open twice
            QShortcut(QKeySequence(key), self.table,
                      lambda: self.drill_down(self.table.currentIndex().row()),
                      context=Qt.ShortcutContext.WidgetShortcut)
        layout.addWidget(self.table, 1)
        self.skipped = note("")
        layout.addWidget(self.skipped)
        buttons = QHBoxLayout()
        self.pdf_button = button("Save &PDF…", "portfolio_pdf", lambda: self.export("pdf"),
                                 "The portfolio report, for the council's records")
        self.xlsx_button = button("Save &workbook…", "portfolio_xlsx",
                                  lambda: self.export("xlsx"),
                                  "Every figure in a workbook, for the council's own analysis")
        for push in (self.pdf_button, self.xlsx_button):
            push.setEnabled(False)
            buttons.addWidget(push)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def read(self, folder: str) -> None:
        """Read `folder` in the background (with progress and Cancel), then show it."""
        self.heading.setText(f"Portfolio of {folder}")
        run_task(self, f"Reading the tenders in {Path(folder).name}…",
                 lambda progress: read_folder(folder, progress),
                 lambda found: self.show_result(portfolio(folder, *found)), self._failed)

    def show_result(self, result: Portfolio) -> None:
        self.found = result
        self.summary.setText(self._summary(result.total))
        self.policy_chart.set_points([(f"{g.year} {g.authority}", Decimal(g.figures.lots),
                                       Decimal(g.figures.lots_meeting_policy))
                                      for g in result.groups])
        self.small_chart.set_points([(f"{g.year} {g.authority}",
                                      Decimal(g.figures.small_bids),
                                      Decimal(g.figures.small_won)) for g in result.groups])
        self.model.set_rows([(t, lot) for t in result.tenders for lot in t.lots])
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.skipped.setText("Not read: " + "; ".join(f"{s.file} ({s.reason})"
                                                      for s in result.skipped)
                             if result.skipped else "")
        self.skipped.setVisible(bool(result.skipped))
        for push in (self.pdf_button, self.xlsx_button):
            push.setEnabled(True)

    @staticmethod
    def _summary(f: Figures) -> str:
        share = "—" if f.small_share_won is None else f"{f.small_share_won}%"
        rating = f.rating
        excluded = "; ".join(f"{kind} " + ", ".join(f"{n} by {cause}"
                                                    for cause, n in causes.items() if n)
                             for kind, causes in f.exclusions.items()
                             if any(causes.values())) or "none"
        return (f"{f.tenders} tenders, {f.lots} lots. Social value policy met on "
                f"{f.lots_meeting_policy} of {f.lots} lots. Bids from SMEs and VCSEs: "
                f"{f.small_bids}, of which {f.small_won} won ({share}). SME and VCSE bidders "
                f"excluded: {excluded}. Social value delivered: {rating.working}.")

    def drill_down(self, row: int) -> None:
        if self.found is None or not 0 <= row < self.model.rowCount():
            return
        self._open_tender(str(Path(self.found.folder) / self.model.path_at(row)))

    def export(self, kind: str) -> None:
        if self.found is None:
            return
        path = self.ask_save_path(kind)
        if not path:
            return
        result = self.found
        if kind == "pdf":
            run_task(self, "Writing the portfolio report…",
                     lambda progress: write_portfolio_report(result, path, progress),
                     lambda _pages: None, self._failed)
        else:
            try:
                write_xlsx(result, path)
            except WorkbenchError as exc:
                show_error(self, str(exc))

    def ask_save_path(self, kind: str) -> str:
        """Where to save (tests replace this method)."""
        folder = self.found.folder if self.found else str(Path.home())
        suffix, label = (".pdf", "PDF files (*.pdf)") if kind == "pdf" else \
            (".xlsx", "Excel workbooks (*.xlsx)")
        path, _ = QFileDialog.getSaveFileName(self, "Save the portfolio",
                                              str(Path(folder) / f"portfolio{suffix}"), label)
        if path and not path.lower().endswith(suffix):
            path += suffix
        return path

    def _failed(self, exc: Exception) -> None:
        task_failed(self, exc)
