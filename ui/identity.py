"""Who is using the workbench: the name asked once at first start, recorded with every change.

The audit trail's "who" is that name with the computer login, "Jane Smith (jsmith)", so a
shared login still shows the person, and a typed name still shows the account.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.storage.tenderfile import who

from ui import errors, settings
from ui.views.base import ok_cancel


class NameDialog(QDialog):
    """Asks for the user's name; tests replace the classmethod `ask`."""

    def __init__(self, parent: QWidget | None, current: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Your name")
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        text = QLabel("Every change you make is recorded in the tender's audit trail with your "
                      "name and your computer login. What name should it show?")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.name = QLineEdit(current)
        self.name.setObjectName("user_name")
        self.name.setPlaceholderText("e.g. Jane Smith, Commissioning Officer")
        layout.addWidget(self.name)
        buttons = ok_cancel(self)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, current: str = "") -> str | None:
        """The name typed (stripped), or None if cancelled."""
        dialog = cls(parent, current)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.name.text().strip()


def audit_name() -> str:
    """The "who" for this session; at first start (no name saved) the user is asked once
    (unless dialogs are off: tests, screenshots)."""
    name = settings.get(settings.USER_NAME)
    if not name and errors.dialogs_enabled:
        name = NameDialog.ask(None) or ""
        if name:
            settings.put(settings.USER_NAME, name)
    return who(name)


def change_name(window) -> None:
    """File ▸ Your name…: change the name recorded from the next change on."""
    name = NameDialog.ask(window, settings.get(settings.USER_NAME))
    if name is None:
        return
    settings.put(settings.USER_NAME, name)
    window.user = who(name)
    if window.doc is not None:
        window.doc.tf.user = window.user
    window.statusBar().showMessage(f"Changes are now recorded as {window.user}", 8000)
