"""Qt models of the moderation view (items, agreement per question, evaluator lean) and names."""

from __future__ import annotations

import string
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from workbench.domain import Bidder, Evaluator, Lot, Rounding
from workbench.moderation.agreement import CriterionAgreement, EvaluatorDeviation
from workbench.moderation.consensus import Progress
from workbench.moderation.flags import Item, flag_text
from workbench.numbers import dec_str, round_to

from ui.views.table_base import RIGHT, Index, RowsModel

ALPHA_TIP = ("How far the evaluators' own marks agreed with each other before moderation "
             "(Krippendorff's alpha). 1 means the evaluators agree perfectly; below about 0.67 "
             "their marks tell different stories, so the consensus rationale matters most; "
             "0 is no better than chance.")
LEAN_TIP = ("On average, how far each evaluator's marks sit above or below the scores the "
            "panel agreed, in scale points. Below zero: a harder marker; above zero: a softer "
            "marker. Neither is wrong; knowing it helps the chair hear every view.")
DISTANCE_TIP = ("On average, how far this evaluator's marks were from the agreed score, "
                "whichever way.")
FLAG = "⚑"
TWO_PLACES = Rounding(2)


class Names:
    """How evaluators and bidders are shown: by name, or blind ("Evaluator 2", "Bidder C")."""

    def __init__(self, panel: list[Evaluator], lot: Lot | None, hide_evaluators: bool = False,
                 hide_bidders: bool = False) -> None:
        self.hide_evaluators, self.hide_bidders = hide_evaluators, hide_bidders
        self._evaluators = {e.id: (i + 1, e) for i, e in enumerate(panel)}
        bidders = lot.bidders if lot is not None else []
        self._codes = {b.id: b.anonymous_code or _code(i) for i, b in enumerate(bidders)}

    def evaluator(self, evaluator_id: str) -> str:
        number, evaluator = self._evaluators.get(evaluator_id, (0, None))
        if self.hide_evaluators or evaluator is None:
            return f"Evaluator {number}" if number else evaluator_id
        return evaluator.name

    def role(self, evaluator_id: str) -> str:
        _number, evaluator = self._evaluators.get(evaluator_id, (0, None))
        return "" if self.hide_evaluators or evaluator is None else evaluator.role

    def bidder(self, bidder: Bidder) -> str:
        return self._codes.get(bidder.id, bidder.id) if self.hide_bidders else bidder.name


def _code(index: int) -> str:
    letters = string.ascii_uppercase
    return f"Bidder {letters[index]}" if index < len(letters) else f"Bidder {index + 1}"


def signed(value: Decimal) -> str:
    """ "+0.25", "−0.30", "0.00": a lean with its direction, two decimals."""
    text = format(round_to(abs(value), TWO_PLACES), "f")
    if round_to(value, TWO_PLACES) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def state_text(item: Item) -> str:
    if item.agreed is not None:
        return f"Agreed {dec_str(item.agreed.score)}"
    return "Parked" if item.parked is not None else "To agree"


