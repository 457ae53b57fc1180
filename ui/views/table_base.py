"""What the views' flat Qt tables share: a model of rows under fixed headers, and a drop-down
editor for a column of fixed choices."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from ui import a11y

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class RowsModel(QAbstractTableModel):
    """One row per item of `_rows`, one column per entry of `HEADERS`; `TIPS`, where given,
    explain each header in its tooltip. Subclasses add COL_* constants, `set_rows()` and
    `data()` (and override `columnCount`/`headerData` where the columns follow the data)."""

    HEADERS: ClassVar[tuple[str, ...]] = ()
    TIPS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section < len(self.TIPS):
            return self.TIPS[section]
        return None


    def _replace_rows(self, rows: list[Any], key: Callable[[Any], object],
                      also: Callable[[], None] = lambda: None) -> None:
        """Show `rows` (and whatever `also` sets alongside them). When the same rows come back
        in the same order (by `key`), only their contents can differ: say so with one
        `dataChanged`, which keeps the selection, the scroll position and an open editor,
        and repaints only what is visible; anything else is a reset."""
        same = len(rows) == len(self._rows) and all(
            key(new) == key(old) for new, old in zip(rows, self._rows, strict=True))
        if not same:
            self.beginResetModel()
        self._rows = rows
        also()
        if not same:
            self.endResetModel()
        elif rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(rows) - 1, self.columnCount() - 1))


def list_table(model: QAbstractTableModel, name: str, *, single: bool = True,
               alternate: bool = True, label: str = "", what: str = "") -> QTableView:
    """A read-only table of whole rows without row numbers, as the views list things; `single`
    allows one row selected at a time, `alternate` shades every other row. `label` is what a
    screen reader calls it (by default its object name in words), `what` what it lists; Tab
    leaves it (arrow keys move within it)."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(alternate)
    table.verticalHeader().hide()
    a11y.table(table, label or a11y.humanise(name), what)
    return table


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down of fixed `options` for a column; the chosen text goes to `setData`."""

    def __init__(self, options: Iterable[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._options = list(options)

    def createEditor(self, parent: QWidget, option, index) -> QWidget:
        box = QComboBox(parent)
        box.addItems(self._options)
        return box

    def setEditorData(self, editor: QWidget, index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model, index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
