"""The open tender as the UI sees it: the file, a cache of it, the undo stack, one signal.

Every view reads `doc.data` (or, cheaper on a large tender, `doc.head`, `doc.lot()` and
`doc.result()`) and listens to `doc.changed`; every edit goes through `doc.push()` with a
`CoreCommand`, so it is one audited transaction in the file and one step of undo.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.domain import Lot, TenderData
from workbench.errors import WorkbenchError
from workbench.scoring.results import LotResult
from workbench.storage import TenderFile

from ui.doc_cache import DocCache
from ui.errors import show_error

CoreCall = Callable[[TenderFile], object]


class CoreCommand(QUndoCommand):
    """One user action: `redo` and `undo` each call one core function on the file."""

    def __init__(self, text: str, redo: CoreCall, undo: CoreCall) -> None:
        super().__init__(text)
        self._redo, self._undo = redo, undo
        self.doc: TenderDocument | None = None
        self._first = True

    def redo(self) -> None:
        if self._first:  # already applied by TenderDocument.push()
            self._first = False
            return
        self._call(self._redo)

    def undo(self) -> None:
        self._call(self._undo)

    def _call(self, func: CoreCall) -> None:
        assert self.doc is not None
        try:
            func(self.doc.tf)
        except WorkbenchError as exc:
            show_error(None, str(exc))
        self.doc.notify()


class TenderDocument(QObject):
    changed = Signal()

    def __init__(self, tf: TenderFile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tf = tf
        self.undo_stack = QUndoStack(self)
        self._cache = DocCache(tf)

    @property
    def path(self) -> str:
        return str(self.tf.path)

    @property
    def read_only(self) -> bool:
        return self.tf.read_only

    # -- reading (see ui/doc_cache.py) ---------------------------------------------------

    @property
    def data(self) -> TenderData:
        """The whole tender (every lot read): for views that show the tender as a whole."""
        return self._cache.data

    @property
    def head(self) -> TenderData:
        """The tender's details, scales and panel, with no lots (`lots` is empty)."""
        return self._cache.head

    def lot_titles(self) -> list[tuple[str, str]]:
        return self._cache.lot_titles()

    def lot(self, lot_id: str) -> Lot | None:
        return self._cache.lot(lot_id)

    def result(self, lot_id: str) -> LotResult | None:
        return self._cache.result(lot_id)

    def notify(self) -> None:
        """The file changed: forget what is cached of it and tell every view."""
        self._cache.forget()
        self.changed.emit()

    def push(self, command: CoreCommand) -> bool:
        """Apply a command now; if the core refuses, show why and keep nothing on the stack."""
        command.doc = self
        try:
            command._redo(self.tf)
        except WorkbenchError as exc:
            show_error(None, str(exc))
            return False
        self.undo_stack.push(command)
        self.notify()
        return True

    def run(self, func: CoreCall) -> bool:
        """An action that is not undoable (seal, merge, import): applied, errors shown."""
        try:
            func(self.tf)
        except WorkbenchError as exc:
            show_error(None, str(exc))
            return False
        self.notify()
        return True

    def close(self) -> None:
        self.tf.close()
