"""The Monitoring view's entry card: record one period's delivery on the selected commitment, or
correct or remove the entry picked in the deliveries table."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.monitoring import Delivery

from ui.views.base import button, note


class DeliveryForm(QFrame):
    """Period, figure, the supplier's account and the evidence for one delivery. Enter in any
    box records it.

    `submit(period, delivered, narrative, evidence, replacing)` asks to record it (`replacing`
    is the period of the entry being corrected, "" for a new one); `remove(period)` asks to
    remove the entry being corrected. The view turns both into undoable commands.
    """

    submit = Signal(str, str, str, str, str)
    remove = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self._editing = ""
        self._measure = ""
        self._suggested = ""
        self._shown: tuple[str, str, str, str] = ("", "", "", "")  # as filled, before typing
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("subheading")
        layout.addWidget(self.title)
        self.hint = note("")
        layout.addWidget(self.hint)
        grid = QGridLayout()
        self.period = self._field("period", "e.g. 2027-Q3",
                                  "The reporting period the figure is for, as the supplier's "
                                  "return names it (a quarter such as 2027-Q3, a month…)")
        self.delivered = self._field("delivered", "Figure",
                                     "What the supplier delivered in that period")
        self.narrative = self._field("narrative", "What the supplier says about it",
                                     "The supplier's account of the period: what was done, "
                                     "and why a figure fell short")
        self.evidence = self._field("evidence", "What you saw: the quarterly return, "
                                    "timesheets, payroll extract…",
                                    "The evidence checked for this figure; it goes in the "
                                    "report")
        for at, (text, box) in enumerate((("Pe&riod:", self.period),
                                          ("&Delivered:", self.delivered),
                                          ("&Account:", self.narrative),
                                          ("Ev&idence:", self.evidence))):
            label = QLabel(text)
            label.setBuddy(box)
            row, column = divmod(at, 2)
            grid.addWidget(label, row, 2 * column)
            grid.addWidget(box, row, 2 * column + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        layout.addLayout(grid)
        buttons = QHBoxLayout()
        self.save_button = button("Record delivery", "record_delivery", self._submit,
                                  "Save this period's figure and evidence (Enter)")
        self.new_button = button("&New entry", "new_delivery", self.start_new,
                                 "Clear the boxes to record another period")
        self.remove_button = button("Re&move entry", "remove_delivery", self._remove,
                                    "Remove the entry picked in the table (entered by "
                                    "mistake); the audit trail keeps it")
        for push in (self.save_button, self.new_button, self.remove_button):
            buttons.addWidget(push)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.show_for(None, "", "", enabled=False)

    def _field(self, name: str, placeholder: str, tip: str) -> QLineEdit:
        box = QLineEdit()
        box.setObjectName(f"delivery_{name}")
        box.setPlaceholderText(placeholder)
        box.setToolTip(tip)
        box.returnPressed.connect(self._submit)
        return box

    @property
    def editing(self) -> str:
        """The period of the entry being corrected ("" when recording a new one)."""
        return self._editing

    def values(self) -> tuple[str, str, str, str]:
        """Period, delivered, account and evidence, as typed."""
        return (self.period.text(), self.delivered.text(), self.narrative.text(),
                self.evidence.text())

    def typed(self) -> bool:
        """Something was typed here and not recorded."""
        return self.values() != self._shown

    def show_for(self, title: str | None, unit: str, suggested: str, enabled: bool,
                 why: str = "") -> None:
        """Ready the card for a commitment (`title`), empty, suggesting the next period; for
        the same commitment (the tender was reloaded) what was typed stays."""
        keep = title == self._measure and self.typed()
        self._measure = title or ""
        self.hint.setText(why)
        self.hint.setVisible(bool(why))
        self.delivered.setPlaceholderText(f"Figure in {unit}" if unit else "Figure")
        for widget in (self.period, self.delivered, self.narrative, self.evidence,
                       self.save_button,
                       self.new_button):
            widget.setEnabled(enabled)
        self._suggested = suggested
        if not keep:
            self.start_new()

    def start_new(self) -> None:
        self._editing = ""
        self.title.setText(f"Record a delivery: {self._measure}" if self._measure
                           else "Record a delivery")
        self.period.setText(self._suggested)
        self.delivered.clear()
        self.narrative.clear()
        self.evidence.clear()
        self.save_button.setText("Record delivery")
        self.remove_button.setEnabled(False)
        self._shown = self.values()

    def load(self, delivery: Delivery) -> None:
        """Fill the boxes from an entry, to correct it (its period may change too)."""
        self._editing = delivery.period
        self.title.setText(f"Correct the {delivery.period} entry: {self._measure}")
        self.period.setText(delivery.period)
        self.delivered.setText(format(delivery.delivered, "f"))
        self.narrative.setText(delivery.narrative)
        self.evidence.setText(delivery.evidence)
        self.save_button.setText("Save correction")
        self.remove_button.setEnabled(self.save_button.isEnabled())
        self._shown = self.values()

    def _submit(self) -> None:
        if self.save_button.isEnabled():
            self.submit.emit(self.period.text(), self.delivered.text(), self.narrative.text(),
                             self.evidence.text(), self._editing)

    def _remove(self) -> None:
        if self._editing and self.remove_button.isEnabled():
            self.remove.emit(self._editing)
