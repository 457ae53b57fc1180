"""The one helper for long work: run a core function on the thread pool, result on the GUI thread.

The function receives a `Progress` it may call (done, total) and may poll for cancellation;
a QProgressDialog appears only if the work takes longer than half a second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, SignalInstance
from PySide6.QtWidgets import QProgressDialog, QWidget

from workbench.errors import WorkbenchError


class Cancelled(WorkbenchError):
    """The user pressed Cancel."""


class Progress:
    """Passed to the work function: report progress, and stop early if cancelled."""

    def __init__(self, signal: SignalInstance) -> None:
        self._signal = signal
        self._cancel = threading.Event()

    def __call__(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled("cancelled")
        self._signal.emit(done, total)

    def cancel(self) -> None:
        self._cancel.set()


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class _Runnable(QRunnable):
    def __init__(self, func: Callable[[Progress], Any], signals: _Signals,
                 progress: Progress) -> None:
        super().__init__()
        self.func, self.signals, self.progress = func, signals, progress

    def run(self) -> None:
        try:
            result = self.func(self.progress)
        except Exception as exc:  # delivered to the GUI thread, which decides how to show it
            self._tell(self.signals.failed, exc)
        else:
            self._tell(self.signals.finished, result)

    @staticmethod
    def _tell(signal: SignalInstance, value: Any) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the app closed while this ran: nobody is left to tell
            pass


#: Tests set this to True to run tasks inline, synchronously.
synchronous = False
_running: set[_Signals] = set()


def run_task(parent: QWidget | None, label: str, func: Callable[[Progress], Any],
             on_done: Callable[[Any], None], on_error: Callable[[Exception], None],
             *, quiet: bool = False) -> None:
    """Run `func(progress)` off the GUI thread; call on_done(result) or on_error(exc) after.

    `quiet` work (a panel filling itself in) shows no progress dialog and cannot be cancelled.
    """
    signals = _Signals()
    progress = Progress(signals.progressed)
    dialog = None if quiet else QProgressDialog(label, "Cancel", 0, 0, parent)
    if dialog is not None:
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(500)
        dialog.canceled.connect(progress.cancel)

    def show_progress(done: int, total: int) -> None:
        if dialog is not None:
            dialog.setMaximum(total)
            dialog.setValue(done)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()
        _running.discard(signals)
        callback(value)

    signals.progressed.connect(show_progress)
    signals.finished.connect(lambda result: finish(on_done, result))
    signals.failed.connect(lambda exc: finish(on_error, exc))
    _running.add(signals)  # keeps the QObject alive until the work ends
    runnable = _Runnable(func, signals, progress)
    if synchronous:
        runnable.run()
    else:
        QThreadPool.globalInstance().start(runnable)
