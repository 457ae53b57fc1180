"""Choosing the Social Value Model and its outcomes for a social value block: today's model
(PPN 002, the government's missions) or the older one (PPN 06/20), as the user chooses."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from workbench.model.templates import MODELS

from ui.views.base import ok_cancel


class SocialValueDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a social value block")
        layout = QVBoxLayout(self)
        intro = QLabel("Choose the outcomes the contract should deliver. Each becomes a scored "
                       "criterion tagged with its mission or theme, inside a new \"Social "
                       "value\" group weighted at the tender's social value minimum. Adjust the "
                       "weights afterwards; after the award each becomes a commitment to "
                       "monitor.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.model = QComboBox()
        self.model.setObjectName("social_value_model")
        for key, model in MODELS.items():
            self.model.addItem(model.name, key)
        label = QLabel("&Model:")
        label.setBuddy(self.model)
        form.addRow(label, self.model)
        layout.addLayout(form)
        self.outcomes = QVBoxLayout()
        layout.addLayout(self.outcomes)
        self.licence = QLabel()
        self.licence.setObjectName("note")
        self.licence.setWordWrap(True)
        self.licence.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.licence)
        self.buttons = ok_cancel(self, "Add block")
        layout.addWidget(self.buttons)
        self.boxes: list[QCheckBox] = []
        self._groups: list[QGroupBox] = []
        self.model.currentIndexChanged.connect(lambda _index: self._fill())
        self._fill()

    @property
    def model_key(self) -> str:
        return str(self.model.currentData())

    def _fill(self) -> None:
        """The chosen model's outcomes under their missions or themes, its starter ones
        ticked."""
        for group in self._groups:
            group.deleteLater()
        self._groups, self.boxes = [], []
        model = MODELS[self.model_key]
        groups: dict[str, QVBoxLayout] = {}
        for index, (theme, outcome) in enumerate(model.outcomes):
            if theme not in groups:
                group = QGroupBox(theme)
                groups[theme] = QVBoxLayout(group)
                self.outcomes.addWidget(group)
                self._groups.append(group)
            box = QCheckBox(outcome)
            box.setChecked(index in model.starter)
            box.toggled.connect(self._check)
            groups[theme].addWidget(box)
            self.boxes.append(box)
        self.licence.setText(model.licence)
        self._check()
        self.adjustSize()

    def chosen(self) -> list[int]:
        return [i for i, box in enumerate(self.boxes) if box.isChecked()]

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.chosen()))

    @classmethod
    def ask(cls, parent: QWidget | None) -> tuple[str, list[int]]:
        """The chosen model (a key of MODELS) and outcomes (indices into its outcomes); no
        outcomes if cancelled."""
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return dialog.model_key, []
        return dialog.model_key, dialog.chosen()
