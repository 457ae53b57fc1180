"""The Results chart: each ranked bidder's points as one bar, stacked by top-level criterion.

Bar lengths are drawn from the engine's points (floats are fine for pixels); every figure a
person reads — in the bidder labels and the hover text — is the engine's own text.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Criterion
from workbench.scoring.results import LotResult
from workbench.scoring.working import number

from ui import a11y
from ui.views.results_models import rank_text

#: Okabe–Ito colours: distinguishable with the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
#: Longer bidder names are shortened on the axis; the table beside it has them in full.
NAME_CHARS = 30


def short(name: str, limit: int = NAME_CHARS) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


class PointsChart(QChartView):
    """A horizontal stacked bar chart of a lot's ranked bidders (first place at the top).
    A screen reader hears what it shows in its description; `table` holds the same figures."""

    #: Emitted after the chart shows a new result (its `table` changed).
    updated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("points_chart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(260)
        self.setAccessibleName("Points by criterion chart")
        #: The chart's figures as a table: header row, then one row per bidder, ranked.
        self.table: list[list[str]] = []
        # The view's own chart, for the life of the view (a chart made in Python and handed
        # over with setChart would be deleted twice when the app closes).
        self._chart = self.chart()
        self._chart.setMargins(QMargins(4, 4, 8, 4))
        self._chart.setBackgroundRoundness(4)
        self._chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self._chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        title_font = QFont()
        title_font.setBold(True)
        self._chart.setTitleFont(title_font)
        #: (bar set label, bidder labels top to bottom): what the chart shows, for tests.
        self.shown: tuple[list[str], list[str]] = ([], [])

    def show_result(self, result: LotResult | None, tops: list[Criterion],
                    total_points: float) -> None:
        chart = self._chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
            axis.deleteLater()  # a removed axis is still drawn until it is deleted
        ranked = list(reversed(result.ranked)) if result else []  # Qt draws bottom-up
        if not ranked or not tops:
            chart.setTitle("No bidder in the competition yet: nothing to chart")
            self.shown = ([], [])
            self.table = []
            self.setAccessibleDescription(chart.title())
            self.updated.emit()
            return
        chart.setTitle("Points by criterion" + (" (provisional)" if result and
                                                 result.provisional else ""))
        series = QHorizontalStackedBarSeries()
        series.setBarWidth(0.6)
        for i, top in enumerate(tops):
            points = result.available.get(top.id) if result else None
            bar = QBarSet(f"{top.title} ({number(points)} pts)" if points is not None
                          else top.title)
            bar.setColor(QColor(PALETTE[i % len(PALETTE)]))
            bar.setBorderColor(QColor("white"))
            for b in ranked:
                cell = b.criteria[top.id]
                bar.append(float(cell.points) if cell.points is not None else 0.0)
            bar.hovered.connect(
                lambda on, row, top=top: self._hover(on, ranked[row] if on else None, top))
            series.append(bar)
        chart.addSeries(series)
        # Room for every bar and its label: a lot of forty bidders gets a tall chart.
        self.setMinimumHeight(max(260, 26 * len(ranked) + 110))
        # Total first: if Qt must shorten a label for lack of room, it is the name that goes.
        labels = [f"{b.total_text}  {short(b.bidder.name)}" for b in ranked]
        categories = QBarCategoryAxis()
        categories.append(labels)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        values = QValueAxis()
        values.setRange(0, total_points)
        values.setLabelFormat("%.0f")
        values.setTickCount(6)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(values)
        self.shown = ([s.label() for s in series.barSets()], list(reversed(labels)))
        self.table = [["Rank", "Bidder", *(t.title for t in tops), "Total"]] + [
            [rank_text(b), b.bidder.name, *(b.criteria[t.id].points_text or "—" for t in tops),
             b.total_text or "—"] for b in reversed(ranked)]
        self.setAccessibleDescription(
            f"{chart.title()}, one bar per bidder, first place at the top. " + "; ".join(
                f"{row[1]}: {row[-1]} points ("
                + ", ".join(f"{h} {v}" for h, v in zip(self.table[0][2:-1], row[2:-1],
                                                       strict=True)) + ")"
                for row in self.table[1:]) + ".")
        self.updated.emit()

    def _hover(self, on: bool, bidder, top: Criterion) -> None:
        if not on or bidder is None:
            QToolTip.hideText()
            return
        cell = bidder.criteria[top.id]
        QToolTip.showText(QCursor.pos(), f"{bidder.bidder.name}\n{top.title}: "
                          f"{cell.points_text or '—'} points\n{cell.working}", self)


class ChartOrTable(QWidget):
    """The chart with a "Show as table" alternative: the same figures as text, for anyone who
    cannot read a chart (a screen reader user, or someone printing the screen in black)."""

    def __init__(self, chart: PointsChart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.toggle = QCheckBox("Show chart as &table")
        self.toggle.setObjectName("chart_as_table")
        self.toggle.setToolTip("Show the chart's figures as a table instead")
        self.figures = QTableWidget()
        self.figures.setObjectName("chart_table")
        self.figures.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.figures.verticalHeader().hide()
        a11y.table(self.figures, "Points by criterion", "The chart's figures: points per "
                   "top-level criterion for each bidder, ranked")
        self.stack = QStackedWidget()
        self.stack.addWidget(chart)
        self.stack.addWidget(self.figures)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.stack, 1)
        self.toggle.toggled.connect(self._show)
        chart.updated.connect(self._fill)

    def _show(self, as_table: bool) -> None:
        self.stack.setCurrentWidget(self.figures if as_table else self.chart)

    def _fill(self) -> None:
        rows = self.chart.table
        self.figures.clear()
        self.figures.setColumnCount(len(rows[0]) if rows else 0)
        self.figures.setRowCount(max(0, len(rows) - 1))
        if rows:
            self.figures.setHorizontalHeaderLabels(rows[0])
        for r, row in enumerate(rows[1:]):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c >= 2 or c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.figures.setItem(r, c, item)
        self.figures.resizeColumnsToContents()
