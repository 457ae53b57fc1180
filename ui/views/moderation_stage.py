"""The shared screen of a moderation meeting: one item, every evaluator's mark, the consensus entry.

The stage only shows and collects; the view decides what happens. It is keyboard-driven so a
chair can run a meeting from a laptop or a presenter remote (which sends PgUp/PgDn):
arrows / PgUp / PgDn move between items, digits type the agreed score, Enter goes to the
rationale, Ctrl+Enter agrees and moves on, Alt+M uses the median, Alt+P parks, Esc leaves a
text box (and then presentation mode).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Rounding
from workbench.moderation.flags import Item, flag_text
from workbench.numbers import dec_str
from workbench.scoring.working import score_text

from ui.views.moderation_models import Names

HINT = ("← → or PgUp/PgDn: move · digits: score · Enter: rationale · Ctrl+Enter: agree and next "
        "· Alt+M: use median · Alt+P: park · Esc: leave a text box")
DESK_HINT = HINT + " · F11: present"
PRESENT_HINT = HINT + " · Ctrl+plus/minus: size · F11: back to the desk"
FAR = 1_000_000  # a move this long lands on the first or last item


def when(iso: str) -> str:
    """ "26 Nov 2026 14:20" from a stored ISO time (shown as recorded, which is UTC)."""
    try:
        return datetime.fromisoformat(iso).strftime("%d %b %Y %H:%M")
    except ValueError:
        return iso


class EvaluatorCard(QFrame):
    """One evaluator's mark and full rationale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mod_card")
        self.setProperty("outlier", False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(4)
        top = QHBoxLayout()
        names = QVBoxLayout()
        names.setSpacing(0)
        self.name = QLabel()
        self.name.setObjectName("mod_card_name")
        self.name.setWordWrap(True)
        self.role = QLabel()
        self.role.setObjectName("mod_card_role")
        self.role.setWordWrap(True)
        names.addWidget(self.name)
        names.addWidget(self.role)
        top.addLayout(names, 1)
        self.score = QLabel()
        self.score.setObjectName("mod_card_score")
        self.score.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.score)
        layout.addLayout(top)
        self.rationale = QLabel()
        self.rationale.setObjectName("mod_card_text")
        self.rationale.setWordWrap(True)
        self.rationale.setTextFormat(Qt.TextFormat.PlainText)
        self.rationale.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.rationale, 1)

    def show_mark(self, name: str, role: str, score: str, rationale: str, outlier: bool,
                  conflict: str, override: str = "") -> None:
        self.name.setText(name)
        detail = " · ".join(part for part in (role, "conflict declared" if conflict else "",
                                              override) if part)
        self.role.setText(detail)
        self.role.setVisible(bool(detail))
        self.role.setToolTip(conflict)
        self.score.setText(score)
        self.rationale.setText(rationale or "(no rationale given)")
        if self.property("outlier") != outlier:  # re-polish only when the look changes
            self.setProperty("outlier", outlier)
            self.style().unpolish(self)
            self.style().polish(self)
        self.setToolTip("This mark stands apart from the others." if outlier else "")


