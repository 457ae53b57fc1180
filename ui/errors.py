"""The one way the UI tells a user something went wrong (tests switch the dialog off)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from workbench.errors import WorkbenchError

#: Tests set this to False and read `last_message` instead of clicking a dialog away.
dialogs_enabled = True
last_message = ""


def show_error(parent: QWidget | None, message: str, title: str = "Cannot do that") -> None:
    global last_message
    last_message = message
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, 8000)
    if dialogs_enabled:
        QMessageBox.warning(parent, title, message)


def task_failed(parent: QWidget | None, exc: Exception,
                cancelled: Callable[[], None] = lambda: None) -> None:
    """Long work (`ui.tasks`) that did not finish: cancelled by the user, `cancelled()`; a
    refusal, its one-line message; anything else is a bug, raised again for the crash
    handler to log with its traceback."""
    from ui.tasks import Cancelled  # tasks' own module; imported here to avoid a cycle

    if isinstance(exc, Cancelled):
        cancelled()
    elif isinstance(exc, WorkbenchError):
        show_error(parent, str(exc))
    else:
        raise exc


def show_info(parent: QWidget | None, message: str, title: str) -> None:
    """A notice that needs no decision (in the status bar too, for tests and the record)."""
    global last_message
    last_message = message
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, 15000)
    if dialogs_enabled:
        QMessageBox.information(parent, title, message)


def ask(parent: QWidget | None, question: str, title: str = "Please confirm") -> bool:
    """Yes/No question; tests monkeypatch `ask` where they need an answer."""
    if not dialogs_enabled:
        return True
    answer = QMessageBox.question(parent, title, question)
    return answer == QMessageBox.StandardButton.Yes


#: What `ask_unsaved` answers without a dialog (tests set it to "discard" or "cancel").
unsaved_answer = "save"


def ask_unsaved(parent: QWidget | None, what: str) -> str:
    """Typed work would be left behind: "save", "discard" or "cancel" (Save is the default,
    so pressing Enter never throws work away)."""
    if not dialogs_enabled:
        return unsaved_answer
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent, "Save what you typed?", f"{what}\n\nSave it before leaving?",
        buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
    return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")
