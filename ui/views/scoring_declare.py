"""Evaluator mode's first step: the conflict-of-interest declaration, lot by lot, made before
anything about the bidders is shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.views.base import note
from ui.views.panel_dialogs import ConflictForm

#: Called with (lot id, status, nature, mitigation, bidder ids concerned) when the evaluator
#: confirms.
OnDeclare = Callable[[str, str, str, str, list[str]], None]

EXPLANATION = (
    "Before you see the bids, tell the procurement lead whether you have any interest in an "
    "organisation that may be bidding for this lot: a job or contract, a directorship or "
    "trusteeship, volunteering, shares or money, or a close friend or relative who works "
    "there. If in doubt, declare it: a declared conflict can usually be managed, and the lead "
    "records how. Tick the bidders it concerns: you will not score them. Your declaration is "
    "dated today and goes back with your scores.")


class DeclarationPage(QWidget):
    def __init__(self, on_declare: OnDeclare, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_declare = on_declare
        self.lot_id = ""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        card = QFrame()
        card.setObjectName("card")
        card.setMaximumWidth(760)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        self.step = note("")
        self.lot_title = QLabel()
        self.lot_title.setObjectName("subheading")
        self.lot_title.setWordWrap(True)
        layout.addWidget(self.step)
        layout.addWidget(self.lot_title)
        layout.addWidget(note(EXPLANATION))
        self.form = ConflictForm(self, with_date=False)
        layout.addWidget(self.form)
        row = QHBoxLayout()
        row.addStretch(1)
        self.confirm = QPushButton("Confirm &declaration")
        self.confirm.setObjectName("primary")
        self.confirm.setToolTip("Record this declaration (Ctrl+Enter)")
        self.confirm.clicked.connect(self._confirm)
        row.addWidget(self.confirm)
        layout.addLayout(row)
        centred = QHBoxLayout()  # stretches, not an alignment, so wrapped text gets its height
        centred.addStretch(1)
        centred.addWidget(card, 3)
        centred.addStretch(1)
        outer.addLayout(centred)
        outer.addStretch(1)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._confirm)

    def show_lot(self, lot_id: str, title: str, number: int, count: int,
                 bidders: list[tuple[str, str]]) -> None:
        """Ask for the declaration on one lot (`number` of `count` still to declare), naming
        who bid so a conflict can say which of them it concerns."""
        self.lot_id = lot_id
        self.step.setText(f"Conflict of interest declaration {number} of {count}")
        self.lot_title.setText(title)
        self.form.set_bidders(bidders)
        self.form.set_values(None)
        self.form.none.setFocus(Qt.FocusReason.OtherFocusReason)

    def _confirm(self) -> None:
        status, nature, mitigation, _today, bidders = self.form.values()
        self._on_declare(self.lot_id, status, nature, mitigation, bidders)
