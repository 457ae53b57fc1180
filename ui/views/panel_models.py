"""Qt models of the Panel view: evaluators, the conflicts register, the assignment matrix."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from workbench.domain import Criterion, Evaluator, Lot, LotConflict, TenderData

from ui.views.table_base import ROOT, Index, RowsModel

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
NOT_DECLARED = QBrush(QColor("#806500"))
DECLARED = QBrush(QColor("#9b1c1c"))


def lot_label(title: str) -> str:
    """A lot's short name where space is tight: "Lot 1" of "Lot 1: Link workers"."""
    return title.split(":")[0] if ":" in title else title


def nice_date(iso: str | None) -> str:
    """3 Nov 2026, as people write it."""
    if not iso:
        return ""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class EvaluatorRow:
    evaluator: Evaluator
    declarations: str
    undeclared: bool
    assigned: int


class EvaluatorsModel(RowsModel):
    """One row per panel member: name, role, declarations across lots, questions assigned."""

    COL_NAME, COL_ROLE, COL_CONFLICTS, COL_ASSIGNED = range(4)
    HEADERS = ("Name", "Role", "Conflicts of interest", "Questions assigned")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[EvaluatorRow] = []

    def set_rows(self, data: TenderData, register: Mapping[tuple[str, str], LotConflict]) -> None:
        self.beginResetModel()
        self._rows = []
        for e in data.evaluators:
            declared = [lot_label(lot.title) for lot in data.lots
                        if (c := register.get((lot.id, e.id))) and c.status == "declared"]
            missing = [lot for lot in data.lots if (lot.id, e.id) not in register]
            if missing:
                text = f"Not yet declared for {len(missing)} of {len(data.lots)} lot(s)"
            elif declared:
                text = f"Declared: {', '.join(declared)}"
            else:
                text = "None declared"
            assigned = sum(len(a.criteria) for lot in data.lots for a in lot.assignments
                           if a.evaluator == e.id)
            self._rows.append(EvaluatorRow(e, text, bool(missing), assigned))
        self.endResetModel()

    def evaluator(self, row: int) -> Evaluator | None:
        return self._rows[row].evaluator if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.evaluator.name, row.evaluator.role, row.declarations,
                    str(row.assigned))[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_CONFLICTS:
            return NOT_DECLARED if row.undeclared else (
                DECLARED if row.declarations.startswith("Declared") else None)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_ROLE:
            return row.evaluator.role
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_CONFLICTS:
            return "Record each declaration on the Conflicts tab (Enter on a row)"
        if role == KEY_ROLE:
            return row.evaluator.id
        return None


@dataclass(frozen=True)
class ConflictRow:
    lot: Lot
    evaluator: Evaluator
    conflict: LotConflict | None


class ConflictsModel(RowsModel):
    """The conflicts register: one row per lot and evaluator, declared or not yet."""

    COL_LOT, COL_EVALUATOR, COL_STATUS, COL_BIDDERS, COL_NATURE, COL_MITIGATION, COL_DATE = \
        range(7)
    HEADERS = ("Lot", "Evaluator", "Declaration", "Bidders concerned", "Nature of the conflict",
               "Mitigation", "Declared on")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[ConflictRow] = []

    def set_rows(self, data: TenderData, register: Mapping[tuple[str, str], LotConflict]) -> None:
        self.beginResetModel()
        self._rows = [ConflictRow(lot, e, register.get((lot.id, e.id)))
                      for lot in data.lots for e in data.evaluators]
        self.endResetModel()

    def entry(self, row: int) -> ConflictRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        c = row.conflict
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.COL_LOT:
                return row.lot.title
            if column == self.COL_EVALUATOR:
                return row.evaluator.name
            if c is None:
                return "Not yet declared" if column == self.COL_STATUS else ""
            concerned = ", ".join(b.name if (b := row.lot.bidder(bid)) else bid
                                  for bid in c.bidders)
            return ({"none": "No conflict", "declared": "Conflict declared"}[c.status],
                    concerned or ("The whole lot" if c.status == "declared" else ""),
                    c.nature, c.mitigation or ("None recorded" if c.status == "declared"
                                               else ""),
                    nice_date(c.declared_on))[column - self.COL_STATUS]
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_STATUS:
            return NOT_DECLARED if c is None else DECLARED if c.status == "declared" else None
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_MITIGATION and c \
                and c.status == "declared" and not c.mitigation:
            return DECLARED
        if role == KEY_ROLE:
            return (row.lot.id, row.evaluator.id)
        return None


class AssignmentModel(RowsModel):
    """Evaluators (rows) by assignable criteria (columns) of one lot; ticked = assigned.

    Ticking calls `on_toggle(evaluator_id, criterion_id, assigned)`, which makes the change
    through an undoable command; the model is refilled when the file has changed.
    """

    def __init__(self, on_toggle: Callable[[str, str, bool], None] | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self._on_toggle = on_toggle
        self._rows: list[Evaluator] = []
        self._columns: list[Criterion] = []
        self._ticked: set[tuple[str, str]] = set()
        self.read_only = False

    def set_rows(self, evaluators: list[Evaluator], lot: Lot | None,
                 columns: list[Criterion]) -> None:
        self.beginResetModel()
        self._rows = list(evaluators)
        self._columns = list(columns)
        self._ticked = {(a.evaluator, c) for a in lot.assignments for c in a.criteria} \
            if lot else set()
        #: Who takes no part on which bidders (a declared conflict), by evaluator id.
        self._away = {e.id: [b.name for b in lot.bidders if lot.recused(e.id, b.id)]
                      for e in evaluators} if lot else {}
        self.endResetModel()

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def evaluator_id(self, row: int) -> str | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def criterion_id(self, column: int) -> str | None:
        return self._columns[column].id if 0 <= column < len(self._columns) else None

    def count(self, column: int) -> int:
        cid = self._columns[column].id
        return sum((e.id, cid) in self._ticked for e in self._rows)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
                return self._rows[section].name
            return None
        if not 0 <= section < len(self._columns):
            return None
        c = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            lines = textwrap.wrap(c.title, 16, max_lines=2, placeholder="…")
            state = f"{self.count(section)} scoring" if c.kind == "scored" else "reviews prices"
            return "\n".join([c.id, *lines, state])
        if role == Qt.ItemDataRole.ToolTipRole:
            extra = " (the evaluator sees the prices; price points come from the formula)" \
                if c.kind == "price" else ""
            return f"{c.id} {c.title}{extra}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if self.read_only else base | Qt.ItemFlag.ItemIsUserCheckable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e, c = self._rows[index.row()], self._columns[index.column()]
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if (e.id, c.id) in self._ticked \
                else Qt.CheckState.Unchecked
        away = self._away.get(e.id, [])
        if role == Qt.ItemDataRole.DisplayRole and away and (e.id, c.id) in self._ticked:
            return f"not {len(away)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            state = "scores" if (e.id, c.id) in self._ticked else "does not score"
            but = (f" Declared a conflict with {', '.join(away)}: takes no part on "
                   f"{'that bidder' if len(away) == 1 else 'those bidders'}.") if away else ""
            return f"{e.name} {state} {c.id} {c.title}.{but} Space ticks or clears."
        if role == KEY_ROLE:
            return (e.id, c.id)
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or self.read_only:
            return False
        e, c = self._rows[index.row()], self._columns[index.column()]
        ticked = Qt.CheckState(value) == Qt.CheckState.Checked
        if self._on_toggle is not None:
            self._on_toggle(e.id, c.id, ticked)
        return True
