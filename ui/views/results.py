"""Results: a lot's ranking, points by criterion (table and chart), the close call, the working.

Everything shown comes from `compute_lot` and `sensitivity`, worked out once per snapshot of
the tender (an edit anywhere gives a new snapshot, and the view follows at once).
"""

from __future__ import annotations

from html import escape

import shiboken6

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Lot, TenderData
from workbench.scoring.results import BidderResult
from workbench.scoring.sensitivity import CloseCall, sensitivity

from ui.document import TenderDocument
from ui.tasks import run_task
from ui.views.base import View, banner, lot_title_row, note, page_layout
from ui.views.results_chart import ChartOrTable, PointsChart
from ui.views.results_models import RankingModel, WorkingModel, top_criteria, working_rows
from ui.views.table_base import list_table

PROVISIONAL = ("PROVISIONAL: totals use the mean of submitted evaluator scores where no "
               "consensus score has been agreed yet, so they may change at moderation.")


class ResultsView(View):
    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(doc, parent)
        #: lot id -> the close call, with the head and lot it was worked out from
        self._calls: dict[str, tuple[TenderData, Lot, CloseCall]] = {}
        self._chosen: dict[str, str] = {}  # lot id -> the bidder last selected in it
        #: the lot and bidder whose working is shown
        self._working_for: tuple[Lot | None, BidderResult | None] = (None, None)
        layout = page_layout(self)
        self.lots = lot_title_row(layout, "Results")
        self.banner = banner("banner_warning")
        layout.addWidget(self.banner)

        self.ranking = RankingModel(self)
        self.table = _table(self.ranking, "ranking_table")
        self.table.setWordWrap(True)
        self.table.setToolTip("Select a bidder to see how its points were worked out")

        self.chart = PointsChart()
        self.close_call = QLabel()
        self.close_call.setObjectName("close_call")
        self.close_call.setWordWrap(True)
        self.close_call.setTextFormat(Qt.TextFormat.RichText)
        self.close_call.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.close_call.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        middle = QHBoxLayout()
        middle.addWidget(ChartOrTable(self.chart), 3)
        middle.addWidget(_card("Close call", "How near the lot came to a different winner",
                               self.close_call), 2, Qt.AlignmentFlag.AlignTop)

        self.working = WorkingModel(self)
        self.working_table = _table(self.working, "working_table")
        self.working_table.setAccessibleName("How the selected bidder's points were worked out")
        self.working_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.working_title = QLabel()
        self.working_title.setObjectName("subheading")
        working_card = QFrame()
        working_card.setObjectName("card")
        inner = QVBoxLayout(working_card)
        inner.addWidget(self.working_title)
        inner.addWidget(self.working_table)

        # One scrolling page, like a printed report: every table shows all its rows, so
        # nothing is cut off at small window sizes and the working is never a scroll-in-scroll.
        page = QWidget()
        page.setObjectName("results_page")
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(12)
        column.addWidget(self.table)
        column.addLayout(middle)
        column.addWidget(working_card)
        column.addStretch(1)
        self.page_scroll = QScrollArea()
        self.page_scroll.setWidget(page)
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self.page_scroll, 1)

        self.lots.lot_chosen.connect(lambda _lot: self._show_lot())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    # -- filling -------------------------------------------------------------------------

    def refresh(self) -> None:
        self.lots.fill(self.doc.lot_titles())
        self._show_lot()

    def _show_lot(self) -> None:
        # The document reads the lot and computes its results once per change of the lot.
        head = self.doc.head
        lot = self.doc.lot(self.lots.lot_id() or "")
        if lot is None:
            self.ranking.set_rows(None, [])
            self.chart.show_result(None, [], 0)
            self.banner.hide()
            self.close_call.setText("This tender has no lots yet.")
            self._show_working(None)
            return
        result = self.doc.result(lot.id)
        assert result is not None
        tops = top_criteria(lot)
        self.banner.setVisible(result.provisional)
        if result.provisional:
            self.banner.setText(f"{PROVISIONAL} Still to come: {', '.join(result.notes)}.")
        self.ranking.set_rows(result, tops, head.tender.currency)
        self._size_table()
        self.chart.show_result(result, tops, float(head.tender.total_points))
        known = self._calls.get(lot.id)
        if known is not None and known[0] is head and known[1] is lot:
            self.close_call.setText(_close_call_html(known[2]))
        else:
            # The close call recomputes the lot many times over (a large lot takes most of a
            # second): show the ranking now and fill the panel from the thread pool.
            self.close_call.setText("<i>Working out how close the result is…</i>")
            self._start_close_call(head, lot)
        row = self.ranking.row_of(self._chosen.get(lot.id, ""))
        self._select(row if row is not None else 0)

    def _start_close_call(self, head: TenderData, lot: Lot) -> None:
        def done(call: CloseCall) -> None:
            if not shiboken6.isValid(self.close_call) or head is not self.doc.head \
                    or lot is not self.doc.lot(lot.id):
                return  # the tender changed (or the view closed) meanwhile: a newer run follows
            self._calls[lot.id] = (head, lot, call)
            if self.lots.lot_id() == lot.id:
                self.close_call.setText(_close_call_html(call))

        def failed(exc: Exception) -> None:
            if shiboken6.isValid(self.close_call):
                self.close_call.setText(f"The close call could not be worked out: {exc}")

        # `sensitivity` is pure over the cached objects, which no one mutates: safe on a worker.
        run_task(self, "", lambda _progress: sensitivity(head, lot), done, failed, quiet=True)

    def _size_table(self) -> None:
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        # Names and reasons share the spare width and wrap, however long a name is.
        for col in (RankingModel.COL_BIDDER, self.ranking.col_status):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        _fit_height(self.table)

    def _select(self, row: int) -> None:
        if self.ranking.rowCount() == 0:
            self._show_working(None)
            return
        index = self.ranking.index(row, RankingModel.COL_BIDDER)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self._show_working(self.ranking.bidder_at(row))

    def _row_changed(self, current, _previous) -> None:
        lot_id = self.lots.lot_id()
        if current.isValid() and lot_id is not None:
            bidder = self.ranking.bidder_at(current.row())
            self._chosen[lot_id] = bidder.bidder.id
            self._show_working(bidder)

    def _show_working(self, bidder: BidderResult | None) -> None:
        lot = self.doc.lot(self.lots.lot_id() or "")
        # Selecting a row shows its working, and so may the caller that selected it: laying
        # out a hundred rows of working twice cost a large lot most of a second.
        shown, self._working_for = self._working_for, (lot, bidder)
        if shown[0] is lot and shown[1] is bidder and bidder is not None:
            return  # the same objects: the same state of the lot and its results
        if bidder is None or lot is None:
            self.working_title.setText("How the points were worked out")
            self.working.set_rows([], "GBP")
            return
        where = (f"rank {bidder.rank}" if bidder.rank is not None and not bidder.tied else
                 f"tied for rank {bidder.rank}" if bidder.rank is not None else "excluded")
        ratio = f": {bidder.ratio_working}" if bidder.ratio_working else ""
        self.working_title.setText(f"How {bidder.bidder.name}'s points were worked out "
                                   f"({where}){ratio}")
        self.working.set_rows(working_rows(lot, bidder), self.doc.head.tender.currency)
        self.working_table.resizeColumnsToContents()
        self.working_table.horizontalHeader().setSectionResizeMode(
            WorkingModel.COL_WORKING, QHeaderView.ResizeMode.Stretch)
        _fit_height(self.working_table)


def _close_call_html(call: CloseCall) -> str:
    lead = "<p><i>Based on provisional results.</i></p>" if call.provisional else ""
    items = "".join(f"<li style='margin-bottom:4px'>{escape(line)}</li>" for line in call.lines)
    return f"{lead}<ul style='margin-left:-20px'>{items}</ul>"


def _table(model, name: str) -> QTableView:
    table = list_table(model, name)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.horizontalHeader().setHighlightSections(False)
    return table


def _fit_height(table: QTableView) -> None:
    """Make a table exactly as tall as its rows, so the page scrolls instead of the table."""
    table.resizeRowsToContents()
    rows = sum(table.rowHeight(r) for r in range(table.model().rowCount()))
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + rows
                         + 2 * table.frameWidth())


def _card(title: str, subtitle: str, body: QWidget) -> QFrame:
    card = QFrame()
    card.setObjectName("card")
    inner = QVBoxLayout(card)
    label = QLabel(title)
    label.setObjectName("subheading")
    inner.addWidget(label)
    inner.addWidget(note(subtitle))
    inner.addWidget(body, 1)
    return card
