"""The open tender as the UI sees it: the file, a cached snapshot, the undo stack, one signal.

Every view reads `doc.data` and listens to `doc.changed`; every edit goes through `doc.push()`
with a `CoreCommand`, so it is one audited transaction in the file and one step of undo.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.domain import TenderData
from workbench.errors import WorkbenchError
from workbench.storage import TenderFile

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
        self._data: TenderData | None = None

    @property
    def path(self) -> str:
        return str(self.tf.path)

    @property
    def read_only(self) -> bool:
        return self.tf.read_only

    @property
    def data(self) -> TenderData:
        if self._data is None:
            self._data = self.tf.load()
        return self._data

    def notify(self) -> None:
        """The file changed: drop the snapshot and tell every view."""
        self._data = None
        self.changed.emit()

    def push(self, command: CoreCommand) -> bool:
        """Apply a command now; if the core refuses, show why and keep nothing on the stack."""
        command.doc = self
        try:
            command._redo(self.tf)
        except WorkbenchError as exc:
            self._refused(exc)
            return False
        self.undo_stack.push(command)
        self.notify()
        return True

    def run(self, func: CoreCall) -> bool:
        """An action that is not undoable (seal, merge, import): applied, errors shown."""
        try:
            func(self.tf)
        except WorkbenchError as exc:
            self._refused(exc)
            return False
        self.notify()
        return True

    def _refused(self, exc: WorkbenchError) -> None:
        show_error(None, str(exc))
        if self.tf.read_only:  # it may have just become so (the file was replaced on disk)
            self.changed.emit()

    def close(self) -> None:
        self.tf.close()
