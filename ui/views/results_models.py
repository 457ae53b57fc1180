"""Qt models of the Results view: the ranking of a lot, and one bidder's shown working.

Thin adapters over `LotResult` and `BidderResult`: every figure shown is a text the scoring
engine made (`total_text`, `points_text`, `score_text`, `working`); nothing is added up here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from workbench.domain import Criterion, Lot
from workbench.numbers import fmt_money
from workbench.scoring.formulas import AWARD_METHODS
from workbench.scoring.results import BidderResult, CriterionResult, LotResult
from workbench.scoring.working import number

from ui.views.table_base import LEFT, RIGHT, ROOT, Index, RowsModel

BIDDER_ID_ROLE = Qt.ItemDataRole.UserRole + 1

GATEWAY_TEXT = {"pass": "Pass", "fail": "Fail", None: "Not assessed"}
TIE_TIP = ("tied: the totals are equal at the tender's rounding; a tie is never broken "
           "silently")
_GREY = QColor("#616e7c")
_TIED = QColor("#fff3c4")


def top_criteria(lot: Lot) -> list[Criterion]:
    """The top-level criteria that carry points (gateways carry none)."""
    return [c for c in lot.criteria if c.kind != "pass_fail"]


def rank_text(b: BidderResult) -> str:
    """ "1", "=2" for a shared rank, "—" for an excluded bidder."""
    if b.rank is None:
        return "—"
    return f"={b.rank}" if b.tied else str(b.rank)


class RankingModel(RowsModel):
    """One row per bidder of a lot, ranked first then excluded; one column per top criterion."""

    COL_RANK, COL_BIDDER, COL_TYPE, COL_TOTAL, COL_RATIO = range(5)
    FIXED = ("Rank", "Bidder", "Type", "Total")
    #: Ranked on price per quality point: the total is the quality points, and the ratio the
    #: ranking follows comes next.
    BY_RATIO = ("Rank", "Bidder", "Type", "Quality\npoints", "£ per\nquality point")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[BidderResult] = []
        self._tops: list[Criterion] = []
        self._result: LotResult | None = None
        self._fixed: tuple[str, ...] = self.FIXED
        self._currency = "GBP"

    def set_rows(self, result: LotResult | None, tops: list[Criterion],
                 currency: str = "GBP") -> None:
        """Show a lot's ranking: in place when the same bidders keep their places under the
        same columns (a figure changed), else a new table."""
        tops = list(tops)
        by_ratio = result is not None and AWARD_METHODS[result.award_method].by_ratio
        fixed = self.BY_RATIO if by_ratio else self.FIXED

        def alongside() -> None:
            self._result, self._tops, self._currency = result, tops, currency

        if [c.id for c in tops] != [c.id for c in self._tops] or fixed != self._fixed:
            self.beginResetModel()  # other columns
            self._rows = []
            self._fixed = fixed
            alongside()
            self.endResetModel()
        self._replace_rows(list(result.bidders) if result else [], lambda b: b.bidder.id,
                           alongside)

    @property
    def col_status(self) -> int:
        return len(self._fixed) + len(self._tops)

    def bidder_at(self, row: int) -> BidderResult:
        return self._rows[row]

    def row_of(self, bidder_id: str) -> int | None:
        return next((i for i, b in enumerate(self._rows) if b.bidder.id == bidder_id), None)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else self.col_status + 1

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section <= self.col_status:
            return None
        top = self._top(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if top is not None:  # two lines keep the number columns narrow
                return f"{top.title}\n{self._available(top)}"
            return "Status" if section == self.col_status else self._fixed[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if top is not None:
                return (f"Points for {top.id} {top.title}, out of the {self._available(top)} "
                        "points it carries")
            if section == self.COL_TOTAL:
                return ("Quality points: the points of every criterion but price"
                        if self._fixed is self.BY_RATIO else
                        "Total points, in the tender's rounding")
            if section == self.COL_RATIO and self._fixed is self.BY_RATIO:
                return "Price ÷ quality points: the lowest ranks first"
        if role == Qt.ItemDataRole.TextAlignmentRole and (
                top is not None or section in self._numbers()):
            return RIGHT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        b = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(b, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(b, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col in self._numbers() or self._top(col) is not None else LEFT
        if role == Qt.ItemDataRole.ForegroundRole and b.excluded:
            return QBrush(_GREY)
        if role == Qt.ItemDataRole.BackgroundRole and b.tied and col == self.COL_RANK:
            return QBrush(_TIED)
        if role == Qt.ItemDataRole.FontRole and b.rank == 1 and col in (
                self.COL_RANK, self.COL_BIDDER, self.COL_TOTAL):
            font = QFont()
            font.setBold(True)
            return font
        if role == BIDDER_ID_ROLE:
            return b.bidder.id
        return None

    def _display(self, b: BidderResult, col: int) -> str:
        top = self._top(col)
        if top is not None:
            return b.criteria[top.id].points_text or "—"
        if col == self.COL_RANK:
            return rank_text(b)
        if col == self.COL_BIDDER:
            return b.bidder.name
        if col == self.COL_TYPE:
            return b.bidder.organisation_type
        if col == self.COL_TOTAL:
            return b.total_text or "—"
        if col == self.COL_RATIO and self._fixed is self.BY_RATIO:
            return "—" if b.ratio_text is None else fmt_money(Decimal(b.ratio_text),
                                                              self._currency)
        low = " · abnormally low bid" if b.abnormally_low else ""
        if b.excluded:
            return "Excluded: " + "; ".join(b.reasons)
        return ("Tied: the panel decides" if b.tied else "In the competition") + low

    def _tooltip(self, b: BidderResult, col: int) -> str | None:
        top = self._top(col)
        if top is not None:
            return f"{top.id} {top.title}: {b.criteria[top.id].working}"
        if col == self.COL_RANK:
            return TIE_TIP if b.tied else (
                "excluded: no total and no rank" if b.excluded else None)
        if col == self.COL_BIDDER and b.bidder.anonymous_code:
            return f"{b.bidder.name} (anonymous code {b.bidder.anonymous_code})"
        if col == self.col_status and b.excluded:
            return "Excluded:\n" + "\n".join(b.reasons)
        if col == self.col_status and b.tied:
            return TIE_TIP
        if col == self.COL_RATIO and self._fixed is self.BY_RATIO:
            return b.ratio_working
        return None

    def _numbers(self) -> tuple[int, ...]:
        return (self.COL_TOTAL, self.COL_RATIO) if self._fixed is self.BY_RATIO else (
            self.COL_TOTAL,)

    def _top(self, col: int) -> Criterion | None:
        i = col - len(self._fixed)
        return self._tops[i] if 0 <= i < len(self._tops) else None

    def _available(self, top: Criterion) -> str:
        points = self._result.available.get(top.id) if self._result else None
        return "no points" if points is None else f"{number(points)} pts"


@dataclass(frozen=True)
class WorkingRow:
    """One line of a bidder's working: a criterion at some depth of the model, and its cell."""

    criterion: Criterion
    depth: int
    cell: CriterionResult


