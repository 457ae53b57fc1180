"""The moderation view's side panels: the item list with the flag rule, and agreement insight."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.moderation.agreement import CriterionAgreement, EvaluatorDeviation
from workbench.moderation.consensus import Progress
from workbench.moderation.flags import Item, Rules

from ui import a11y
from ui.views.base import note
from ui.views.moderation_models import (
    ALPHA_TIP,
    LEAN_TIP,
    AgreementModel,
    DeviationModel,
    ItemListModel,
    Names,
)

UNIT_TEXT = {"points": "points", "percent": "% of the scale"}


def _subheading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("subheading")
    return label


def _table(model, name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    a11y.table(table, a11y.humanise(name))
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


class ItemListPanel(QWidget):
    """Every item being walked, one row each, and the rule that flags them."""

    row_chosen = Signal(int)
    rule_changed = Signal(float, str)  # threshold, unit

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 6, 6, 0)
        self.model = ItemListModel(self)
        self.table = _table(self.model, "moderation_items")
        # Scrolling is done by `select`: by a screenful, not a row at a time.
        self.table.setAutoScroll(False)
        self.table.setMinimumWidth(300)
        self.table.horizontalHeader().setSectionResizeMode(ItemListModel.COL_BIDDER,
                                                           QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        column.addWidget(self.table, 1)
        column.addWidget(QLabel("Flag for discussion when marks differ by"))
        rule = QHBoxLayout()
        self.threshold = QDoubleSpinBox()
        self.threshold.setDecimals(1)
        self.threshold.setRange(0.5, 100)
        self.threshold.setSingleStep(0.5)
        self.threshold.setToolTip("Items whose highest and lowest marks are this far apart are "
                                  "flagged for discussion.")
        self.threshold.editingFinished.connect(self._rule_edited)
        self.threshold.setAccessibleName("Flag when marks differ by")
        self.unit = QComboBox()
        for unit, text in UNIT_TEXT.items():
            self.unit.addItem(text, unit)
        self.unit.activated.connect(self._rule_edited)
        self.unit.setAccessibleName("Unit of the difference")
        rule.addWidget(self.threshold)
        rule.addWidget(self.unit)
        rule.addStretch(1)
        column.addLayout(rule)
        self._selecting = False

    def set_rows(self, items: list[Item], names: Names) -> None:
        self._selecting = True
        self.model.set_rows(items, names)
        self._selecting = False

    def show_rule(self, rules: Rules, writable: bool) -> None:
        self.threshold.setValue(float(rules.spread_threshold))
        self.unit.setCurrentIndex(max(0, self.unit.findData(rules.spread_unit)))
        for widget in (self.threshold, self.unit):
            widget.setEnabled(writable)

    def select(self, row: int) -> None:
        """Mark `row` as the current item, scrolling only when it has left the list (scrolling
        a row at a time would repaint the whole list on every move)."""
        if not 0 <= row < self.model.rowCount():
            return
        self._selecting = True
        target = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            target, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        place, seen = self.table.visualRect(target), self.table.viewport().rect()
        if not seen.intersects(place):
            hint = QAbstractItemView.ScrollHint
            self.table.scrollTo(target, hint.PositionAtTop if place.top() >= seen.top()
                                else hint.PositionAtBottom)
        self._selecting = False

    def _chosen(self, current, _previous) -> None:
        if not self._selecting and current.isValid():
            self.row_chosen.emit(current.row())

    def _rule_edited(self, _index: int = 0) -> None:
        self.rule_changed.emit(self.threshold.value(), self.unit.currentData())


class AgreementPanel(QWidget):
    """How far the evaluators agreed: per question (alpha) and per evaluator (their lean)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 10, 6, 6)
        column.addWidget(_subheading("Per question: did the evaluators' own marks agree?"))
        column.addWidget(note(ALPHA_TIP))
        self.agreement_model = AgreementModel(self)
        self.agreement_table = _table(self.agreement_model, "moderation_agreement")
        self.agreement_table.horizontalHeader().setStretchLastSection(True)
        column.addWidget(self.agreement_table, 3)
        column.addWidget(_subheading("Per evaluator: harder or softer than the agreed scores?"))
        column.addWidget(note(LEAN_TIP))
        self.deviation_model = DeviationModel(self)
        self.deviation_table = _table(self.deviation_model, "moderation_deviation")
        self.deviation_table.horizontalHeader().setStretchLastSection(True)
        column.addWidget(self.deviation_table, 2)

    def set_rows(self, agreements: list[CriterionAgreement], progress: list[Progress],
                 deviations: list[EvaluatorDeviation], names: Names) -> None:
        self.agreement_model.set_rows(agreements, progress)
        self.deviation_model.set_rows(deviations, names)


class StageHolder(QWidget):
    """Keeps the stage at its own full size, without a layout.

    A layout would pass every change of the stage's size hints (each new item's text) up to
    the tab widget, which then repaints its whole page, list included; that alone cost more
    than a frame. Sizing the stage by hand keeps each move's repaint inside the stage.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._held: QWidget | None = None
        self.setMinimumWidth(560)

    def hold(self, widget: QWidget) -> None:
        self._held = widget
        # Never narrower than the stage can lay itself out in (its entry row, mostly).
        self.setMinimumWidth(max(560, widget.minimumSizeHint().width()))
        widget.setParent(self)
        widget.setGeometry(self.rect())

    def resizeEvent(self, event) -> None:
        if self._held is not None and self._held.parent() is self:
            self._held.setGeometry(self.rect())
        super().resizeEvent(event)
