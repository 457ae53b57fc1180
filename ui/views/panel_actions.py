"""Panel and scoring actions: undoable core changes (undo reverts the rows each touched) and
the short confirmation a user sees in the status bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMainWindow, QWidget

from workbench.storage import TenderFile

from ui.document import CoreCommand, TenderDocument


def push_change(doc: TenderDocument, text: str, change: Callable[[TenderFile], object]) -> bool:
    """Apply `change` as one undoable step; undo puts back exactly the rows it touched."""
    return doc.push(CoreCommand(text, change))


def tell(widget: QWidget, message: str) -> None:
    """A passing confirmation in the window's status bar (nothing when there is no window)."""
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, 8000)