class Stage(QFrame):
    """One item on the shared screen, and the keys that drive the meeting."""

    move_requested = Signal(int)
    agree_requested = Signal()
    park_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mod_stage")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._item: Item | None = None
        self._cards: list[EvaluatorCard] = []
        self._columns = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)

        self.title = QLabel()
        self.title.setObjectName("mod_title")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("mod_subtitle")
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.subtitle)
        # The state and the flag each get a line of their own: side by side, a long record of
        # who agreed squeezed the flag into a tall narrow column that pushed the marks down.
        self.state = QLabel()
        self.state.setObjectName("mod_state")
        self.state.setWordWrap(True)
        badge = QHBoxLayout()
        badge.addWidget(self.state)
        badge.addStretch(1)  # the badge as wide as its words, not the whole line
        layout.addLayout(badge)
        self.flags = QLabel()
        self.flags.setObjectName("mod_flag")
        self.flags.setWordWrap(True)
        layout.addWidget(self.flags)

        self._grid_host = QWidget()
        self._grid_host.setObjectName("mod_cards")
        host = QVBoxLayout(self._grid_host)
        host.setContentsMargins(0, 0, 0, 0)
        self._grid = QGridLayout()
        self._grid.setSpacing(10)
        host.addLayout(self._grid)
        host.addStretch(1)  # cards as tall as their text, not the whole screen
        self.empty = QLabel("No evaluator has submitted a mark for this yet.")
        self.empty.setObjectName("mod_subtitle")
        self._grid.addWidget(self.empty, 0, 0)
        scroll = QScrollArea()
        scroll.setObjectName("mod_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(self._grid_host)
        layout.addWidget(scroll, 1)

        self.stats = QLabel()
        self.stats.setObjectName("mod_stats")
        self.stats.setToolTip("For reference only: the panel types the score it agrees.")
        layout.addWidget(self.stats)
        layout.addWidget(self._entry_box())
        self.hint = QLabel(DESK_HINT)
        self.hint.setObjectName("mod_hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self._keys()

    def _entry_box(self) -> QFrame:
        box = QFrame()
        box.setObjectName("mod_entry")
        grid = QGridLayout(box)
        grid.setContentsMargins(12, 10, 12, 10)
        grid.setHorizontalSpacing(10)
        label = QLabel("Agreed score")
        label.setObjectName("mod_entry_label")
        self.score = QLineEdit()
        self.score.setObjectName("mod_score")
        self.score.setMaxLength(8)
        self.score.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.score.setToolTip("Type the score the panel agreed. It is never filled in for you.")
        self.score.returnPressed.connect(self.focus_rationale)
        label.setBuddy(self.score)
        self.median = QPushButton("Use median")
        self.median.setToolTip("Put the median of the marks in the score box (Alt+M). The "
                               "panel still agrees it with a rationale.")
        self.median.clicked.connect(self.use_median)
        self.park = QPushButton("Park")
        self.park.setObjectName("mod_park")
        self.park.clicked.connect(self.park_requested)
        self.agree = QPushButton("Agree and next")
        self.agree.setObjectName("primary")
        self.agree.setToolTip("Record the agreed score and rationale, then move to the next "
                              "item (Ctrl+Enter).")
        self.agree.clicked.connect(self.agree_requested)
        why = QLabel("Rationale")
        why.setObjectName("mod_entry_label")
        self.rationale = QPlainTextEdit()
        self.rationale.setObjectName("mod_rationale")
        self.rationale.setTabChangesFocus(True)
        self.rationale.setPlaceholderText("Why the panel agreed this score, for the panel and "
                                          "auditors (the bidder reads the feedback below).")
        self.rationale.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        why.setBuddy(self.rationale)
        self.reason = QLineEdit()
        self.reason.setObjectName("mod_reason")
        self.reason.setAccessibleName("Reason for the change")
        self.reason.setPlaceholderText("Reason for changing the agreed score (kept in the audit "
                                       "trail)")
        grid.addWidget(label, 0, 0)
        grid.addWidget(self.score, 0, 1)
        grid.addWidget(self.median, 0, 2)
        grid.setColumnStretch(3, 1)
        grid.addWidget(self.park, 0, 4)
        grid.addWidget(self.agree, 0, 5)
        grid.addWidget(why, 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.rationale, 1, 1, 1, 5)
        grid.addWidget(self.reason, 2, 1, 1, 5)
        return box

    def _keys(self) -> None:
        def key(sequences: tuple[str, ...], slot) -> None:
            for sequence in sequences:
                shortcut = QShortcut(QKeySequence(sequence), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)

        # Text boxes keep the keys they use (cursor keys, digits, Enter): Qt offers those to
        # the focused editor first, so these fire only where they cannot clash with typing.
        # Bound methods rather than lambdas: a connection then holds no reference to the stage,
        # so closing a tender frees it in the usual order.
        key(("Right", "Down", "PgDown"), self._next)
        key(("Left", "Up", "PgUp"), self._previous)
        key(("Home",), self._first)
        key(("End",), self._last)
        key(tuple("0123456789."), self._digit_key)
        key(("Backspace",), self._erase)
        key(("Return", "Enter"), self.focus_rationale)
        key(("Ctrl+Return", "Ctrl+Enter"), self.agree_requested.emit)
        key(("Alt+M",), self.use_median)
        key(("Alt+P",), self.park_requested.emit)
        key(("Escape",), self._escape)

    # -- showing -----------------------------------------------------------------------------

    @property
    def item(self) -> Item | None:
        """The item on show."""
        return self._item

    def show_item(self, item: Item | None, names: Names, position: str,
                  entry: tuple[str, str, str], conflicts: dict[str, str],
                  rounding: Rounding) -> None:
        """Show `item` with the entry boxes filled from `entry` (score, rationale, reason).

        `conflicts` describes, per evaluator id, a conflict of interest declared on this lot.
        """
        self._item = item
        if item is None:
            self.title.setText("Nothing to show")
            self.subtitle.setText(position)
            for widget in (self.state, self.flags, self.stats):
                widget.setVisible(False)
            self._show_cards(0)
            self.empty.setText("No items match the choices above.")
            self.set_entry("", "", "")
            return
        self.title.setText(f"{item.criterion.id}  {item.criterion.title}")
        self.subtitle.setText(f"{names.bidder(item.bidder)}  ·  {position}")
        self.state.setVisible(True)
        self.state.setText(self._state_text(item))
        self.state.setProperty("state", item.state)
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)
        reasons = flag_text(item, names.evaluator)
        self.flags.setVisible(bool(reasons))
        self.flags.setText("⚑ For discussion: " + "; ".join(reasons) if reasons else "")
        self._show_cards(len(item.marks))
        for card, mark in zip(self._cards, item.marks, strict=False):
            conflict = conflicts.get(mark.evaluator, "")
            override = (f"overridden by {mark.entered_by}: {mark.override_reason}"
                        if mark.override_reason and not names.hide_evaluators else
                        "overridden by the lead" if mark.override_reason else "")
            card.show_mark(names.evaluator(mark.evaluator), names.role(mark.evaluator),
                           dec_str(mark.score), mark.rationale, mark.evaluator == item.outlier,
                           "" if names.hide_evaluators else conflict, override)
        self.empty.setText("No evaluator has submitted a mark for this yet.")
        self.stats.setVisible(True)
        away = ", ".join(names.evaluator(e) for e in item.recused)
        self.stats.setText(self._stats_text(item, rounding)
                           + (f"  ·  Not taking part: {away} (conflict declared)" if away else ""))
        self.median.setEnabled(item.median_on_scale is not None and self.score.isEnabled())
        self.median.setToolTip(
            "Put the median of the marks in the score box (Alt+M)." if item.median_on_scale
            is not None else "The median falls between two scale points: type the score "
                             "the panel agrees.")
        self.reason.setVisible(item.agreed is not None)
        parked = item.parked is not None
        self.park.setText("Unpark" if parked else "Park")
        self.park.setToolTip("Bring this item back into the meeting (Alt+P)." if parked else
                             "Set this item aside to come back to (Alt+P); anything typed in "
                             "the rationale box is kept as a note.")
        self.agree.setText("Save change" if item.agreed is not None else "Agree and next")
        self.set_entry(*entry)

    def _columns_for(self, count: int) -> int:
        """Up to four cards a row (seven go four and three), fewer where a card would be
        narrower than about thirty characters of text."""
        balanced = count if count <= 4 else (count + 1) // 2
        fits = self.width() // max(1, 30 * self.fontMetrics().averageCharWidth())
        return max(1, min(balanced, fits))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        count = len(self._item.marks) if self._item is not None else 0
        if count and self._columns_for(count) != self._columns:
            self._show_cards(count)

    def _show_cards(self, count: int) -> None:
        while len(self._cards) < count:
            self._cards.append(EvaluatorCard(self._grid_host))
        columns = self._columns_for(count)
        if columns != self._columns or any(c.isVisible() != (i < count)
                                           for i, c in enumerate(self._cards)):
            self._columns = columns
            for card in self._cards:
                self._grid.removeWidget(card)
            for i, card in enumerate(self._cards[:count]):
                self._grid.addWidget(card, i // max(columns, 1), i % max(columns, 1))
            for i, card in enumerate(self._cards):
                card.setVisible(i < count)
            for column in range(8):
                self._grid.setColumnStretch(column, 1 if column < columns else 0)
        self.empty.setVisible(count == 0)

    @staticmethod
    def _state_text(item: Item) -> str:
        if item.agreed is not None:
            people = len(item.agreed.attendees)
            return (f"Agreed {dec_str(item.agreed.score)} · chaired by {item.agreed.agreed_by} "
                    f"· {when(item.agreed.agreed_at)} · {people} attending")
        if item.parked is not None:
            note = f": {item.parked.note}" if item.parked.note else ""
            return f"Parked{note}"
        return "To agree"

    @staticmethod
    def _stats_text(item: Item, rounding: Rounding) -> str:
        if item.spread is None or item.mean is None or item.median is None:
            return "No marks yet."
        drafts = f"  ·  {item.drafts} draft mark(s) not submitted" if item.drafts else ""
        return (f"Spread {dec_str(item.spread)}  ·  Mean {score_text(item.mean, rounding)}  ·  "
                f"Median {dec_str(item.median)}  (for reference){drafts}")

    # -- entry -------------------------------------------------------------------------------

    def entry(self) -> tuple[str, str, str]:
        """What is typed: (score, rationale, reason for a change)."""
        return self.score.text().strip(), self.rationale.toPlainText(), self.reason.text()

    def set_entry(self, score: str, rationale: str, reason: str) -> None:
        self.score.setText(score)
        self.rationale.setPlainText(rationale)
        self.reason.setText(reason)

    def set_writable(self, can_edit: bool, can_agree: bool, why_not: str) -> None:
        """Enable the entry: editing (a writable file) and agreeing (a meeting in progress)."""
        for widget in (self.score, self.rationale, self.reason):
            widget.setEnabled(can_edit)
        # An agreed item is changed, not parked.
        self.park.setEnabled(can_edit and self._item is not None and self._item.agreed is None)
        self.median.setEnabled(can_edit and self._item is not None
                               and self._item.median_on_scale is not None)
        self.agree.setEnabled(can_edit and can_agree)
        self.agree.setToolTip(why_not or "Record the agreed score and rationale, then move to "
                                         "the next item (Ctrl+Enter).")

    def type_digit(self, digit: str) -> None:
        """A digit typed anywhere on the stage: extend the score if the scale allows, else
        start again (so on 0–5 typing 3 then 4 gives 4, on 0–60 typing 4 then 5 gives 45)."""
        if not self.score.isEnabled():
            return
        text = self.score.text()
        if digit == "." and "." in text:
            return
        candidate = text + digit
        scale = self._item.scale if self._item is not None else None
        try:
            fits = scale is None or Decimal(candidate.rstrip(".") or "0") <= scale.highest
        except InvalidOperation:
            fits = False
        self.score.setText(candidate if fits else ("0." if digit == "." else digit))

    def use_median(self) -> None:
        if self._item is not None and self._item.median_on_scale is not None \
                and self.score.isEnabled():
            self.score.setText(dec_str(self._item.median_on_scale))

    def focus_rationale(self) -> None:
        self.rationale.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.rationale.moveCursor(QTextCursor.MoveOperation.End)

    def _next(self) -> None:
        self.move_requested.emit(1)

    def _previous(self) -> None:
        self.move_requested.emit(-1)

    def _first(self) -> None:
        self.move_requested.emit(-FAR)

    def _last(self) -> None:
        self.move_requested.emit(FAR)

    def _digit_key(self) -> None:
        shortcut = self.sender()
        if isinstance(shortcut, QShortcut):
            self.type_digit(shortcut.key().toString())

    def _erase(self) -> None:
        self.score.setText(self.score.text()[:-1])

    def set_presenting(self, on: bool) -> None:
        """Tell the stage where it is shown (the key hints differ)."""
        self.hint.setText(PRESENT_HINT if on else DESK_HINT)

    def _escape(self) -> None:
        """Esc leaves a text box, nothing more: a second press in a meeting must not drop
        the room out of presentation mode (F11 does that, as the hint says)."""
        if self.focusWidget() in (self.score, self.rationale, self.reason):
            self.setFocus(Qt.FocusReason.ShortcutFocusReason)
