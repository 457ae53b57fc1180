"""Choosing the Social Value Model outcomes for a social value block."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from workbench.model.templates import LICENCE_NOTE, SOCIAL_VALUE_OUTCOMES, STARTER_OUTCOMES


class SocialValueDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a social value block")
        layout = QVBoxLayout(self)
        intro = QLabel("Choose the outcomes the contract should deliver. Each becomes a scored "
                       "criterion tagged with its theme, inside a new \"Social value\" group "
                       "weighted at the tender's social value minimum. Adjust the weights "
                       "afterwards.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.boxes: list[QCheckBox] = []
        groups: dict[str, QVBoxLayout] = {}
        for index, (theme, outcome) in enumerate(SOCIAL_VALUE_OUTCOMES):
            if theme not in groups:
                group = QGroupBox(theme)
                groups[theme] = QVBoxLayout(group)
                layout.addWidget(group)
            box = QCheckBox(outcome)
            box.setChecked(index in STARTER_OUTCOMES)
            box.toggled.connect(self._check)
            groups[theme].addWidget(box)
            self.boxes.append(box)
        licence = QLabel(LICENCE_NOTE)
        licence.setObjectName("note")
        licence.setWordWrap(True)
        licence.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(licence)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add block")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._check()

    def chosen(self) -> list[int]:
        return [i for i, box in enumerate(self.boxes) if box.isChecked()]

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.chosen()))

    @classmethod
    def ask(cls, parent: QWidget | None) -> list[int]:
        """The chosen outcomes (indices into SOCIAL_VALUE_OUTCOMES); empty if cancelled."""
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return []
        return dialog.chosen()
