"""How the selected lot is awarded: its award method and price ceiling, edited in place above
the criteria. Each change is one undoable command calling `edit.set_lot_scoring`."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from workbench.domain import Lot
from workbench.numbers import fmt_money
from workbench.scoring.formulas import AWARD_METHODS

#: Sends (lot id, setting, value) as one command; False when refused.
Commit = Callable[[str, str, object], bool]


class LotAward(QWidget):
    def __init__(self, commit: Commit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._commit = commit
        self._lot: Lot | None = None
        self._currency = "GBP"
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.method = QComboBox()
        self.method.setObjectName("award_method")
        for i, method in enumerate(AWARD_METHODS.entries()):
            self.method.addItem(method.label, method.name)
            self.method.setItemData(i, method.text, Qt.ItemDataRole.ToolTipRole)
        self.method.setToolTip("How this lot's bidders are ranked")
        self.method.activated.connect(self._method_chosen)
        self.ceiling = QLineEdit()
        self.ceiling.setObjectName("price_ceiling")
        self.ceiling.setPlaceholderText("none")
        self.ceiling.setMaximumWidth(140)
        self.ceiling.setToolTip("Affordability: a bid above this is excluded, with the reason "
                                "naming the ceiling and the bid. Leave empty for none.")
        self.ceiling.editingFinished.connect(self._ceiling_left)
        for label, widget in (("Award &method:", self.method), ("Price &ceiling:", self.ceiling)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            box.addWidget(caption)
            box.addWidget(widget)
            box.addSpacing(12)
        box.addStretch(1)

    def show_lot(self, lot: Lot | None, currency: str, editable: bool) -> None:
        self._lot, self._currency = lot, currency
        self.method.setCurrentIndex(max(self.method.findData(lot.award_method if lot else ""), 0))
        ceiling = lot.price_ceiling if lot else None
        self.ceiling.setText("" if ceiling is None else fmt_money(ceiling, currency))
        for widget in (self.method, self.ceiling):
            widget.setEnabled(lot is not None and editable)

    def _method_chosen(self, _index: int) -> None:
        if self._lot is not None and self.method.currentData() != self._lot.award_method:
            if not self._commit(self._lot.id, "award_method", self.method.currentData()):
                self.show_lot(self._lot, self._currency, True)

    def _ceiling_left(self) -> None:
        if self._lot is None:
            return
        shown = "" if self._lot.price_ceiling is None else fmt_money(self._lot.price_ceiling,
                                                                     self._currency)
        if self.ceiling.text().strip() != shown:
            if not self._commit(self._lot.id, "price_ceiling", self.ceiling.text()):
                self.show_lot(self._lot, self._currency, True)
