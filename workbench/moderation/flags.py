"""What a moderation meeting walks through: each bidder × scored question, its marks and flags.

An *item* is one bidder (not withdrawn) on one scored criterion of a lot. It carries every
evaluator's submitted mark with its full rationale, the spread (highest − lowest), the mean and
the median for reference, and whether it is flagged for discussion:

- the **spread** reaches the tender's threshold (`spread_threshold`, in scale points, or in
  percent of the scale's range when `spread_threshold_unit` is "percent"); 2 points on a 0–5
  scale by default;
- one evaluator is an **outlier**: with three or more marks, a mark at least the threshold away
  from the median of the others while those others sit within the threshold of each other.
  An outlier therefore always reaches the spread threshold too; naming who stands apart lets the
  chair invite that evaluator to speak first.

Everything here is pure: the caller passes the tender data, the rules and the parked items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from workbench.domain import (
    Bidder,
    Criterion,
    Lot,
    ModeratedScore,
    Parked,
    Scale,
    SpreadUnit,
    Tender,
    TenderData,
)
from workbench.numbers import dec_str
from workbench.scoring.formulas import exact, mean

#: Ways to walk the items: question by question, bidder by bidder, biggest disagreement first.
ORDERS = ("criterion", "bidder", "disagreement")
#: Which items to show: all, flagged for discussion, not agreed yet (parked included), parked.
SHOWS = ("all", "flagged", "open", "parked")

Key = tuple[str, str]  # (bidder id, criterion id)


@dataclass(frozen=True)
class Rules:
    """The tender's moderation settings, kept on the tender row."""

    spread_threshold: Decimal = Decimal(2)
    spread_unit: SpreadUnit = "points"
    rationale_min_length: int = 20
    blind_scoring: bool = False

    def threshold(self, scale: Scale | None) -> Decimal:
        """The spread, in scale points, at which an item on `scale` is flagged."""
        if self.spread_unit == "percent" and scale is not None:
            return self.spread_threshold * (scale.highest - scale.lowest) / 100
        return self.spread_threshold

    def describe(self) -> str:
        """ "2 points" or "40% of the scale" — how the rule reads to a person."""
        amount = dec_str(self.spread_threshold)
        if self.spread_unit == "percent":
            return f"{amount}% of the scale"
        return f"{amount} point" + ("" if self.spread_threshold == 1 else "s")


def threshold_problem(threshold: Decimal, unit: str) -> str | None:
    """Why a spread threshold cannot flag anything sensible, or None when it can."""
    if threshold <= 0 or (unit == "percent" and threshold > 100):
        return "the flag threshold must be more than 0" + (
            " and at most 100%" if unit == "percent" else "")
    return None


def rules_of(tender: Tender) -> Rules:
    """The rules the tender sets for moderation and its panel."""
    return Rules(
        spread_threshold=tender.moderation.spread_threshold,
        spread_unit=tender.moderation.spread_unit,
        rationale_min_length=tender.panel.rationale_min_length,
        blind_scoring=tender.panel.blind_scoring,
    )


@dataclass(frozen=True)
class Mark:
    """One evaluator's submitted score on an item, with their rationale."""

    evaluator: str
    score: Decimal
    rationale: str
    #: Set when the lead changed the evaluator's submitted mark: who, and why.
    entered_by: str = ""
    override_reason: str = ""


@dataclass(frozen=True)
class Item:
    """One bidder on one scored criterion, as the meeting sees it.

    `spread`, `mean` and `median` are None when nobody has submitted a mark. `threshold` is the
    spread (in scale points) that flags this item. `order` is (criterion position, bidder
    position) in the lot, the natural walking order.
    """

    bidder: Bidder
    criterion: Criterion
    scale: Scale | None
    marks: tuple[Mark, ...]
    drafts: int
    spread: Decimal | None
    mean: Decimal | None
    median: Decimal | None
    threshold: Decimal
    outlier: str | None
    agreed: ModeratedScore | None
    parked: Parked | None
    order: tuple[int, int]
    #: Evaluators assigned to the question who take no part on this bidder (a conflict).
    recused: tuple[str, ...] = ()

    @property
    def key(self) -> Key:
        """(bidder id, criterion id): the item's name in the file."""
        return (self.bidder.id, self.criterion.id)

    @property
    def spread_flag(self) -> bool:
        """True when the marks are at least the threshold apart."""
        return self.spread is not None and self.threshold > 0 and self.spread >= self.threshold

    @property
    def flagged(self) -> bool:
        """True when the item should be discussed: a wide spread or an outlier."""
        return self.spread_flag or self.outlier is not None

    @property
    def state(self) -> str:
        """ "agreed", "parked" or "open" (still to agree)."""
        if self.agreed is not None:
            return "agreed"
        return "parked" if self.parked is not None else "open"

    @property
    def median_on_scale(self) -> Decimal | None:
        """The median when it is a score the scale allows (an even panel may fall between)."""
        if self.median is None or (self.scale is not None and not self.scale.allows(self.median)):
            return None
        return self.median


