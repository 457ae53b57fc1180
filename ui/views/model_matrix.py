"""The weighting matrix: every lot's top-level weights side by side, editable in place.

Rows are lots, columns the top-level weighted criteria of all lots (by code), then the total
(marked when it is not 100) and the lot's social value share against the policy minimum.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QApplication, QStyle

from workbench.domain import Lot, TenderData
from workbench.numbers import dec_str
from workbench.scoring.weights import sibling_sum, social_value_percent

from ui.views.model_tree import NUMBER_ROLE, PROBLEM_BACKGROUND, PROBLEM_TEXT, WARNING_BACKGROUND

LOT_ID_ROLE = Qt.ItemDataRole.UserRole + 1

#: commit(lot id, criterion id, weight text) -> accepted
CommitWeight = Callable[[str, str, str], bool]


class MatrixModel(QAbstractTableModel):
    """One row per lot; a column per top-level weighted criterion code, then Total and Social
    value."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._lots: list[Lot] = []
        self._codes: list[tuple[str, str]] = []  # (code, title)
        self._policy = Decimal(10)
        self.editable = False
        self.commit: CommitWeight | None = None

    def set_rows(self, data: TenderData | None, editable: bool) -> bool:
        """Show every lot; with the same lots and columns as before (a weight changed) the
        cells are updated in place, keeping the cell being typed in. True after a reset."""
        lots = list(data.lots) if data else []
        seen: dict[str, str] = {}
        for lot in lots:
            for c in lot.criteria:
                if c.kind != "pass_fail":
                    seen.setdefault(c.id, c.title)
        codes = list(seen.items())
        same = codes == self._codes and [lot.id for lot in lots] == [
            lot.id for lot in self._lots]
        if not same:
            self.beginResetModel()
        self._lots, self._codes = lots, codes
        self._policy = data.tender.social_value_minimum_weight if data else Decimal(10)
        self.editable = editable
        if not same:
            self.endResetModel()
        elif lots:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(lots) - 1, self.columnCount() - 1))
        return not same

    @property
    def col_total(self) -> int:
        return len(self._codes)

    @property
    def col_social(self) -> int:
        return len(self._codes) + 1

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lots)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._codes) + 2

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self._lots):
                return None
            lot = self._lots[section]
            return f"{lot.id}  {lot.title}" if role == Qt.ItemDataRole.DisplayRole else lot.title
        if section < len(self._codes):
            code, title = self._codes[section]
            return f"{title} ({code}) %" if role == Qt.ItemDataRole.DisplayRole else (
                f"Weight of {title} ({code}) in each lot, as a percentage of the whole")
        if section == self.col_total:
            return "Total %" if role == Qt.ItemDataRole.DisplayRole else (
                "The top-level weights of the lot add up to this; it must be 100")
        if section == self.col_social:
            return "Social value %" if role == Qt.ItemDataRole.DisplayRole else (
                f"Share of the lot's total carried by social value criteria (policy minimum "
                f"{dec_str(self._policy)}%)")
        return None

    def _weight(self, lot: Lot, column: int):
        code = self._codes[column][0]
        return next((c for c in lot.criteria if c.id == code and c.kind != "pass_fail"), None)

    def flags(self, index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if (self.editable and index.column() < len(self._codes)
                and self._weight(self._lots[index.row()], index.column()) is not None):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        lot, column = self._lots[index.row()], index.column()
        total_wrong = bool(lot.criteria) and sibling_sum(lot.criteria) != 100
        social = social_value_percent(lot)
        social_low = bool(lot.criteria) and social < self._policy
        if role == Qt.ItemDataRole.DisplayRole:
            if column < len(self._codes):
                c = self._weight(lot, column)
                return "—" if c is None else dec_str(c.weight or Decimal(0))
            if column == self.col_total:
                return dec_str(sibling_sum(lot.criteria))
            return f"{social.quantize(Decimal('0.01'))}"
        if role == Qt.ItemDataRole.EditRole and column < len(self._codes):
            c = self._weight(lot, column)
            return None if c is None else "" if c.weight is None else dec_str(c.weight)
        if role == NUMBER_ROLE and column < len(self._codes):
            return True
        if role == LOT_ID_ROLE:
            return lot.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        marked = (column == self.col_total and total_wrong) or (
            column == self.col_social and social_low)
        if role == Qt.ItemDataRole.DecorationRole and marked:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.BackgroundRole and marked:
            return QBrush(PROBLEM_BACKGROUND if column == self.col_total else WARNING_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and marked and column == self.col_total:
            return QBrush(PROBLEM_TEXT)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.col_total:
                return ("The top-level weights add up to "
                        f"{dec_str(sibling_sum(lot.criteria))}%"
                        + (", not 100%: the plan cannot be sealed until they do."
                           if total_wrong else "."))
            if column == self.col_social:
                return (f"Social value carries {social.quantize(Decimal('0.01'))}% of lot "
                        f"{lot.id}" + (f", below the policy minimum of {dec_str(self._policy)}%"
                                       if social_low else f" (policy minimum "
                                       f"{dec_str(self._policy)}%)"))
            return self.headerData(column, Qt.Orientation.Horizontal, role)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or self.commit is None or not (
                self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        lot = self._lots[index.row()]
        c = self._weight(lot, index.column())
        assert c is not None
        if str(value) == self.data(index, Qt.ItemDataRole.EditRole):
            return True  # nothing to change is not a refusal
        return self.commit(lot.id, c.id, str(value))