class ItemListModel(RowsModel):
    """The items being walked, in the chosen order: one row per bidder × question.

    The texts are made once per change (`set_rows`), so painting, which asks for every
    visible cell on each move through the meeting, is a plain look-up.
    """

    COL_NUMBER, COL_BIDDER, COL_CRITERION, COL_SPREAD, COL_STATE = range(5)
    HEADERS = ("#", "Bidder", "Question", "Spread", "Status")
    TIPS = ("", "", "", "Highest mark minus lowest mark. ⚑ marks an item flagged for "
                        "discussion.", "")
    KEY_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Item] = []
        self._cells: list[tuple[str, ...]] = []
        self._names: Names | None = None
        self._brushes = {state: QBrush(QColor(colour)) for state, colour in (
            ("agreed", "#2b7a2e"), ("parked", "#8d2b0b"), ("open", "#486581"))}

    def set_rows(self, items: list[Item], names: Names) -> None:
        """Show the items: in place when they are the same items in the same order (one was
        agreed or parked), else a new list."""
        items = list(items)

        def alongside() -> None:
            self._names = names
            self._cells = [self._texts(item, row, names) for row, item in enumerate(items)]

        self._replace_rows(items, lambda item: item.key, alongside)

    @staticmethod
    def _texts(item: Item, row: int, names: Names) -> tuple[str, ...]:
        spread = "–" if item.spread is None else dec_str(item.spread)
        return (str(row + 1), names.bidder(item.bidder), item.criterion.id,
                f"{spread} {FLAG}" if item.flagged else spread, state_text(item))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.COL_STATE:
            return self._brushes[self._rows[index.row()].state]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(self._rows[index.row()])
        if role == self.KEY_ROLE:
            return self._rows[index.row()].key
        return None

    def _tooltip(self, item: Item) -> str:
        assert self._names is not None
        lines = [f"{self._names.bidder(item.bidder)} on {item.criterion.id} "
                 f"{item.criterion.title}"]
        lines += [f"Flagged: {reason}" for reason in flag_text(item, self._names.evaluator)]
        return "\n".join(lines)


class AgreementModel(RowsModel):
    """Per scored question: agreed so far, and how far the evaluators agreed (alpha)."""

    COL_CRITERION, COL_AGREED, COL_ALPHA, COL_READING = range(4)
    HEADERS = ("Question", "Agreed", "Agreement", "What it means")
    TIPS = ("", "Consensus scores agreed so far, of all bids on the question.", ALPHA_TIP, "")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[CriterionAgreement, Progress | None]] = []

    def set_rows(self, rows: list[CriterionAgreement], progress: list[Progress]) -> None:
        by_id = {p.criterion.id: p for p in progress if p.criterion is not None}
        self.beginResetModel()
        self._rows = [(row, by_id.get(row.criterion.id)) for row in rows]
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, progress = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_CRITERION:
                return f"{row.criterion.id} {row.criterion.title}"
            if column == self.COL_AGREED:
                return f"{progress.agreed} of {progress.total}" if progress else ""
            if column == self.COL_ALPHA:
                return "–" if row.alpha is None else format(row.alpha, "f")
            return row.reading
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_ALPHA:
                return (f"{ALPHA_TIP}\nBased on {row.bidders} bid(s) marked by at least two of "
                        f"{row.evaluators} evaluator(s).")
            return row.reading if column == self.COL_READING else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.COL_AGREED,
                                                                    self.COL_ALPHA):
            return int(RIGHT)
        return None


class DeviationModel(RowsModel):
    """Per evaluator: how their marks sit against the agreed scores (harder or softer)."""

    COL_EVALUATOR, COL_COMPARED, COL_MEAN, COL_DISTANCE, COL_READING = range(5)
    HEADERS = ("Evaluator", "Marks compared", "Against agreed, on average", "Average gap",
               "What it means")
    TIPS = ("", "Marks compared: this evaluator's marks on items the panel has agreed.",
            LEAN_TIP, DISTANCE_TIP, "")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[EvaluatorDeviation] = []
        self._names: Names | None = None

    def set_rows(self, rows: list[EvaluatorDeviation], names: Names) -> None:
        self.beginResetModel()
        self._rows, self._names = list(rows), names
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            assert self._names is not None
            if column == self.COL_EVALUATOR:
                return self._names.evaluator(row.evaluator.id)
            if column == self.COL_COMPARED:
                return str(row.compared)
            if column == self.COL_MEAN:
                return "–" if row.mean is None else signed(row.mean)
            if column == self.COL_DISTANCE:
                return "–" if row.distance is None else format(
                    round_to(row.distance, TWO_PLACES), "f")
            return row.reading
        if role == Qt.ItemDataRole.ToolTipRole:
            return {self.COL_MEAN: LEAN_TIP, self.COL_DISTANCE: DISTANCE_TIP}.get(
                column, row.reading)
        if role == Qt.ItemDataRole.TextAlignmentRole and column not in (self.COL_EVALUATOR,
                                                                        self.COL_READING):
            return int(RIGHT)
        return None
