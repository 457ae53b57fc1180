"""The Bidders view's helpers: the reason dialog (withdraw, reinstate) and the gateway panel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Bidder, Lot

from ui import errors
from ui.views.base import CheckedDialog, note, ok_cancel

#: The choices of a gateway result, as shown and as stored.
RESULTS = (("Not assessed", None), ("Pass", "pass"), ("Fail", "fail"))


class ReasonDialog(CheckedDialog):
    """Asks why (withdrawing or reinstating a bidder); OK stays disabled until there is text."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.text = QPlainTextEdit()
        self.text.setObjectName("reason")
        self.text.setPlaceholderText("For example: letter of 3 March withdrawing the bid")
        self.text.setTabChangesFocus(True)
        layout.addWidget(self.text)
        layout.addWidget(note("The reason is kept in the audit record and shown in the "
                              "results."))
        self.buttons = ok_cancel(self)
        layout.addWidget(self.buttons)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.text.textChanged.connect(
            lambda: self.ok.setEnabled(bool(self.text.toPlainText().strip())))

    def reason(self) -> str:
        return self.text.toPlainText().strip()

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, prompt: str,
            apply: Callable[[str], bool]) -> str | None:
        """The reason, once `apply(reason)` accepted it (the dialog stays open while it
        refuses); None if cancelled (tests replace this method)."""
        if not errors.dialogs_enabled:
            return None
        dialog = cls(title, prompt, parent)
        dialog.on_ok = lambda: apply(dialog.reason())
        return dialog.reason() if dialog.exec() == QDialog.DialogCode.Accepted else None


class GatewayPanel(QFrame):
    """The selected bidder's pass/fail gateways, each with its result and rationale.

    `record(criterion_id, result, rationale)` is emitted when the user saves one; the view
    turns it into an undoable command and the core checks it.
    """

    record = Signal(str, object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self._layout = QVBoxLayout(self)
        self.title = QLabel("Gateways")
        self.title.setObjectName("subheading")
        self._layout.addWidget(self.title)
        self.hint = note("")
        self._layout.addWidget(self.hint)
        self._grid = QGridLayout()
        self._grid.setColumnStretch(2, 1)
        self._grid.setColumnMinimumWidth(0, 220)
        self._layout.addLayout(self._grid)
        self._layout.addStretch(1)
        #: criterion id -> (result box, rationale box, save button), for the view and tests.
        self.rows: dict[str, tuple[QComboBox, QPlainTextEdit, QPushButton]] = {}
        #: The bidder shown (lot id, bidder id) and its gateways as recorded.
        self.showing: tuple[str, str] | None = None
        self._recorded: dict[str, tuple[str | None, str]] = {}

    def typed(self) -> dict[str, tuple[str | None, str]]:
        """The gateways whose result or reason on screen differs from what is recorded."""
        on_screen = {gate: (box.currentData(), text.toPlainText())
                     for gate, (box, text, _save) in self.rows.items()}
        return {gate: value for gate, value in on_screen.items()
                if value != self._recorded.get(gate, (None, ""))}

    def show_bidder(self, lot: Lot | None, bidder: Bidder | None, editable: bool) -> None:
        """Show a bidder's gateways; shown again (after any change to the tender), what was
        typed and not yet saved stays on screen."""
        showing = (lot.id, bidder.id) if lot and bidder else None
        keep = self.typed() if showing is not None and showing == self.showing else {}
        self.showing, self._recorded = showing, {}
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget():
                item.widget().hide()  # gone from the screen now, deleted when Qt is idle
                item.widget().deleteLater()
        self.rows = {}
        gates = [c for c in lot.all_criteria() if c.kind == "pass_fail"] if lot else []
        if bidder is None or lot is None:
            self.title.setText("Gateways")
            self.hint.setText("Select a bidder to record its gateway results.")
            return
        self.title.setText(f"Gateways for {bidder.name}")
        if not gates:
            self.hint.setText("This lot has no pass/fail gateways.")
            return
        self.hint.setText("A fail excludes the bidder from the lot. Give the reason for every "
                          "result: it is kept in the audit record and the evaluation pack.")
        recorded = {g.criterion: g for g in lot.gateways if g.bidder == bidder.id}
        for row, gate in enumerate(gates):
            found = recorded.get(gate.id)
            self._recorded[gate.id] = (found.result, found.rationale) if found else (None, "")
            label = QLabel(f"{gate.id} {gate.title}")
            label.setWordWrap(True)
            box = QComboBox()
            box.setObjectName(f"gateway_result_{gate.id}")
            for text, value in RESULTS:
                box.addItem(text, value)
            box.setCurrentIndex(box.findData(found.result if found else None))
            box.setToolTip(f"The result of gateway {gate.id} for {bidder.name}")
            rationale = QPlainTextEdit(found.rationale if found else "")
            rationale.setObjectName(f"gateway_rationale_{gate.id}")
            rationale.setAccessibleName(f"Why, gateway {gate.id}")
            rationale.setPlaceholderText("Why: what was checked, and what it showed")
            rationale.setTabChangesFocus(True)
            rationale.setFixedHeight(72)
            save = QPushButton("Save result")
            save.setObjectName(f"gateway_save_{gate.id}")
            save.setToolTip("Record this result and its reason (undo with Ctrl+Z)")
            save.clicked.connect(lambda _=False, g=gate.id: self._save(g))
            for widget in (box, rationale, save):
                widget.setEnabled(editable)
            label.setBuddy(box)
            self._grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(box, row, 1, Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(rationale, row, 2)
            self._grid.addWidget(save, row, 3, Qt.AlignmentFlag.AlignTop)
            self.rows[gate.id] = (box, rationale, save)
            if gate.id in keep:
                box.setCurrentIndex(box.findData(keep[gate.id][0]))
                rationale.setPlainText(keep[gate.id][1])

    def _save(self, criterion_id: str) -> None:
        box, rationale, _save = self.rows[criterion_id]
        self.record.emit(criterion_id, box.currentData(), rationale.toPlainText())
