"""One lot's cells: the score used per bidder × criterion, who is excluded, and each cell's points.

`results.compute_lot` builds a `Cells` and asks it for each bidder's row; this module holds the
rules of DESIGN.md "Scoring — the formulas" cell by cell, and `formulas` holds the arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, DecimalTuple
from functools import cached_property, partial
from typing import NamedTuple

from workbench.domain import Bidder, Criterion, Lot, LowBidReview, Rounding, TenderData
from workbench.numbers import dec_str, fmt_money, fmt_points, round_to
from workbench.scoring import formulas, working
from workbench.scoring.formulas import (
    AWARD_METHODS,
    DIRECTIONS,
    NORMALISATIONS,
    PRICE_FORMULAS,
    ZERO,
)
from workbench.scoring.weights import points_available, threshold_points


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
    marks: tuple[Decimal, ...]


class Divides(NamedTuple):
    """What a scored criterion's points are worked out with, the same for every bidder:
    W, and the divisor (the top of the scale, or the best score) named `against`."""

    available: Decimal
    divisor: Decimal
    against: str


#: A gateway cell's working, by its result (anything else: not assessed).
GATEWAY_SAID = {"pass": working.GATEWAY_PASS, "fail": working.GATEWAY_FAIL}


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
        # Only cells without an agreed score look at the marks: once a lot is moderated, its
        # tens of thousands of individual scores need not be read at all.
        pending = {(b.id, c.id) for b in lot.bidders for c in self.scored} - moderated.keys()
        marks: dict[tuple[str, str], list[Decimal]] = {}
        for s in lot.scores if pending else ():
            key = (s.bidder, s.criterion)
            # Drafts are work in progress: only submitted scores count, and only until moderated;
            # a mark on a bidder the evaluator declared a conflict with never counts.
            if key in pending and s.status == "submitted" \
                    and not lot.recused(s.evaluator, s.bidder):
                marks.setdefault(key, []).append(s.score)
        self.gateway = {(g.bidder, g.criterion): g.result for g in lot.gateways}
        self.used: dict[tuple[str, str], Used] = {}
        for b in lot.bidders:
            for c in self.scored:
                key = (b.id, c.id)
                if key in moderated:
                    self.used[key] = Used(moderated[key], True, ())
                elif key in marks:
                    self.used[key] = Used(formulas.mean(marks[key]), False, tuple(marks[key]))
                else:
                    self.used[key] = Used(None, False, ())
        self.ceiling = lot.price_ceiling
        self.reviews = {r.bidder: r for r in lot.low_bid_reviews}
        self.exclusions = {b.id: self._exclusions(b) for b in lot.bidders}
        inside = [b for b in lot.bidders if not self.exclusions[b.id]]
        self._context(inside)
        thresholds = [c for c in self.criteria if c.kind == "group" and c.minimum_percent]
        if thresholds:
            # A threshold is judged on the points a bidder earns against the others who passed
            # every other check; whoever falls below it leaves, and the rest are scored again
            # among themselves (a relative formula's lowest or best may move).
            for b in inside:
                self.exclusions[b.id] += self._below_thresholds(b, thresholds)
            inside = [b for b in inside if not self.exclusions[b.id]]
            self._context(inside)
        method = AWARD_METHODS[lot.award_method]
        self.needs_price = method.by_ratio or any(
            c.kind == "price" and PRICE_FORMULAS[c.formula].carries_points
            for c in self.criteria)
        self.low_bids = self._low_bids(lot, inside, data.tender.abnormally_low_percent)
        self._notes = self._provisional_notes(lot)

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
        if self.ceiling is not None and bidder.price is not None and bidder.price > self.ceiling:
            found.append(Exclusion("price_ceiling", (
                f"price {fmt_money(bidder.price, self.currency)} is above the price ceiling "
                f"of {fmt_money(self.ceiling, self.currency)}")))
        review = self._review(bidder)
        if review is not None and review.decision == "exclude":
            found.append(Exclusion("abnormally_low",
                                   f"abnormally low tender excluded: {review.reason}"))
        return found

    def _review(self, bidder: Bidder) -> LowBidReview | None:
        """The recorded decision on this bidder's bid as it now stands (a decision on an
        earlier price no longer answers the flag)."""
        review = self.reviews.get(bidder.id)
        return review if review is not None and review.price == bidder.price else None

    def _below_thresholds(self, bidder: Bidder, groups: list[Criterion]) -> list[Exclusion]:
        """A group's `minimum_percent`: points below that share of the group's W exclude."""
        cells = self.bidder_cells(bidder, False)
        found = []
        for g in groups:
            assert g.minimum_percent is not None
            cell = cells[g.id]
            available = self.available.get(g.id, ZERO)
            needed = threshold_points(g, available)
            points = cell.points or ZERO
            if points < needed:
                r = self.rounding
                found.append(Exclusion(g.id, (
                    f"{g.id} {g.title}: {fmt_points(points, r)} points are below the quality "
                    f"threshold of {dec_str(g.minimum_percent)}% ({fmt_points(needed, r)} of "
                    f"{fmt_points(available, r)} points)")
                    + (" (provisional)" if cell.provisional else ""), final=not cell.provisional))
        return found

    def _low_bids(self, lot: Lot, inside: list[Bidder], percent: Decimal) -> dict[str, bool]:
        """Which bids are abnormally low: £0, or more than `percent` below the mean of the other
        bids still in the competition. A bidder excluded after review stays flagged."""
        priced = [b for b in inside if b.price is not None]
        total = sum((b.price for b in priced if b.price is not None), ZERO)
        flags: dict[str, bool] = {}
        for b in lot.bidders:
            review = self._review(b)
            if b.price is None or b not in inside:
                flags[b.id] = review is not None and review.decision == "exclude"
                continue
            others = len(priced) - 1
            low = b.price == 0 or (others > 0 and b.price * others * 100
                                   < (total - b.price) * (100 - percent))
            flags[b.id] = low
        return flags

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
        for b in lot.bidders:
            if any(e.final for e in self.exclusions[b.id]):
                continue
            if self.needs_price and b.price is None:
                notes.append(f"no price entered for {b.name}")
            elif self.low_bids.get(b.id) and self._review(b) is None:
                notes.append(f"abnormally low tender from {b.name} awaits a recorded decision")
        return notes

    def notes(self) -> list[str]:
        """Why the lot is provisional; empty when the results are final."""
        return list(self._notes)

    # -- context over the bidders still in the competition --------------------------------

    def _context(self, inside: list[Bidder]) -> None:
        # Worked out once per criterion here rather than once per bidder in `_points`.
        self.divides: dict[str, Divides] = {}
        self._agreed: dict[tuple[str, DecimalTuple, bool], CriterionResult] = {}
        for c in self.scored:
            how = NORMALISATIONS[c.normalise]
            divisor = self.scale_max[c.id]
            if how.relative:  # the best score among the bidders still in
                found = [self.used[(b.id, c.id)].score for b in inside]
                divisor = max((s for s in found if s is not None), default=ZERO)
            self.divides[c.id] = Divides(self.available.get(c.id, ZERO), divisor, how.against)
        prices = [b.price for b in inside if b.price is not None and b.price > 0]
        self.lowest_price = min(prices) if prices else None
        self.highest_price = max(prices) if prices else None
        self.extreme: dict[str, Decimal | None] = {}
        for c in self.criteria:
            if c.kind == "quantitative":
                values = [v for b in inside if (v := b.values.get(c.id)) is not None and v > 0]
                self.extreme[c.id] = DIRECTIONS[c.direction].pick(values) if values else None

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
        if c.kind == "scored" and not excluded:
            used = self.used[(bidder.id, c.id)]
            if used.moderated:
                # An agreed score is the whole of its cell: every bidder agreed the same score
                # on `c` shares one cell (a lot has thousands, from a handful of scores each),
                # and its texts are written once. The key is the score exactly as stored.
                assert used.score is not None
                key = (c.id, used.score.as_tuple(), step)
                if key not in self._agreed:
                    self._agreed[key] = self._leaf(c, bidder, False, step)
                return self._agreed[key]
        return self._leaf(c, bidder, excluded, step)

    def _leaf(self, c: Criterion, bidder: Bidder, excluded: bool,
              step: bool) -> CriterionResult:
        if c.kind == "pass_fail":
            result = self.gateway.get((bidder.id, c.id))
            text = GATEWAY_SAID.get(result or "", working.GATEWAY_MISSING)
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
        r = self.rounding
        if c.kind == "scored":
            used = self.used[(b.id, c.id)]
            if used.score is None:
                return None, True, ZERO, partial(str, working.NOT_SCORED)
            source = "moderated" if used.moderated else "mean"
            w, divisor, against = self.divides[c.id]
            # score × W / divisor, whichever the divisor: see formulas.scored_to_scale
            points = formulas.scored_to_scale(used.score, divisor, w)
            return used.score, not used.moderated, points, partial(
                working.scored, source, used.marks, used.score, against, divisor, w, points, r)
        w = self.available.get(c.id, ZERO)
        if c.kind == "price":
            return self._price(c, b.price, w)
        value = b.values.get(c.id)
        extreme = self.extreme.get(c.id)
        if value is None:
            return None, False, ZERO, partial(str, working.NO_VALUE)
        if value <= 0 or extreme is None:
            return value, False, ZERO, partial(working.not_positive, "value", value)
        points = DIRECTIONS[c.direction].points(value, extreme, w)
        return value, False, points, partial(working.quantity, c.direction, value, extreme, w,
                                             points, r, c.unit)

    def _price(self, c: Criterion, bid: Decimal | None,
               w: Decimal) -> tuple[Decimal | None, bool, Decimal, Callable[[], str]]:
        formula = PRICE_FORMULAS[c.formula]
        if not formula.carries_points:
            return bid, False, ZERO, partial(str, working.FIXED_PRICE)
        if bid is None:
            return None, True, ZERO, partial(str, working.NO_PRICE)
        low, high = self.lowest_price, self.highest_price
        if bid <= 0 or low is None or high is None:
            return bid, False, ZERO, partial(working.not_positive, "price", bid, self.currency)
        points = formula.points(low, bid, high, w)
        return bid, False, points, partial(formula.working, low, bid, high, w, points,
                                           self.rounding, self.currency)
