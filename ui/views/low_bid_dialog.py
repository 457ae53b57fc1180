"""The review of an abnormally low tender (Procurement Act 2023 s.19(3)(c)): what the supplier
was asked, its response, and the lead's decision with the reason, recorded as one action."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui import errors
from ui.views.base import note, ok_cancel


@dataclass(frozen=True)
class Review:
    question: str
    response: str
    decision: str
    reason: str


class LowBidDialog(QDialog):
    """OK stays disabled until every box is filled and a decision is chosen."""

    def __init__(self, bidder: str, price: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Abnormally low tender")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(f"The bid of <b>{_html(bidder)}</b> ({_html(price)}) is abnormally low. "
                       "Record what you asked the supplier, its response and your decision.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.question = self._box("low_bid_question", "For example: please explain your labour "
                                  "rates and how you will meet the specification at this price")
        self.response = self._box("low_bid_response", "The supplier's answer, in brief, with "
                                  "the date it arrived")
        self.accept_choice = QRadioButton("&Accept the bid")
        self.exclude_choice = QRadioButton("E&xclude the bid")
        self.accept_choice.setObjectName("low_bid_accept")
        self.exclude_choice.setObjectName("low_bid_exclude")
        self.choices = QButtonGroup(self)
        choices = QHBoxLayout()
        for radio in (self.accept_choice, self.exclude_choice):
            self.choices.addButton(radio)
            choices.addWidget(radio)
        choices.addStretch(1)
        self.reason = self._box("low_bid_reason", "Why: what you checked, and what it showed")
        form.addRow("&Asked", self.question)
        form.addRow("&Response", self.response)
        form.addRow("Decision", choices)
        form.addRow("Rea&son", self.reason)
        layout.addLayout(form)
        layout.addWidget(note("Recorded in the audit trail; an excluded bid shows this reason in "
                              "the results and the pack. Ctrl+Z undoes it."))
        self.buttons = ok_cancel(self)
        layout.addWidget(self.buttons)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        for box in (self.question, self.response, self.reason):
            box.textChanged.connect(self._check)
        self.choices.buttonToggled.connect(self._check)

    def _box(self, name: str, hint: str) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setObjectName(name)
        box.setPlaceholderText(hint)
        box.setTabChangesFocus(True)
        box.setFixedHeight(64)
        return box

    def _check(self, *_args: object) -> None:
        filled = all(b.toPlainText().strip() for b in (self.question, self.response,
                                                       self.reason))
        self.ok.setEnabled(filled and self.choices.checkedButton() is not None)

    def review(self) -> Review:
        return Review(self.question.toPlainText().strip(), self.response.toPlainText().strip(),
                      "accept" if self.accept_choice.isChecked() else "exclude",
                      self.reason.toPlainText().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, bidder: str, price: str) -> Review | None:
        """The review entered, or None if cancelled (tests replace this method)."""
        if not errors.dialogs_enabled:
            return None
        dialog = cls(bidder, price, parent)
        return dialog.review() if dialog.exec() == QDialog.DialogCode.Accepted else None


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
