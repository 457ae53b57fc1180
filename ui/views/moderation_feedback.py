"""The feedback box under the moderation stage: what the bidder will read about an agreed score.

The rationale is the panel's; the feedback is written for the bidder, during the meeting or
after it. It starts empty: "Use rationale…" copies the rationale in only when asked, after a
warning to read it through, and the check of `workbench.moderation.feedback` shows below the
box, as it is typed, what a bidder should not read. Text typed and not yet saved is kept per
item while the chair moves about.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from workbench.domain import Lot, TenderData
from workbench.moderation.feedback import check
from workbench.moderation.flags import Item, Key


class FeedbackBox(QFrame):
    """Feedback to the bidder on the item on the stage; `save_requested` carries the text."""

    save_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self._item: Item | None = None
        self._data: TenderData | None = None
        self._lot: Lot | None = None
        self._unsaved: dict[Key, str] = {}
        self._stored = ""
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 8, 12, 8)
        label = QLabel("&Feedback to the bidder")
        label.setObjectName("subheading")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("hint")
        self.text = QPlainTextEdit()
        self.text.setObjectName("mod_feedback")
        self.text.setAccessibleName("Feedback to the bidder")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("What the bidder reads in its assessment summary about this "
                                     "score: the strengths and weaknesses of its answer, in "
                                     "words for the bidder. The rationale above stays with the "
                                     "panel.")
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * 4 + 12)
        label.setBuddy(self.text)
        self.text.textChanged.connect(self._typed)
        self.use = QPushButton("&Use rationale…")
        self.use.setToolTip("Copy the panel's rationale into the box to edit it for the bidder")
        self.use.clicked.connect(self.use_rationale)
        self.save = QPushButton("&Save feedback")
        self.save.setToolTip("Save this feedback (it can be undone)")
        self.save.clicked.connect(lambda: self.save_requested.emit(self.text.toPlainText()))
        self.warnings = QLabel()
        self.warnings.setObjectName("banner_warning")
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)
        grid.addWidget(label, 0, 0)
        grid.addWidget(self.note, 0, 1)
        grid.setColumnStretch(1, 1)
        grid.addWidget(self.use, 0, 2)
        grid.addWidget(self.save, 0, 3)
        grid.addWidget(self.text, 1, 0, 1, 4)
        grid.addWidget(self.warnings, 2, 0, 1, 4)

    def show_item(self, item: Item | None, data: TenderData, lot: Lot | None,
                  writable: bool) -> None:
        """Show the feedback of `item` (its unsaved text if any); editable once agreed."""
        self._keep()
        self._item, self._data, self._lot = item, data, lot
        agreed = item.agreed if item is not None else None
        self._stored = agreed.feedback if agreed is not None else ""
        self.text.blockSignals(True)
        self.text.setPlainText(self._unsaved.get(item.key, self._stored) if item else "")
        self.text.blockSignals(False)
        on = agreed is not None and writable
        for widget in (self.text, self.use, self.save):
            widget.setEnabled(on)
        self.note.setText("" if agreed is not None else
                          "Written once the panel has agreed the score.")
        self._typed()

    def saving(self) -> None:
        """The text on show is being saved: nothing unsaved for this item any more."""
        if self._item is not None:
            self._unsaved.pop(self._item.key, None)
            self._stored = self.text.toPlainText()

    def not_saved(self, key: Key, text: str) -> None:
        """Saving failed: keep what was typed for the item."""
        self._unsaved[key] = text

    def _keep(self) -> None:
        if self._item is None:
            return
        typed = self.text.toPlainText()
        if typed.strip() != self._stored.strip():
            self._unsaved[self._item.key] = typed
        else:
            self._unsaved.pop(self._item.key, None)

    def _typed(self) -> None:
        typed = self.text.toPlainText()
        changed = self._item is not None and typed.strip() != self._stored.strip()
        self.save.setText("&Save feedback" + (" *" if changed else ""))
        if self._item is None or self._data is None or self._lot is None:
            self.warnings.setVisible(False)
            return
        found = check(typed, self._data, self._lot, self._item.key[0])
        missing = self._item.agreed is not None and not typed.strip()
        lines = [f"⚠ This {w}" for w in found]
        if missing:
            lines.append("No feedback yet: the bidder's summary cannot be sent without it.")
        self.warnings.setText("\n".join(lines))
        self.warnings.setVisible(bool(lines))

    def use_rationale(self) -> None:
        """Copy the rationale in, after the chair has been told to read it through."""
        if self._item is None or self._item.agreed is None:
            return
        if self.text.toPlainText().strip() and not self.ask_replace():
            return
        if not self.ask_use():
            return
        self.text.setPlainText(self._item.agreed.rationale)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def ask_use(self) -> bool:
        answer = QMessageBox.question(
            self, "Use the rationale as feedback",
            "The rationale was written for the panel: it may name an evaluator, a declared "
            "conflict or another bidder. It will be copied into the feedback box, not saved; "
            "read it through and edit it for the bidder, then save.")
        return answer == QMessageBox.StandardButton.Yes

    def ask_replace(self) -> bool:
        answer = QMessageBox.question(self, "Replace the feedback",
                                      "Replace the feedback typed so far with the rationale?")
        return answer == QMessageBox.StandardButton.Yes
