"""Pairwise weighting helper: compare the top-level criteria two at a time, see the weights.

The derived weights and the consistency ratio come from `workbench.model.ahp`; applying them is
one undoable command made by the Model view.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Lot
from workbench.model.ahp import ACCEPTABLE_RATIO, INTENSITY, MAX_CRITERIA, Pairwise, derive
from workbench.numbers import dec_str

from ui import errors
from ui.views.base import ok_cancel


def _choice_text(judgement: int) -> str:
    if judgement == 0:
        return "1 · equally important"
    k = abs(judgement) + 1
    words = INTENSITY[k]
    return f"◀ {k} · left is {words}" if judgement > 0 else f"{k} · right is {words} ▶"


class PairwiseDialog(QDialog):
    def __init__(self, lot: Lot, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Pairwise weighting — lot {lot.id}")
        self.criteria = [c for c in lot.criteria if c.kind != "pass_fail"]
        self.outcome: Pairwise | None = None
        layout = QVBoxLayout(self)
        intro = QLabel("For each pair, say which matters more and by how much (Saaty's 1–9 "
                       "scale). The weights follow from all the comparisons together; the "
                       "consistency ratio checks that they do not contradict each other.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        self.combos: dict[tuple[str, str], QComboBox] = {}
        row = 0
        for i, first in enumerate(self.criteria):
            for second in self.criteria[i + 1:]:
                combo = QComboBox()
                combo.setObjectName(f"pair_{first.id}_{second.id}")
                for judgement in range(8, -9, -1):
                    combo.addItem(_choice_text(judgement), judgement)
                combo.setCurrentIndex(combo.findData(0))
                combo.currentIndexChanged.connect(self._recompute)
                left = QLabel(f"{first.title} ({first.id})")
                left.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(left, row, 0)
                grid.addWidget(combo, row, 1)
                grid.addWidget(QLabel(f"{second.title} ({second.id})"), row, 2)
                self.combos[(first.id, second.id)] = combo
                row += 1
        layout.addLayout(grid)
        self.table = QTableWidget(len(self.criteria), 3)
        self.table.setHorizontalHeaderLabels(["Criterion", "Weight now %", "Pairwise weight %"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table)
        self.consistency = QLabel()
        self.consistency.setWordWrap(True)
        layout.addWidget(self.consistency)
        self.buttons = ok_cancel(self, "Apply these weights")
        layout.addWidget(self.buttons)
        self._recompute()

    def judgements(self) -> dict[tuple[str, str], int]:
        return {pair: combo.currentData() for pair, combo in self.combos.items()}

    def _recompute(self) -> None:
        self.outcome = derive([c.id for c in self.criteria], self.judgements())
        for row, c in enumerate(self.criteria):
            values = (f"{c.title} ({c.id})", dec_str(c.weight or Decimal(0)),
                      f"{self.outcome.weights[c.id]:.2f}")
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        cr = self.outcome.consistency_ratio
        if cr is None:
            self.consistency.setText("With two criteria the comparison is always consistent.")
            self.consistency.setObjectName("note")
        elif self.outcome.consistent:
            self.consistency.setText(f"Consistency ratio {cr:.2f}: consistent (below "
                                     f"{ACCEPTABLE_RATIO}).")
            self.consistency.setObjectName("note")
        else:
            self.consistency.setText(
                f"Consistency ratio {cr:.2f}: the judgements contradict each other (it should "
                f"be below {ACCEPTABLE_RATIO}). Look again at the pairs before applying.")
            self.consistency.setObjectName("banner_warning")
        self.consistency.style().unpolish(self.consistency)
        self.consistency.style().polish(self.consistency)

    @classmethod
    def ask(cls, parent: QWidget | None, lot: Lot) -> dict[str, Decimal] | None:
        """The weights to apply, or None if cancelled (tests monkeypatch this)."""
        weighted = [c for c in lot.criteria if c.kind != "pass_fail"]
        if not 2 <= len(weighted) <= MAX_CRITERIA:
            errors.show_error(parent, f"Pairwise weighting needs 2 to {MAX_CRITERIA} weighted "
                              f"criteria at the top level; lot {lot.id} has {len(weighted)}.")
            return None
        dialog = cls(lot, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.outcome is None:
            return None
        return dialog.outcome.weights
