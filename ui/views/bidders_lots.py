"""A lot chooser that keeps the chosen lot (by id) while the tender is reloaded."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from workbench.domain import TenderData


class LotPicker(QComboBox):
    """One entry per lot ("Lot 1: Social prescribing link workers"); emits `lot_chosen(id)`."""

    lot_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lot_picker")
        self.setToolTip("Choose the lot to show: each lot has its own bidders and results")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.currentIndexChanged.connect(self._emit)
        self._filling = False

    def fill(self, data: TenderData) -> None:
        """List the tender's lots, keeping the current one if it still exists."""
        keep = self.lot_id()
        self._filling = True
        self.clear()
        for lot in data.lots:
            self.addItem(lot.title or lot.id, lot.id)
        index = self.findData(keep) if keep else -1
        self.setCurrentIndex(index if index >= 0 else 0 if data.lots else -1)
        self._filling = False

    def lot_id(self) -> str | None:
        value = self.currentData()
        return str(value) if value is not None else None

    def _emit(self) -> None:
        lot_id = self.lot_id()
        if not self._filling and lot_id is not None:
            self.lot_chosen.emit(lot_id)
