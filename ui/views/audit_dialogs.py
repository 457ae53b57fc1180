"""The one dialog the award and lock actions need: say what will happen, ask for a reason.

Tests replace `ReasonDialog.ask` (a classmethod) instead of clicking through a modal dialog.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class ReasonDialog(QDialog):
    """An explanation, a reason box and a button; OK stays off until the reason is long
    enough (`minimum` characters; 0 makes the reason optional)."""

    def __init__(self, parent: QWidget | None, title: str, explanation: str, button: str,
                 minimum: int = 0) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self._minimum = minimum
        layout = QVBoxLayout(self)
        text = QLabel(explanation)
        text.setWordWrap(True)
        layout.addWidget(text)
        prompt = QLabel("&Reason (kept in the audit trail):" if minimum
                        else "&Reason (optional, kept in the audit trail):")
        layout.addWidget(prompt)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        prompt.setBuddy(self.reason)
        layout.addWidget(self.reason)
        self.hint = QLabel()
        self.hint.setObjectName("note")
        layout.addWidget(self.hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = QPushButton(button)
        self.ok.setDefault(True)
        buttons.addButton(self.ok, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reason.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        short = len(self.reason.toPlainText().strip()) < self._minimum
        self.ok.setEnabled(not short)
        self.hint.setText(f"Please write at least {self._minimum} characters." if short
                          else "")

    def text(self) -> str:
        return self.reason.toPlainText().strip()

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, explanation: str, button: str,
            minimum: int = 0) -> str | None:
        """The reason typed, or None if the user cancelled."""
        dialog = cls(parent, title, explanation, button, minimum)
        return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
