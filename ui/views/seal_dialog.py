"""Asking for the written reason to unseal the evaluation plan (kept in the audit trail)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.model.seal import MIN_REASON

from ui.views.base import CheckedDialog, ok_cancel


class UnsealDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unseal evaluation plan")
        layout = QVBoxLayout(self)
        text = QLabel("Unsealing lets the model, scales, formulas and rounding change again. "
                      "Say why: the reason is recorded in the audit trail with your name and "
                      "the time, and appears in the evaluation pack.")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("e.g. Clarification 4 changed the weighting of Q2; "
                                       "agreed by the procurement board on 12 March")
        self.reason.setTabChangesFocus(True)
        layout.addWidget(self.reason)
        self.buttons = ok_cancel(self, "Unseal")
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._check)
        self._check()
        self.resize(480, 260)

    def _check(self) -> None:
        ok = len(" ".join(self.reason.toPlainText().split())) >= MIN_REASON
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    @classmethod
    def ask(cls, parent: QWidget | None, apply: Callable[[str], bool]) -> str | None:
        """The reason, once `apply(reason)` accepted it (the dialog stays open while it
        refuses); None if the user cancelled (tests monkeypatch this)."""
        dialog = cls(parent)
        dialog.on_ok = lambda: apply(dialog.reason.toPlainText().strip())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.reason.toPlainText().strip()