def median(values: Iterable[Decimal]) -> Decimal:
    """The middle mark; with an even count, halfway between the two middle marks."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def outlier(marks: tuple[Mark, ...], threshold: Decimal) -> str | None:
    """The evaluator whose mark stands apart from an otherwise close panel (see module doc)."""
    if len(marks) < 3 or threshold <= 0:
        return None
    for mark in marks:
        others = [m.score for m in marks if m is not mark]
        close = max(others) - min(others) < threshold
        if close and abs(mark.score - median(others)) >= threshold:
            return mark.evaluator
    return None


def lot_items(data: TenderData, lot: Lot, rules: Rules,
              parked: Mapping[Key, Parked] | None = None) -> list[Item]:
    """Every item of the lot, question by question then bidder by bidder.

    Marks are the evaluators' *submitted* scores, in panel order; drafts are only counted.
    An evaluator with a declared conflict with the bidder takes no part: their marks are left
    out and they are listed as `recused`. Withdrawn bidders have nothing to moderate.
    """
    parked = parked or {}
    panel = {e.id: i for i, e in enumerate(data.evaluators)}
    marks: dict[Key, list[Mark]] = {}
    drafts: dict[Key, int] = {}
    for s in lot.scores:
        key = (s.bidder, s.criterion)
        if lot.recused(s.evaluator, s.bidder):
            continue
        if s.status == "submitted":
            marks.setdefault(key, []).append(Mark(s.evaluator, s.score, s.rationale,
                                                  s.entered_by, s.override_reason))
        else:
            drafts[key] = drafts.get(key, 0) + 1
    agreed = {(m.bidder, m.criterion): m for m in lot.moderated}
    items = []
    scored = [c for c in lot.all_criteria() if c.kind == "scored"]
    bidders = [b for b in lot.bidders if not b.withdrawn]
    with exact():
        for ci, criterion in enumerate(scored):
            scale = data.scale(criterion.scale)
            threshold = rules.threshold(scale)
            for bi, bidder in enumerate(bidders):
                key = (bidder.id, criterion.id)
                found = tuple(sorted(marks.get(key, []),
                                     key=lambda m: (panel.get(m.evaluator, len(panel)),
                                                    m.evaluator)))
                scores = [m.score for m in found]
                items.append(Item(
                    bidder=bidder, criterion=criterion, scale=scale, marks=found,
                    drafts=drafts.get(key, 0),
                    spread=max(scores) - min(scores) if scores else None,
                    mean=mean(scores) if scores else None,
                    median=median(scores) if scores else None,
                    threshold=threshold, outlier=outlier(found, threshold),
                    agreed=agreed.get(key), parked=parked.get(key), order=(ci, bi),
                    recused=tuple(lot.recused_from(bidder.id, criterion.id))))
    return items


def arrange(items: Iterable[Item], order: str = "criterion", show: str = "all",
            criterion: str | None = None) -> list[Item]:
    """The items to walk: one criterion or all, filtered by `show`, sorted by `order`."""
    if order not in ORDERS:
        raise ValueError(f"unknown order '{order}'")
    if show not in SHOWS:
        raise ValueError(f"unknown filter '{show}'")
    chosen = [
        item for item in items
        if (criterion is None or item.criterion.id == criterion)
        and _shown(item, show)
    ]
    if order == "bidder":
        chosen.sort(key=lambda item: (item.order[1], item.order[0]))
    elif order == "disagreement":
        # Largest spread first; an item nobody has marked yet goes last.
        chosen.sort(key=lambda item: (item.spread is None, -(item.spread or 0),
                                      item.outlier is None, item.order))
    else:
        chosen.sort(key=lambda item: item.order)
    return chosen


def _shown(item: Item, show: str) -> bool:
    if show == "flagged":
        return item.flagged
    if show == "open":  # parked items are still to agree
        return item.agreed is None
    if show == "parked":
        return item.state == "parked"
    return True


def flag_text(item: Item, name_of: Callable[[str], str]) -> list[str]:
    """Why the item is flagged, in sentences; `name_of` names an evaluator (or hides them)."""
    reasons = []
    if item.spread_flag:
        assert item.spread is not None
        reasons.append(f"marks are {dec_str(item.spread)} apart (flagged at "
                       f"{dec_str(item.threshold)})")
    if item.outlier is not None:
        reasons.append(f"{name_of(item.outlier)} stands apart from the others")
    return reasons
