"""What the Model view says about the plan: the summary line, the sealed / policy banners and
the problems panel (every broken rule, click to go to it)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Lot, TenderData
from workbench.model.seal import SealState
from workbench.model_rules import Problem
from workbench.numbers import dec_str
from workbench.scoring.formulas import AWARD_METHODS
from workbench.scoring.weights import sibling_sum, social_value_percent

from ui.views.base import note

PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 1
CENT = Decimal("0.01")


#: What the banners' place says while there is nothing to warn about.
HINT = ("Type a weight or a title straight into the table: Tab moves to the next cell you can "
        "change and saves what you typed, Enter saves it, Esc abandons it; Ctrl+Z undoes.")


class ModelStatus(QWidget):
    """The summary line and, under it, the banners (sealed, changed outside, the weights and the
    social value policy) in a place of their own: it keeps the height the longest warnings
    need at this width, so typing a weight that brings a warning or takes one away never moves
    the table under the mouse. With nothing to say it holds a hint on typing in the table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.summary = note("")
        self.summary.setWordWrap(False)  # one line, whatever the figures: nothing moves
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.summary)
        self.slot = QWidget()
        self._slot_layout = QVBoxLayout(self.slot)
        self._slot_layout.setContentsMargins(0, 0, 0, 0)
        self._slot_layout.setSpacing(4)
        self.hint = note(HINT)
        self._slot_layout.addWidget(self.hint)
        self.seal_banner = self._banner("banner_info")
        self.seal_broken = self._banner("banner_error")
        self.policy_banner = self._banner("banner_warning")
        self._slot_layout.addStretch(1)
        layout.addWidget(self.slot)
        self._longest = ""  # the most the policy banner can say about the lot shown

    def _banner(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setVisible(False)
        self._slot_layout.addWidget(label)
        return label

    def show_state(self, data: TenderData, lot: Lot | None, state: SealState,
                   shared: bool, editable: bool) -> None:
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
        self.summary.setToolTip(self.summary.text())
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
        self.hint.setVisible(editable and state.intact and not warnings)
        minimum = data.tender.social_value_minimum_weight
        self._longest = "\n".join([_top_warning(lot.id, Decimal("888.88")),
                                   _policy_warning(lot.id, Decimal("88.88"), minimum)]
                                  ) if lot is not None else ""
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """The place's height: what it shows now, and never less than the longest warnings
        need at this width."""
        width = self.slot.width()
        if width <= 0:
            return
        shown = [label for label in (self.hint, self.seal_banner, self.seal_broken,
                                     self.policy_banner) if not label.isHidden()]
        needed = sum(label.heightForWidth(width) for label in shown) + 4 * max(
            len(shown) - 1, 0)
        longest = 0
        if self._longest:
            now = self.policy_banner.text()
            self.policy_banner.setText(self._longest)
            longest = self.policy_banner.heightForWidth(width)
            self.policy_banner.setText(now)
        self.slot.setFixedHeight(max(needed, longest))


def _top_warning(lot_id: str, top: Decimal) -> str:
    return (f"The top-level weights of lot {lot_id} add up to {dec_str(top)}%, not 100%: "
            "select a top-level criterion and press Normalise, or change a weight.")


def _policy_warning(lot_id: str, carried: Decimal, minimum: Decimal) -> str:
    return (f"Social value carries {carried.quantize(CENT)}% of lot {lot_id}, below the "
            f"policy minimum of {dec_str(minimum)}%.")


def _warnings(data: TenderData, lot: Lot | None) -> list[str]:
    """The top level not adding up (it has no row of its own to mark) and the social value
    policy, said where the lead is looking."""
    if lot is None or not lot.criteria:
        return []
    warnings = []
    top = sibling_sum(lot.criteria)
    if top != 100:
        warnings.append(_top_warning(lot.id, top))
    carried = social_value_percent(lot)
    minimum = data.tender.social_value_minimum_weight
    if carried < minimum:
        warnings.append(_policy_warning(lot.id, carried, minimum))
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
