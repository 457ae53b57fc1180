"""One score being entered: the question, the bidder, the scale's descriptors beside the score,
and the rationale. Keyboard first: digits type the score, Tab moves to the rationale."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Criterion, Scale
from workbench.numbers import dec_str

CURRENT_LEVEL = "background-color: #cfe6fa;"
OTHER_LEVEL = ""
LINK = "color: #102a43; text-decoration: none;"


class EntryPanel(QWidget):
    """Shows one item to score and holds what the user has typed for it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.question_title = QLabel()
        self.question_title.setObjectName("subheading")
        self.question_title.setWordWrap(True)
        self.question_text = QLabel()
        self.question_text.setWordWrap(True)
        self.question_text.setTextFormat(Qt.TextFormat.PlainText)
        self.guidance = QLabel()
        self.guidance.setObjectName("note")
        self.guidance.setWordWrap(True)
        self.guidance.setTextFormat(Qt.TextFormat.RichText)
        for widget in (self.question_title, self.question_text, self.guidance):
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(widget)
        self.bidder = QLabel()
        self.bidder.setObjectName("bidder_banner")
        self.bidder.setStyleSheet("font-size: 13pt; font-weight: 600; color: #102a43; "
                                  "background: #f0f4f8; padding: 6px 10px; border-radius: 4px;")
        layout.addWidget(self.bidder)

        columns = QHBoxLayout()
        left = QGridLayout()
        score_label = QLabel("&Score")
        self.score = QLineEdit()
        self.score.setObjectName("score_entry")
        self.score.setValidator(QRegularExpressionValidator(
            QRegularExpression(r"^\d{0,3}(\.\d{0,2})?$"), self.score))
        self.score.setFixedWidth(72)
        self.score.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.score.setStyleSheet("font-size: 18pt; font-weight: 600;")
        self.score.setToolTip("Type the score; the matching descriptor is highlighted")
        score_label.setBuddy(self.score)
        self.level_name = QLabel()
        self.level_name.setStyleSheet("font-weight: 600;")
        left.addWidget(score_label, 0, 0)
        left.addWidget(self.score, 0, 1)
        left.addWidget(self.level_name, 0, 2)
        rationale_label = QLabel("&Rationale")
        self.rationale = QPlainTextEdit()
        self.rationale.setObjectName("rationale_entry")
        self.rationale.setTabChangesFocus(True)
        self.rationale.setPlaceholderText("Why this score: the strengths and weaknesses you "
                                          "found in the answer, against the descriptors")
        rationale_label.setBuddy(self.rationale)
        left.addWidget(rationale_label, 1, 0, 1, 3)
        left.addWidget(self.rationale, 2, 0, 1, 3)
        self.counter = QLabel()
        left.addWidget(self.counter, 3, 0, 1, 3)
        left.setColumnStretch(2, 1)
        left.setRowStretch(2, 1)
        columns.addLayout(left, 4)
        # A browser, not labels: long descriptors wrap and scroll by themselves, and a click
        # on a level chooses it. It takes no focus, so Tab goes from score to rationale.
        self.levels = QTextBrowser()
        self.levels.setObjectName("scale_levels")
        self.levels.setOpenLinks(False)
        self.levels.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.levels.anchorClicked.connect(lambda url: self._choose(url.fragment()))
        columns.addWidget(self.levels, 7)
        layout.addLayout(columns, 1)
        self._scale: Scale | None = None
        self.minimum = 0
        self.score.textChanged.connect(self._highlight)
        self.rationale.textChanged.connect(self._count)
        self.setTabOrder(self.score, self.rationale)

    def show_item(self, criterion: Criterion, bidder: str, scale: Scale | None, score: str,
                  rationale: str, minimum: int, read_only: bool) -> None:
        self.question_title.setText(f"{criterion.id} {criterion.title}")
        self.question_text.setText(criterion.question or "(No question text recorded.)")
        self.question_text.setVisible(True)
        notes = []
        if criterion.guidance:
            notes.append(f"<b>Guidance:</b> {_escape(criterion.guidance)}")
        if criterion.good_answer:
            notes.append(f"<b>A good answer:</b> {_escape(criterion.good_answer)}")
        self.guidance.setText("<br>".join(notes))
        self.guidance.setVisible(bool(notes))
        self.bidder.setText(f"Bidder: {bidder}")
        self._scale = scale
        self.minimum = minimum
        self.score.setText(score)
        self.rationale.setPlainText(rationale)
        self.score.setReadOnly(read_only)
        self.rationale.setReadOnly(read_only)
        self._highlight()
        self._count()

    def values(self) -> tuple[str, str]:
        return self.score.text().strip(), self.rationale.toPlainText()

    def focus_score(self) -> None:
        self.score.setFocus(Qt.FocusReason.OtherFocusReason)
        self.score.selectAll()

    def _choose(self, value: str) -> None:
        if not self.score.isReadOnly():
            self.score.setText(value)
            self.rationale.setFocus()

    def _highlight(self) -> None:
        """Show the scale with the level matching the typed score picked out."""
        scale = self._scale
        try:
            typed = Decimal(self.score.text()) if self.score.text() else None
        except InvalidOperation:
            typed = None
        level = scale.level(typed) if scale and typed is not None else None
        self.level_name.setText(level.label if level else "")
        if scale is None:
            self.levels.clear()
            return
        parts = [f"<p style='margin:2px 4px 6px 4px'><b>{_escape(scale.name)}</b></p>"]
        if scale.is_range:
            step = f" in steps of {dec_str(scale.step)}" if scale.step else ""
            parts.append(f"<p style='margin:4px'>A score from {dec_str(scale.lowest)} to "
                         f"{dec_str(scale.highest)}{step}.</p>")
        for each in scale.levels:
            value = dec_str(each.value)
            style = CURRENT_LEVEL if each is level else OTHER_LEVEL
            parts.append(f"<table width='100%' cellpadding='3' cellspacing='0' "
                         f"style='margin:0px; {style}'><tr><td>"
                         f"<a name='{value}' href='#{value}' style='{LINK}'>"
                         f"<b>{value} · {_escape(each.label)}</b></a> — "
                         f"{_escape(each.descriptor)}</td></tr></table>")
        self.levels.setHtml("".join(parts))
        if level is not None:
            self.levels.scrollToAnchor(dec_str(level.value))

    def _count(self) -> None:
        length = len(self.rationale.toPlainText().strip())
        enough = length >= max(self.minimum, 1)
        self.counter.setText(f"{length} characters" + ("" if enough else
                             f" — at least {max(self.minimum, 1)} needed"))
        self.counter.setStyleSheet("color: #2b7a2e;" if enough else "color: #9b1c1c;")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
