"""The smallest single mark change that would change a lot's winner (part of the close call).

A "mark" is what the results rest on for one bidder × scored criterion: the moderated score when
there is one (the individual marks no longer count), else each evaluator's submitted score (the
mean of them is used). A change moves one mark to another value its scale allows. Its size is
the distance moved as a share of the scale's range, so one step on 0–5 (0.2) and one point on
0–60 (0.017) compare fairly; among changes of the same size the first in model order, bidder
order and evaluator order is reported.

Trying every value of every mark with a full recompute would take minutes on a large lot, so
each candidate is first classified:

* simple — only this bidder's points on this criterion move: its new total is the old total
  minus the old points plus the new, and the winner test is monotonic along a direction, so a
  binary search over the values finds the nearest change;
* best — the criterion is normalised to the best score and the best moves: every bidder's
  points on that one criterion are redone;
* exclude — the new score falls below the criterion's minimum: the outcome is the lot without
  this bidder, worked out once per bidder (and only when it could matter);
* rejoin — a bidder excluded only by this criterion's minimum climbs back over it: a full
  recompute (rare).

The change reported is then applied to a copy of the lot and recomputed with `compute_lot`, so
its sentence quotes real results.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from workbench.domain import Criterion, Lot, Scale, TenderData
from workbench.numbers import round_to
from workbench.scoring import formulas, ranking
from workbench.scoring.cells import CriterionResult
from workbench.scoring.formulas import ZERO
from workbench.scoring.results import BidderResult, LotResult, compute_lot


@dataclass(frozen=True)
class Mark:
    """One mark: whose (None for the moderated score), on which cell, and its value."""

    bidder: str
    criterion: str
    evaluator: str | None
    value: Decimal


@dataclass(frozen=True)
class Found:
    """The smallest change found: the mark, its new value, and the results after it."""

    mark: Mark
    new: Decimal
    size: Decimal
    after: LotResult


def scale_values(scale: Scale) -> list[Decimal]:
    """Every value the scale allows, ascending (a range without a step moves in whole units)."""
    if scale.levels:
        return sorted(level.value for level in scale.levels)
    assert scale.min is not None and scale.max is not None
    step = scale.step or Decimal(1)
    values, value = [], scale.min
    while value <= scale.max:
        values.append(value)
        value += step
    return values


def apply(lot: Lot, mark: Mark, new: Decimal) -> Lot:
    """A copy of `lot` with one mark changed (the original lot is not touched)."""
    if mark.evaluator is None:
        return replace(lot, moderated=[
            replace(m, score=new) if (m.bidder, m.criterion) == (mark.bidder, mark.criterion)
            else m for m in lot.moderated])
    key = (mark.evaluator, mark.bidder, mark.criterion)
    return replace(lot, scores=[replace(s, score=new) if (s.evaluator, s.bidder, s.criterion)
                                == key else s for s in lot.scores])


class MarkSearch:
    """Search one lot's marks for the smallest change of winner (see the module docstring)."""

    def __init__(self, data: TenderData, lot: Lot, result: LotResult) -> None:
        self.data, self.lot, self.result = data, lot, result
        self.rounding = data.tender.rounding
        self.step = self.rounding.stage == "each_step"
        self.ranked = {b.bidder.id: b for b in result.ranked}
        self.shown = {i: round_to(b.total or ZERO, self.rounding) for i, b in self.ranked.items()}
        self.before = ranking.winners(self.shown)
        self._without: dict[str, frozenset[str]] = {}
        self._best_cache: dict[str, tuple[Decimal, int]] = {}
        self._scale_max = {c.id: sc.highest if (sc := data.scale(c.scale)) else ZERO
                           for c in lot.all_criteria() if c.kind == "scored"}
        moderated = {(m.bidder, m.criterion) for m in lot.moderated}
        self.marks: dict[tuple[str, str], list[Mark]] = {}
        for m in lot.moderated:
            self.marks[(m.bidder, m.criterion)] = [Mark(m.bidder, m.criterion, None, m.score)]
        for s in lot.scores:
            if s.status == "submitted" and (s.bidder, s.criterion) not in moderated:
                self.marks.setdefault((s.bidder, s.criterion), []).append(
                    Mark(s.bidder, s.criterion, s.evaluator, s.score))

    def run(self) -> Found | None:
        """The smallest mark change that changes the winner, or None if no single mark can."""
        with formulas.exact():  # the same digits as compute_lot, so both agree to the last
            return self._run()

    def _run(self) -> Found | None:
        best: tuple[Decimal, Mark, Decimal] | None = None
        for c in self.lot.all_criteria():
            scale = self.data.scale(c.scale) if c.kind == "scored" else None
            if scale is None or scale.highest <= scale.lowest:
                continue
            values, span = scale_values(scale), scale.highest - scale.lowest
            for b in self.lot.bidders:
                row = self.result.bidder(b.id)
                if row is None or (row.excluded and row.excluded_by != [c.id]):
                    continue  # out for another reason, whatever this mark is
                marks = self.marks.get((b.id, c.id), [])
                for mark in marks:
                    for direction in (1, -1):
                        limit = None if best is None else best[0] * span
                        hit = self._nearest(c, row, mark, marks, values, direction, limit)
                        if hit is not None:
                            best = (abs(hit - mark.value) / span, mark, hit)
        if best is None:
            return None
        size, mark, new = best
        return Found(mark, new, size, compute_lot(self.data, apply(self.lot, mark, new)))

    def _nearest(self, c: Criterion, row: BidderResult, mark: Mark, marks: list[Mark],
                 values: list[Decimal], direction: int,
                 limit: Decimal | None) -> Decimal | None:
        """The nearest value in `direction` (closer than `limit`) that changes the winner."""
        if c.minimum is None and c.normalise == "max" and not self._may_help(row, direction):
            return None  # only simple moves are possible here, and they all point the wrong way
        ahead = [v for v in values if (v - mark.value) * direction > 0]
        ahead.sort(key=lambda v: abs(v - mark.value))
        if limit is not None:
            ahead = [v for v in ahead if abs(v - mark.value) < limit]
        if not ahead:
            return None
        used = [self._used(mark, marks, v) for v in ahead]
        kinds = [self._kind(c, row, u) for u in used]
        simple = 0
        while simple < len(kinds) and kinds[simple] == "simple":
            simple += 1
        if simple and self._changes(c, row, used[simple - 1], "simple"):
            low, high = 0, simple - 1  # the simple test is monotonic: bisect for the nearest
            while low < high:
                middle = (low + high) // 2
                if self._changes(c, row, used[middle], "simple"):
                    high = middle
                else:
                    low = middle + 1
            return ahead[low]
        for index in range(simple, len(ahead)):
            if kinds[index] == "simple" and self._changes(c, row, used[index], "simple"):
                return ahead[index]
            if kinds[index] == "rejoin":
                changed = compute_lot(self.data, apply(self.lot, mark, ahead[index]))
                if frozenset(b.bidder.id for b in changed.winners) != self.before:
                    return ahead[index]
            elif kinds[index] != "simple" and self._changes(c, row, used[index], kinds[index]):
                return ahead[index]
        return None

    def _may_help(self, row: BidderResult, direction: int) -> bool:
        """Whether moving only `row`'s own points this way could change first place: up for a
        bidder behind, down for the sole leader, either way for one of several tied leaders."""
        if row.bidder.id not in self.before:
            return direction > 0
        return direction < 0 or len(self.before) > 1

    @staticmethod
    def _used(mark: Mark, marks: list[Mark], new: Decimal) -> Decimal:
        """The score used after the change: the new moderated score, or the new mean."""
        if mark.evaluator is None:
            return new
        return (sum((m.value for m in marks), ZERO) - mark.value + new) / len(marks)

    def _kind(self, c: Criterion, row: BidderResult, used: Decimal) -> str:
        below = c.minimum is not None and used < c.minimum
        if row.excluded:  # excluded by this criterion's minimum alone
            return "still_out" if below else "rejoin"
        if below:
            return "exclude"
        if c.normalise == "best":
            best, holders = self._best(c)
            old = row.criteria[c.id].score
            if used > best or (old == best and holders == 1 and used < best):
                return "best"
        return "simple"

    def _best(self, c: Criterion) -> tuple[Decimal, int]:
        """The best score on `c` among ranked bidders, and how many bidders hold it."""
        if c.id not in self._best_cache:
            scores = [s for b in self.ranked.values()
                      if (s := b.criteria[c.id].score) is not None]
            best = max(scores, default=ZERO)
            self._best_cache[c.id] = (best, scores.count(best))
        return self._best_cache[c.id]

    def _changes(self, c: Criterion, row: BidderResult, used: Decimal, kind: str) -> bool:
        """Whether the winner changes when `row`'s score used on `c` becomes `used`."""
        if kind == "still_out":
            return False
        if kind == "exclude":
            return self._winners_without(row.bidder.id) != self.before
        shown = dict(self.shown)
        if kind == "simple":
            shown[row.bidder.id] = self._moved(row, c, used, None)
        else:  # the best score moves: every bidder's points on `c` are redone
            others = [s for i, b in self.ranked.items() if i != row.bidder.id
                      and (s := b.criteria[c.id].score) is not None]
            best = max([used, *others])
            for i, b in self.ranked.items():
                shown[i] = self._moved(b, c, used if i == row.bidder.id else None, best)
        return ranking.winners(shown) != self.before

    def _moved(self, row: BidderResult, c: Criterion, used: Decimal | None,
               best: Decimal | None) -> Decimal:
        """`row`'s shown total with its points on `c` redone for score `used` / best `best`."""
        cell: CriterionResult = row.criteria[c.id]
        score = cell.score if used is None else used
        if score is None:
            return self.shown[row.bidder.id]
        available = self.result.available.get(c.id, ZERO)
        if c.normalise == "best":
            best = best if best is not None else self._best(c)[0]
            points = formulas.scored_to_best(score, best, available)
        else:
            points = formulas.scored_to_scale(score, self._scale_max[c.id], available)
        if self.step:
            points = round_to(points, self.rounding)
        return round_to((row.total or ZERO) - (cell.points or ZERO) + points, self.rounding)

    def _winners_without(self, bidder: str) -> frozenset[str]:
        """The winners if `bidder` dropped out (cached: one per bidder at most)."""
        if bidder not in self._without:
            if bidder not in self.before and not self._sets_a_benchmark(bidder):
                # Nobody's points depend on it: the others keep their totals and places.
                self._without[bidder] = self.before
            else:
                lot = replace(self.lot, bidders=[replace(b, withdrawn=True) if b.id == bidder
                                                 else b for b in self.lot.bidders])
                after = compute_lot(self.data, lot)
                self._without[bidder] = frozenset(b.bidder.id for b in after.winners)
        return self._without[bidder]

    def _sets_a_benchmark(self, bidder: str) -> bool:
        """Whether `bidder` holds a lowest price, a highest/lowest value or a best score."""
        for c in self.lot.all_criteria():
            if c.kind == "price" or c.kind == "quantitative":
                lowest_wins = c.kind == "price" or c.direction == "lower_is_better"
            elif c.kind == "scored" and c.normalise == "best":
                lowest_wins = False
            else:
                continue
            mine = self.ranked[bidder].criteria[c.id].score
            scores = [s for b in self.ranked.values()
                      if (s := b.criteria[c.id].score) is not None and s > 0]
            if mine is not None and scores and mine == (min(scores) if lowest_wins
                                                        else max(scores)):
                return True
        return False
