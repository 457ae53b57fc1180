"""The Scoring view's list: one row per score an evaluator owes (question × bidder), in order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from workbench.domain import Criterion, Lot, Score, TenderData
from workbench.numbers import dec_str
from workbench.panel.packs import pack_items

from ui.views.table_base import Index, RowsModel

UNSAVED = QBrush(QColor("#806500"))
DONE = QBrush(QColor("#2b7a2e"))


@dataclass(frozen=True)
class ScoreItem:
    """One score to give: a bidder (as the evaluator sees it) on a question of a lot."""

    lot_id: str
    criterion: Criterion
    bidder_id: str
    bidder_label: str
    saved: Score | None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.lot_id, self.criterion.id, self.bidder_id)


def score_items(head: TenderData, lot: Lot, evaluator_id: str) -> list[ScoreItem]:
    """Question by question, bidder by bidder: what `evaluator_id` scores on `lot` (`head`
    gives the scales), with only that evaluator's own saved scores (never anyone else's)."""
    mine = own_scores(lot, evaluator_id)
    criteria = {c.id: c for c in lot.all_criteria()}
    return [ScoreItem(lot.id, criteria[item.criterion_id], item.bidder_id, item.bidder_label,
                      mine.get((item.criterion_id, item.bidder_id)))
            for item in pack_items(replace(head, lots=[lot]), evaluator_id)]


def own_scores(lot: Lot, evaluator_id: str) -> dict[tuple[str, str], Score]:
    """One evaluator's scores on a lot, by (criterion, bidder)."""
    return {(s.criterion, s.bidder): s for s in lot.scores if s.evaluator == evaluator_id}


class ScoreItemsModel(RowsModel):
    COL_QUESTION, COL_BIDDER, COL_SCORE = range(3)
    HEADERS = ("Question", "Bidder", "Score")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[ScoreItem] = []
        self._unsaved: set[tuple[str, str, str]] = set()

    def set_rows(self, items: list[ScoreItem], unsaved: set[tuple[str, str, str]]) -> None:
        def marks() -> None:
            self._unsaved = set(unsaved)

        self._replace_rows(list(items), lambda item: item.key, marks)

    def set_saved(self, saved: Mapping[tuple[str, str], Score]) -> None:
        """Each item's saved score from `saved` (by criterion and bidder): the rows stay, and
        only those whose score changed are updated (usually one)."""
        for row, item in enumerate(self._rows):
            now = saved.get((item.criterion.id, item.bidder_id))
            if now is not item.saved:
                self._rows[row] = replace(item, saved=now)
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.COL_SCORE))

    def set_unsaved(self, key: tuple[str, str, str], unsaved: bool) -> None:
        """Mark one item as typed-but-not-saved (or no longer)."""
        if (key in self._unsaved) == unsaved:
            return
        (self._unsaved.add if unsaved else self._unsaved.discard)(key)
        row = next((i for i, item in enumerate(self._rows) if item.key == key), None)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.COL_SCORE))

    def items(self) -> list[ScoreItem]:
        return list(self._rows)

    def item(self, row: int) -> ScoreItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        column = index.column()
        unsaved = item.key in self._unsaved
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_QUESTION:
                return item.criterion.id
            if column == self.COL_BIDDER:
                return item.bidder_label
            if unsaved:
                return "not saved"
            if item.saved and item.saved.override_reason:
                return f"{dec_str(item.saved.score)} (override)"
            return dec_str(item.saved.score) if item.saved else "—"
        if role == Qt.ItemDataRole.ToolTipRole:
            state = ("typed but not saved (Ctrl+Enter saves)" if unsaved else
                     f"overridden by {item.saved.entered_by}: {item.saved.override_reason}"
                     if item.saved and item.saved.override_reason else
                     "scored" if item.saved else "not scored yet")
            return f"{item.criterion.id} {item.criterion.title} — {item.bidder_label}: {state}"
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_SCORE:
            return UNSAVED if unsaved else DONE if item.saved else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_SCORE:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None
