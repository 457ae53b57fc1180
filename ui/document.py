"""The open tender as the UI sees it: the file, a cache of it, the undo stack, one signal.

Every view reads `doc.data` (or, cheaper on a large tender, `doc.head`, `doc.lot()` and
`doc.result()`, which read and compute only what a change touched) and listens to
`doc.changed` (or `doc.changes`, which says what an action touched); every edit goes through
`doc.push()` with a `CoreCommand`, so it is one audited transaction in the file and one step of
undo. Undo and redo are `revert()` of the step's change record: the same mechanism for every
kind of edit, refused (naming the row) when a later action changed what it would put back, and
then dropped from the stack so Undo/Redo stay in step with the file.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.domain import Lot, TenderData
from workbench.errors import WorkbenchError
from workbench.scoring.results import LotResult
from workbench.storage import TenderFile
from workbench.storage.changes import ChangeSet, revert

from ui.doc_cache import DocCache
from ui.errors import show_error

CoreCall = Callable[[TenderFile], object]


class CoreCommand(QUndoCommand):
    """One user action: `do` calls one core function on the file; undo and redo revert what
    it changed."""

    def __init__(self, text: str, do: CoreCall) -> None:
        super().__init__(text)
        self._do = do
        self.doc: TenderDocument | None = None
        #: What the step's last application changed: undo reverts it, redo reverts the undo.
        self.changes = ChangeSet()
        self._first = True

    def apply(self, tf: TenderFile) -> ChangeSet:
        """Do the action for the first time; returns what it changed."""
        with tf.recording() as taken:
            self._do(tf)
        self.changes = ChangeSet.join(taken, self.text())
        return self.changes

    def redo(self) -> None:
        if self._first:  # already applied by TenderDocument.push()
            self._first = False
            return
        self._revert(f"Redo: {self.text()}")

    def undo(self) -> None:
        self._revert(f"Undo: {self.text()}")

    def _revert(self, description: str) -> None:
        assert self.doc is not None
        try:
            self.changes = revert(self.doc.tf, self.changes, description)
        except WorkbenchError as exc:
            # Nothing was written: drop this step so the stack never offers what the file
            # cannot do (Qt removes an obsolete command as soon as undo/redo returns).
            self.setObsolete(True)
            show_error(None, str(exc))
            return
        self.doc.notify(self.changes)


class TenderDocument(QObject):
    #: The file changed (any view may reload).
    changed = Signal()
    #: The file changed, with the `ChangeSet` saying which tables and lots.
    changes = Signal(object)
    #: A short note for the status bar (e.g. why the undo history was cleared).
    message = Signal(str)

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

    @property
    def models(self) -> TenderData:
        """Every lot's model, bidders and assignments, without the scores (a fraction of the
        reading): for views about the evaluation model."""
        return self._cache.models

    def lot_titles(self) -> list[tuple[str, str]]:
        return self._cache.lot_titles()

    def lot(self, lot_id: str) -> Lot | None:
        return self._cache.lot(lot_id)

    def result(self, lot_id: str) -> LotResult | None:
        return self._cache.result(lot_id)

    def notify(self, changes: ChangeSet | None = None) -> None:
        """The file changed: forget what of it is cached and tell every view (None: anything
        may have)."""
        self._cache.forget(changes)
        self.changes.emit(changes)
        self.changed.emit()

    def push(self, command: CoreCommand) -> bool:
        """Apply a command now; if the core refuses, show why and keep nothing on the stack.
        A command that changed nothing is not kept either (an undo step that does nothing
        would only confuse)."""
        command.doc = self
        try:
            changes = command.apply(self.tf)
        except WorkbenchError as exc:
            self._refused(exc)
            return False
        if changes:
            self.undo_stack.push(command)
            self.notify(changes)
        return True

    def run(self, func: CoreCall, *, clears_undo: str = "") -> bool:
        """An action that is not undoable (seal, merge, import, lock): applied, errors shown.

        Earlier steps stay on the stack: their undo is refused, naming the row, where this
        action changed what they would put back, and by the status rules where it froze it.
        `clears_undo` (a reason) empties the stack instead, for actions after which no earlier
        step makes sense to undo (the plan sealed, the tender locked).
        """
        try:
            with self.tf.recording() as taken:
                func(self.tf)
        except WorkbenchError as exc:
            self._refused(exc)
            return False
        if clears_undo and self.undo_stack.count():
            self.undo_stack.clear()
            self.message.emit(f"Undo history cleared: {clears_undo}")
        self.notify(ChangeSet.join(taken))
        return True

    def _refused(self, exc: WorkbenchError) -> None:
        show_error(None, str(exc))
        if self.tf.read_only:  # it may have just become so (the file was replaced on disk)
            self.changed.emit()

    def close(self) -> None:
        self.tf.close()
