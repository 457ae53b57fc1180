"""Typing into the Model view's tables (the criteria tree and the weights by lot).

Tab and Shift+Tab walk the cells a person can change, skipping calculated columns and rows that
hold nothing to type (a gateway's weight), and start an edit in each. What is typed is
committed as one undoable step when the person leaves the cell: Tab, Enter, a click elsewhere,
another view, or the tender closing (through the view's `unsaved()`, which the main window asks
before it closes). When the core refuses it, the message names the criterion and the field,
and the cell stays open with what was typed, for the person to correct or Esc to abandon.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QTableView,
    QTreeView,
    QWidget,
)

if TYPE_CHECKING:
    _Base = QAbstractItemView
else:
    _Base = object

Action = QAbstractItemView.CursorAction
Hint = QAbstractItemDelegate.EndEditHint
EDITABLE = Qt.ItemFlag.ItemIsEditable


class Refusals:
    """Kept by a delegate: the editor whose value the model refused last, and its cell."""

    def __init__(self) -> None:
        self.editor: QWidget | None = None
        self.index = QPersistentModelIndex()

    def note(self, editor: QWidget, index: QModelIndex, accepted: bool) -> None:
        self.editor = None if accepted else editor
        self.index = QPersistentModelIndex(index if not accepted else QModelIndex())


class EditingTable(_Base):
    """What the tree and the table share (mixed in before QTreeView / QTableView). Their
    delegate keeps a `refusals` (see `CriteriaDelegate`) and gives `typed(editor)`."""

    def _setup_editing(self) -> None:
        self.setTabKeyNavigation(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)

    # -- where Tab goes --------------------------------------------------------------------

    def _row_after(self, row: QModelIndex, forward: bool) -> QModelIndex:
        raise NotImplementedError

    def cell_name(self, index: QModelIndex) -> str:
        """The cell in words, for a message ("Weight % of Q2")."""
        raise NotImplementedError

    def _cells(self, start: QModelIndex, forward: bool) -> Iterator[QModelIndex]:
        """The cells shown after (before) `start`, in reading order."""
        model = self.model()
        row = start.siblingAtColumn(0) if start.isValid() else model.index(0, 0)
        column = start.column() if start.isValid() else -1
        while row.isValid():
            columns = model.columnCount(row.parent())
            column += 1 if forward else -1
            while 0 <= column < columns:
                if not self.isColumnHidden(column):  # type: ignore[attr-defined]
                    yield row.siblingAtColumn(column)
                column += 1 if forward else -1
            row = self._row_after(row, forward)
            column = -1 if forward else model.columnCount(row.parent())

    def next_editable(self, forward: bool = True) -> QModelIndex:
        """The next (previous) cell a person can type in, or an invalid index at the end."""
        return next((cell for cell in self._cells(self.currentIndex(), forward)
                     if cell.flags() & EDITABLE), QModelIndex())

    def moveCursor(self, action: Action, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        if action == Action.MoveNext:
            return self.next_editable(True)
        if action == Action.MovePrevious:
            return self.next_editable(False)
        return super().moveCursor(action, modifiers)

    def keyPressEvent(self, event) -> None:
        """Tab on a cell (not editing) goes to the next one to change and opens it; at the end
        of the table Tab leaves it."""
        before = self.currentIndex()
        super().keyPressEvent(event)
        now = self.currentIndex()
        if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and now != before \
                and now.flags() & EDITABLE \
                and self.state() != QAbstractItemView.State.EditingState:
            self.edit(now)

    # -- committing ------------------------------------------------------------------------

    def commitData(self, editor: QWidget) -> None:
        if editor.isHidden():
            return  # an editor the rows were rebuilt under, waiting to be deleted
        super().commitData(editor)

    def closeEditor(self, editor: QWidget, hint: Hint) -> None:
        """Close the editor, unless the value it holds was just refused: then it stays open
        with what was typed, on its cell, selected for correcting (Esc still abandons it)."""
        refusals: Refusals = self.itemDelegate().refusals  # type: ignore[attr-defined]
        held = refusals.index
        kept = self.model().index(held.row(), held.column(), held.parent())
        if refusals.editor is editor and hint != Hint.RevertModelCache and kept.isValid():
            if self.currentIndex() != kept:
                self.setCurrentIndex(kept)
            editor.setFocus()
            if isinstance(editor, QLineEdit):
                editor.selectAll()
            return
        refusals.editor = None
        super().closeEditor(editor, hint)
        if self.indexWidget(self.currentIndex()) is not None:
            # When the commit rebuilt the rows under the editor (a code renamed), Qt opens
            # the next cell's editor but leaves the view saying it is not editing.
            self.setState(QAbstractItemView.State.EditingState)

    def pending(self) -> tuple[QWidget, QModelIndex, str] | None:
        """The open editor, its cell and what it holds, when that differs from what is
        stored."""
        if self.state() != QAbstractItemView.State.EditingState:
            return None
        index = self.currentIndex()
        editor = self.indexWidget(index)
        if editor is None:
            return None
        typed = self.itemDelegate().typed(editor)  # type: ignore[attr-defined]
        if typed == index.data(Qt.ItemDataRole.EditRole):
            return None
        shown = editor.currentText() if isinstance(editor, QComboBox) else str(typed)
        return editor, index, shown

    def commit_pending(self) -> bool:
        """Commit the open editor now (the tender is closing); False when refused, the cell
        left open with what was typed."""
        found = self.pending()
        if found is None:
            return True
        editor = found[0]
        self.commitData(editor)
        self.closeEditor(editor, Hint.SubmitModelCache)
        return self.itemDelegate().refusals.editor is not editor  # type: ignore[attr-defined]

    def drop_pending(self) -> None:
        found = self.pending()
        if found is not None:
            self.closeEditor(found[0], Hint.RevertModelCache)


class CriteriaTree(EditingTable, QTreeView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._setup_editing()

    def _row_after(self, row: QModelIndex, forward: bool) -> QModelIndex:
        return self.indexBelow(row) if forward else self.indexAbove(row)

    def cell_name(self, index: QModelIndex) -> str:
        column = self.model().headerData(index.column(), Qt.Orientation.Horizontal)
        return f"{' '.join(str(column).split())} of {index.siblingAtColumn(0).data()}"


class WeightsTable(EditingTable, QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._setup_editing()

    def _row_after(self, row: QModelIndex, forward: bool) -> QModelIndex:
        return row.siblingAtRow(row.row() + (1 if forward else -1))

    def cell_name(self, index: QModelIndex) -> str:
        model = self.model()
        column = model.headerData(index.column(), Qt.Orientation.Horizontal)
        lot = model.headerData(index.row(), Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole)
        return f"{column} in {lot}"
