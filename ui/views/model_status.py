"""What the Model view says about the plan: the summary line, the sealed / policy banners and
the problems panel (every broken rule, click to go to it)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QStyle, QVBoxLayout, QWidget

from workbench.domain import Lot, TenderData
from workbench.model.seal import SealState
from workbench.model_rules import Problem
from workbench.numbers import dec_str
from workbench.scoring.formulas import AWARD_METHODS
from workbench.scoring.weights import sibling_sum, social_value_percent

from ui.views.base import note

PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 1
CENT = Decimal("0.01")


class ModelStatus(QWidget):
    """The summary line and the banners above the editor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.summary = note("")
        layout.addWidget(self.summary)
        self.seal_banner = self._banner("banner_info", layout)
        self.seal_broken = self._banner("banner_error", layout)
        self.policy_banner = self._banner("banner_warning", layout)

    @staticmethod
    def _banner(name: str, layout: QVBoxLayout) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setVisible(False)
        layout.addWidget(label)
        return label

    def show_state(self, data: TenderData, lot: Lot | None, state: SealState,
                   shared: bool) -> None:
        if lot is None:
            self.summary.setText("This tender has no lots yet: add one with Lots ▸ Add lot, or "
                                 "import a model from Excel.")
        else:
            count = sum(1 for _ in lot.all_criteria())
            # PPN 002: ranked on price per quality point, the policy is of the quality score
            by_ratio = AWARD_METHODS[lot.award_method].by_ratio
            share = social_value_percent(lot, quality_only=by_ratio).quantize(CENT)
            self.summary.setText(
                f"{count} criteria · {dec_str(data.tender.total_points)} points in total · "
                f"social value {share}% of the "
                f"{'quality score' if by_ratio else 'total'} "
                f"(policy minimum {dec_str(data.tender.social_value_minimum_weight)}%)"
                + (" · one model shared by every lot" if shared else ""))
        when = (state.sealed_at or "").replace("T", " ")[:16]
        self.seal_banner.setText(f"Sealed on {when} UTC · fingerprint {state.short}. The model, "
                                 "scales, formulas and rounding are read-only.")
        self.seal_banner.setVisible(state.sealed)
        self.seal_broken.setText("The model no longer matches the fingerprint recorded when "
                                 "the plan was sealed: it was changed outside the workbench. "
                                 "Run a check of the file before going further.")
        self.seal_broken.setVisible(not state.intact)
        warnings = _warnings(data, lot)
        self.policy_banner.setText("\n".join(warnings))
        self.policy_banner.setVisible(bool(warnings))


def _warnings(data: TenderData, lot: Lot | None) -> list[str]:
    """The top level not adding up (it has no row of its own to mark) and the social value
    policy, said where the lead is looking."""
    if lot is None or not lot.criteria:
        return []
    warnings = []
    top = sibling_sum(lot.criteria)
    if top != 100:
        warnings.append(f"The top-level weights of lot {lot.id} add up to {dec_str(top)}%, not "
                        "100%: select a top-level criterion and press Normalise, or change a "
                        "weight.")
    carried = social_value_percent(lot)
    minimum = data.tender.social_value_minimum_weight
    if carried < minimum:
        warnings.append(f"Social value carries {carried.quantize(CENT)}% of lot {lot.id}, below "
                        f"the policy minimum of {dec_str(minimum)}%.")
    return warnings


class ProblemsPanel(QWidget):
    """Every rule the model breaks; choosing one asks to go to (lot, criterion)."""

    chosen = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.title = QLabel()
        self.list = QListWidget()
        self.list.setObjectName("model_problems")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)
        layout.addWidget(self.title)
        layout.addWidget(self.list)

    def show_problems(self, found: list[Problem]) -> None:
        self.list.clear()
        style = self.style()
        for problem in found:
            text = str(problem)
            item = QListWidgetItem(text[:1].upper() + text[1:])
            item.setIcon(style.standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxCritical if problem.severity == "error"
                else QStyle.StandardPixmap.SP_MessageBoxWarning))
            item.setToolTip(("Blocks sealing: " if problem.severity == "error"
                             else "Warning (does not block sealing): ") + problem.message)
            item.setData(PROBLEM_ROLE, (problem.lot, problem.criterion))
            self.list.addItem(item)
        blocking = sum(p.severity == "error" for p in found)
        if not found:
            self.title.setText("✔ No problems: the weights add up and every criterion is "
                               "complete.")
        else:
            self.title.setText(f"Problems: {blocking} to fix before the plan can be sealed, "
                               f"{len(found) - blocking} warning(s). Click one to go to it.")
        self.list.setVisible(bool(found))
        rows = sum(self.list.sizeHintForRow(i) for i in range(len(found)))
        self.list.setFixedHeight(min(rows + 6, 96))

    def texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _chosen(self, item: QListWidgetItem) -> None:
        self.chosen.emit(*item.data(PROBLEM_ROLE))
