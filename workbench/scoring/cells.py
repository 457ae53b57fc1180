"""One lot's cells: the score used per bidder × criterion, who is excluded, and each cell's points.

`results.compute_lot` builds a `Cells` and asks it for each bidder's row; this module holds the
rules of DESIGN.md "Scoring — the formulas" cell by cell, and `formulas` holds the arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, partial
from typing import NamedTuple

from workbench.domain import Bidder, Criterion, Lot, Rounding, TenderData
from workbench.numbers import dec_str, fmt_money, fmt_points, round_to
from workbench.scoring import formulas, working
from workbench.scoring.formulas import ZERO
from workbench.scoring.weights import points_available


@dataclass(frozen=True)
class CriterionResult:
    """One bidder × criterion cell (`kind` is the criterion's kind).

    `score` is the score used (moderated, or the mean of submitted scores), the bid price for
    price, the value for quantitative criteria, None for groups and gateways. `points` is
    exact under rounding stage `final` and already rounded under `each_step` (it is the figure
    added into the total either way); None for gateways and for excluded bidders.
    `provisional` is True when the cell does not rest on a moderated score or a recorded
    gateway result. `result` is a gateway's result ("pass", "fail", or None: not assessed).

    The texts (`working`, `points_text`, `score_text`) are written when first read: a large
    lot has thousands of cells and a screen shows a few dozen, so making every sentence up
    front would double the time a weight edit takes to show.
    """

    criterion: str
    kind: str
    score: Decimal | None
    points: Decimal | None
    provisional: bool
    result: str | None = None
    rounding: Rounding = field(default=Rounding(), repr=False, compare=False)
    explain: Callable[[], str] = field(default=str, repr=False, compare=False)

    @cached_property
    def working(self) -> str:
        """One line saying how the points were worked out (see `working`)."""
        return self.explain()

    @cached_property
    def points_text(self) -> str | None:
        return None if self.points is None else fmt_points(self.points, self.rounding)

    @cached_property
    def score_text(self) -> str | None:
        return None if self.score is None else working.score_text(self.score, self.rounding)


class Used(NamedTuple):
    """The score used for a cell: moderated, or the mean of `marks`, or None (not scored)."""

    score: Decimal | None
    moderated: bool
    marks: list[Decimal]


@dataclass(frozen=True)
class Exclusion:
    """Why a bidder is out. `final` unless it rests on a provisional (mean) score."""

    criterion: str
    reason: str
    final: bool = True


class Cells:
    """The scoring context of one lot, worked out once and shared by every bidder's row."""

    def __init__(self, data: TenderData, lot: Lot) -> None:
        self.rounding = data.tender.rounding
        self.currency = data.tender.currency
        self.available = points_available(lot, data.tender.total_points)
        self.criteria = list(lot.all_criteria())
        self.scored = [c for c in self.criteria if c.kind == "scored"]
        self.gates = [c for c in self.criteria if c.kind == "pass_fail"]
        self.minimums = [c for c in self.scored if c.minimum is not None]
        self.scale_max: dict[str, Decimal] = {}
        for c in self.scored:
            scale = data.scale(c.scale)
            self.scale_max[c.id] = scale.highest if scale else ZERO
        moderated = {(m.bidder, m.criterion): m.score for m in lot.moderated}
        marks: dict[tuple[str, str], list[Decimal]] = {}
        for s in lot.scores:
            key = (s.bidder, s.criterion)
            # Drafts are work in progress: only submitted scores count, and only until moderated;
            # a mark on a bidder the evaluator declared a conflict with never counts.
            if s.status == "submitted" and key not in moderated \
                    and not lot.recused(s.evaluator, s.bidder):
                marks.setdefault(key, []).append(s.score)
        self.gateway = {(g.bidder, g.criterion): g.result for g in lot.gateways}
        self.used: dict[tuple[str, str], Used] = {}
        for b in lot.bidders:
            for c in self.scored:
                key = (b.id, c.id)
                if key in moderated:
                    self.used[key] = Used(moderated[key], True, [])
                elif key in marks:
                    self.used[key] = Used(formulas.mean(marks[key]), False, marks[key])
                else:
                    self.used[key] = Used(None, False, [])
        self.exclusions = {b.id: self._exclusions(b) for b in lot.bidders}
        self._notes = self._provisional_notes(lot)
        inside = [b for b in lot.bidders if not self.exclusions[b.id]]
        self._context(inside)

    # -- exclusions and provisional state ------------------------------------------------

    def _exclusions(self, bidder: Bidder) -> list[Exclusion]:
        found = []
        if bidder.withdrawn:
            why = bidder.withdrawn_reason.strip()
            found.append(Exclusion("withdrawn", f"withdrawn: {why}" if why else "withdrawn"))
        for g in self.gates:
            if self.gateway.get((bidder.id, g.id)) == "fail":
                found.append(Exclusion(g.id, f"{g.id} {g.title}: failed gateway"))
        for c in self.minimums:
            used = self.used[(bidder.id, c.id)]
            assert c.minimum is not None
            if used.score is not None and used.score < c.minimum:
                which = "moderated score" if used.moderated else "mean score"
                shown = working.score_text(used.score, self.rounding)
                found.append(Exclusion(
                    c.id, f"{c.id} {c.title}: {which} {shown} is below the minimum of "
                          f"{dec_str(c.minimum)}" + ("" if used.moderated else " (provisional)"),
                    final=used.moderated))
        return found

    def _provisional_notes(self, lot: Lot) -> list[str]:
        unmoderated = unscored = unassessed = 0
        for b in lot.bidders:
            if any(e.final for e in self.exclusions[b.id]):
                continue  # out whatever its other scores are: cannot change the outcome
            for c in self.scored:
                used = self.used[(b.id, c.id)]
                if used.score is None:
                    unscored += 1
                elif not used.moderated:
                    unmoderated += 1
            unassessed += sum((b.id, g.id) not in self.gateway for g in self.gates)
        notes = []
        for count, one, many in (
                (unmoderated, "score not yet moderated", "scores not yet moderated"),
                (unscored, "score not yet given", "scores not yet given"),
                (unassessed, "gateway result not yet recorded",
                 "gateway results not yet recorded")):
            if count:
                notes.append(f"{count} {one if count == 1 else many}")
        return notes

    def notes(self) -> list[str]:
        """Why the lot is provisional; empty when the results are final."""
        return list(self._notes)

    # -- context over the bidders still in the competition --------------------------------

    def _context(self, inside: list[Bidder]) -> None:
        self.best: dict[str, Decimal] = {}
        for c in self.scored:
            if c.normalise == "best":
                found = [self.used[(b.id, c.id)].score for b in inside]
                self.best[c.id] = max((s for s in found if s is not None), default=ZERO)
        prices = [b.price for b in inside if b.price is not None and b.price > 0]
        self.lowest_price = min(prices) if prices else None
        self.extreme: dict[str, Decimal | None] = {}
        for c in self.criteria:
            if c.kind == "quantitative":
                values = [v for b in inside if (v := b.values.get(c.id)) is not None and v > 0]
                pick = max if c.direction == "higher_is_better" else min
                self.extreme[c.id] = pick(values) if values else None

    # -- cells ---------------------------------------------------------------------------

    def bidder_cells(self, bidder: Bidder, step: bool) -> dict[str, CriterionResult]:
        """Every criterion's cell for `bidder`, in model order; groups sum their children."""
        out: dict[str, CriterionResult] = {}
        excluded = bool(self.exclusions[bidder.id])
        for c in self.criteria:
            if c.kind != "group":
                out[c.id] = self.leaf(c, bidder, excluded, step)
        for c in reversed(self.criteria):  # children before parents
            if c.kind == "group":
                out[c.id] = self._group(c, out, excluded)
        return {c.id: out[c.id] for c in self.criteria}

    def _group(self, c: Criterion, out: dict[str, CriterionResult],
               excluded: bool) -> CriterionResult:
        parts = [child.id for child in c.children if child.kind != "pass_fail"]
        provisional = any(out[child.id].provisional for child in c.children)
        if excluded:
            return CriterionResult(c.id, c.kind, None, None, provisional, None, self.rounding,
                                   partial(working.excluded, ""))
        points = sum((out[p].points or ZERO for p in parts), ZERO)
        return CriterionResult(c.id, c.kind, None, points, provisional, None, self.rounding,
                               partial(working.group, parts, points, self.rounding))

    def leaf(self, c: Criterion, bidder: Bidder, excluded: bool,
             step: bool) -> CriterionResult:
        """One leaf cell. Under `step` (rounding stage each_step) its points come rounded."""
        if c.kind == "pass_fail":
            result = self.gateway.get((bidder.id, c.id))
            said = {"pass": working.GATEWAY_PASS, "fail": working.GATEWAY_FAIL}
            text = said.get(result or "", working.GATEWAY_MISSING)
            return CriterionResult(c.id, c.kind, None, None, result is None, result,
                                   self.rounding, partial(str, text))
        score, provisional, points, explain = self._points(c, bidder)
        if excluded:
            return CriterionResult(c.id, c.kind, score, None, provisional, None, self.rounding,
                                   partial(self._excluded_text, c, bidder, score))
        if step:
            points = round_to(points, self.rounding)
        return CriterionResult(c.id, c.kind, score, points, provisional, None, self.rounding,
                               explain)

    def _excluded_text(self, c: Criterion, bidder: Bidder, score: Decimal | None) -> str:
        """What an excluded bidder offered on `c`, and that it earns nothing."""
        if score is None:
            return working.excluded("")
        if c.kind == "price":
            return working.excluded(f"bid {fmt_money(score, self.currency)}")
        if c.kind == "quantitative":
            unit = f" {c.unit}" if c.unit else ""
            return working.excluded(f"value {working.number(score)}{unit}")
        used = self.used[(bidder.id, c.id)]
        how = "moderated" if used.moderated else "mean"
        return working.excluded(f"{how} {working.score_text(score, self.rounding)}")

    def _points(self, c: Criterion,
                b: Bidder) -> tuple[Decimal | None, bool, Decimal, Callable[[], str]]:
        """(score used, provisional, exact points, working) for a scored/price/quantity leaf."""
        w = self.available.get(c.id, ZERO)
        r = self.rounding
        if c.kind == "scored":
            used = self.used[(b.id, c.id)]
            if used.score is None:
                return None, True, ZERO, partial(str, working.NOT_SCORED)
            source = "moderated" if used.moderated else "mean"
            if c.normalise == "best":
                best = self.best.get(c.id, ZERO)
                points = formulas.scored_to_best(used.score, best, w)
                return used.score, not used.moderated, points, partial(
                    working.scored, source, used.marks, used.score, "best", best, w, points, r)
            top = self.scale_max[c.id]
            points = formulas.scored_to_scale(used.score, top, w)
            return used.score, not used.moderated, points, partial(
                working.scored, source, used.marks, used.score, "scale max", top, w, points, r)
        if c.kind == "price":
            return self._price(c, b.price, w)
        value = b.values.get(c.id)
        extreme = self.extreme.get(c.id)
        if value is None:
            return None, False, ZERO, partial(str, working.NO_VALUE)
        if value <= 0 or extreme is None:
            return value, False, ZERO, partial(working.not_positive, "value", value)
        if c.direction == "higher_is_better":
            points = formulas.quantity_higher_is_better(value, extreme, w)
        else:
            points = formulas.quantity_lower_is_better(extreme, value, w)
        return value, False, points, partial(working.quantity, c.direction, value, extreme, w,
                                             points, r, c.unit)

    def _price(self, c: Criterion, bid: Decimal | None,
               w: Decimal) -> tuple[Decimal | None, bool, Decimal, Callable[[], str]]:
        if c.formula == "fixed":
            return bid, False, ZERO, partial(str, working.FIXED_PRICE)
        if bid is None:
            return None, False, ZERO, partial(str, working.NO_PRICE)
        if bid <= 0 or self.lowest_price is None:
            return bid, False, ZERO, partial(working.not_positive, "price", bid, self.currency)
        low, r, money = self.lowest_price, self.rounding, self.currency
        if c.formula == "linear_deduction":
            points = formulas.price_linear_deduction(low, bid, w)
            return bid, False, points, partial(working.price_linear_deduction, low, bid, w,
                                               points, r, money)
        points = formulas.price_lowest_over_bid(low, bid, w)
        return bid, False, points, partial(working.price_lowest_over_bid, low, bid, w, points,
                                           r, money)