def working_rows(lot: Lot, b: BidderResult) -> list[WorkingRow]:
    """Every criterion of the model in tree order, with the bidder's cell."""
    rows: list[WorkingRow] = []

    def visit(nodes: list[Criterion], depth: int) -> None:
        for node in nodes:
            cell = b.criteria.get(node.id)
            if cell is not None:
                rows.append(WorkingRow(node, depth, cell))
            visit(node.children, depth + 1)

    visit(lot.criteria, 0)
    return rows


class WorkingModel(RowsModel):
    """How one bidder's points were worked out: criterion, score used, points, working."""

    COL_CRITERION, COL_SCORE, COL_POINTS, COL_WORKING = range(4)
    HEADERS = ("Criterion", "Score used", "Points", "How it was worked out")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[WorkingRow] = []
        self._currency = "GBP"

    def set_rows(self, rows: list[WorkingRow], currency: str) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._currency = currency
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col in (self.COL_SCORE, self.COL_POINTS) else LEFT
        if role == Qt.ItemDataRole.FontRole and row.criterion.kind == "group":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row.cell.provisional:
            return QBrush(QColor("#8d6708"))  # dark amber: provisional, still readable
        return None

    def _text(self, row: WorkingRow, col: int) -> str:
        c, cell = row.criterion, row.cell
        if col == self.COL_CRITERION:
            return "    " * row.depth + f"{c.id} {c.title}"
        if col == self.COL_SCORE:
            return self._score(c, cell)
        if col == self.COL_POINTS:
            return cell.points_text or "—"
        return cell.working

    def _score(self, c: Criterion, cell: CriterionResult) -> str:
        if cell.kind == "pass_fail":
            return GATEWAY_TEXT.get(cell.result, cell.result or "")
        if cell.score is None:
            return "—"
        if cell.kind == "price":
            return fmt_money(cell.score, self._currency)
        if cell.kind == "quantitative":
            return number(cell.score) + (f" {c.unit}" if c.unit else "")
        return cell.score_text or "—"
