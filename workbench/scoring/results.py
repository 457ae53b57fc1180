"""Results of a lot: points per criterion, totals, exclusions and ranks — every number shown.

`compute_lot` is the one place a total is made. The UI, the reports, the exports and the
command line all read a `LotResult`; none of them adds points up on its own.

How a lot is scored, in order:

1. The score used for each bidder × scored criterion is the moderated score if there is one,
   else the mean of the evaluators' *submitted* scores (drafts are ignored) and the cell is
   provisional, else nothing: "not yet scored", 0 points, provisional.
2. A bidder is excluded when withdrawn, when any gateway result is "fail", or when the score
   used on a criterion with a `minimum` is below it. Excluded bidders get no points, no total
   and no rank; `reasons` says why in sentences. A gateway not yet assessed excludes nobody
   but keeps the lot provisional.
3. "Lowest", "highest" and "best" are taken over the bidders still in the competition, then
   each leaf criterion's points come from its formula (see `formulas`).
4. A group's points are the sum of its children's; the total is the sum of the top level.
   Rounding stage `final` keeps every sum exact and rounds only what is shown; `each_step`
   rounds each leaf's points first, then adds the rounded figures. With n leaves the two
   totals are at most n × ½ unit in the last place apart before the final total is rounded,
   and at most (n + 1) × ½ unit apart as shown.
5. Bidders are ranked on their totals as shown (see `ranking.rank`): equal shown totals share
   a rank and are flagged `tied`.

Award method `price_per_quality_point` (Cabinet Office Bid Evaluation Guidance Note, 2021):
the total is the bidder's quality points, the points of every non-price criterion; its ratio is
price / quality points, shown in the tender's rounding, and the lowest ratio ranks first (equal
shown ratios share a rank and are tied). A bidder with no quality points, or no price, has no
ratio and ranks after every bidder that has one.

Exclusions beyond the scores: a lot's `price_ceiling` excludes a bid above it; a group's
`minimum_percent` (a quality threshold) excludes a bidder whose points on the group fall below
that share of the group's W, judged against the bidders who passed every other check; an
abnormally low tender the lead decided to exclude (see `Cells._low_bids`) is out with the
reason recorded.

The lot is provisional unless every bidder still in contention has a moderated score on every
scored criterion and a recorded result on every gateway, a price (when the lot scores price or
ranks by price per quality point) and, when its bid is abnormally low (£0, or more than the
tender's percentage below the mean of the other bids in the competition), a recorded decision.
Bidders out for a recorded reason (withdrawn, a failed gateway, a moderated score below a
minimum) cannot change the outcome, so their unmoderated cells do not hold the lot back.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from workbench import gc_pause
from workbench.domain import Bidder, Lot, Rounding, TenderData
from workbench.numbers import fmt_points, round_to
from workbench.scoring import ranking, working
from workbench.scoring.cells import Cells, CriterionResult
from workbench.scoring.formulas import AWARD_METHODS, ZERO, exact, ratio

__all__ = ["BidderResult", "CriterionResult", "LotResult", "compute", "compute_lot", "to_json"]


@dataclass(frozen=True)
class BidderResult:
    """A bidder's total, place and cells. Excluded bidders have no total and no rank.

    `excluded_by` holds the criterion ids behind the exclusion ("withdrawn" for a withdrawal),
    in the same order as `reasons`, so a screen can point at the cell concerned.
    """

    bidder: Bidder
    total: Decimal | None
    total_text: str | None
    rank: int | None
    tied: bool
    excluded: bool
    reasons: list[str]
    criteria: dict[str, CriterionResult]
    excluded_by: list[str]
    #: Price per quality point (award method `price_per_quality_point`): price / total.
    ratio: Decimal | None = None
    ratio_text: str | None = None
    ratio_working: str = ""
    #: £0, or more than the tender's percentage below the mean of the other bids.
    abnormally_low: bool = False

    @property
    def id(self) -> str:
        return self.bidder.id

    @property
    def name(self) -> str:
        return self.bidder.name


@dataclass(frozen=True)
class LotResult:
    """A lot's results: bidders by rank (excluded last), and why the lot is provisional.

    `top_level` maps each ranked bidder's id to its points per top-level weighted criterion
    (for the stacked bar chart); `available` is W, the points available per criterion.
    """

    lot_id: str
    title: str
    provisional: bool
    bidders: list[BidderResult]
    rounding: Rounding
    top_level: dict[str, dict[str, Decimal]]
    available: dict[str, Decimal]
    notes: list[str]
    award_method: str = "weighted_points"

    @property
    def id(self) -> str:
        return self.lot_id

    def bidder(self, bidder_id: str) -> BidderResult | None:
        """The result of one bidder of the lot, by id (None if it is not a bidder here)."""
        return self._by_id.get(bidder_id)

    @cached_property
    def _by_id(self) -> dict[str, BidderResult]:
        # Screens and the close-call search look bidders up thousands of times per lot.
        return {b.bidder.id: b for b in self.bidders}

    @property
    def ranked(self) -> list[BidderResult]:
        return [b for b in self.bidders if b.rank is not None]

    @property
    def winners(self) -> list[BidderResult]:
        """The bidder(s) ranked first: more than one when first place is tied."""
        return [b for b in self.bidders if b.rank == 1]


def compute(data: TenderData) -> list[LotResult]:
    """Results of every lot of the tender, in lot order."""
    return [compute_lot(data, lot) for lot in data.lots]


def compute_lot(data: TenderData, lot: Lot) -> LotResult:
    """Score, total, exclude and rank every bidder of `lot` (see the module docstring)."""
    with exact(), gc_pause.paused():
        return _compute(data, lot)


def _compute(data: TenderData, lot: Lot) -> LotResult:
    rounding = data.tender.rounding
    cells = Cells(data, lot)
    tops = [c for c in lot.criteria if c.kind != "pass_fail"]
    step = rounding.stage == "each_step"
    method = AWARD_METHODS[lot.award_method]
    prices = [c for c in cells.criteria if c.kind == "price"]
    rows: list[tuple[int, Bidder, dict[str, CriterionResult], Decimal | None]] = []
    for index, bidder in enumerate(lot.bidders):
        out = cells.bidder_cells(bidder, step)
        total: Decimal | None = None
        if not cells.exclusions[bidder.id]:
            total = sum((_points(out[c.id]) for c in tops), ZERO)
            if method.by_ratio:  # the quality points: every criterion's but price's
                total -= sum((_points(out[c.id]) for c in prices), ZERO)
        rows.append((index, bidder, out, total))

    ratios: dict[str, Decimal | None] = {}
    if method.by_ratio:
        ratios = {b.id: None if b.price is None else ratio(b.price, t)
                  for _, b, _, t in rows if t is not None}
        places = ranking.rank({b: round_to(v, rounding) for b, v in ratios.items()
                               if v is not None}, lowest_first=True)
        places |= ranking.last({b for b, v in ratios.items() if v is None}, len(places))
    else:
        places = ranking.rank({b.id: round_to(t, rounding) for _, b, _, t in rows
                               if t is not None})
    results: list[tuple[tuple[int, int], BidderResult]] = []
    top_level: dict[str, dict[str, Decimal]] = {}
    for index, bidder, out, total in rows:
        place = places.get(bidder.id)
        found = cells.exclusions[bidder.id]
        results.append(((place.rank if place else len(rows) + 1, index), BidderResult(
            bidder=bidder, total=total,
            total_text=None if total is None else fmt_points(total, rounding),
            rank=place.rank if place else None, tied=place.tied if place else False,
            excluded=bool(found), reasons=[f.reason for f in found],
            criteria=out, excluded_by=[f.criterion for f in found],
            abnormally_low=cells.low_bids.get(bidder.id, False),
            **_ratio(ratios, bidder, total, rounding, cells.currency))))
        if total is not None:
            top_level[bidder.id] = {c.id: _points(out[c.id]) for c in tops}
    results.sort(key=lambda pair: pair[0])
    return LotResult(
        lot_id=lot.id, title=lot.title, provisional=bool(cells.notes()),
        bidders=[r for _, r in results], rounding=rounding, top_level=top_level,
        available=cells.available, notes=cells.notes(), award_method=method.name)


def _points(cell: CriterionResult) -> Decimal:
    return cell.points if cell.points is not None else ZERO


def _ratio(ratios: dict[str, Decimal | None], bidder: Bidder, total: Decimal | None,
           rounding: Rounding, currency: str) -> dict[str, Any]:
    """The price-per-quality-point fields of a bidder ranked by ratio (none otherwise)."""
    if bidder.id not in ratios or total is None:
        return {}
    value = ratios[bidder.id]
    if bidder.price is None:
        return {"ratio_working": "no price entered: no ratio (provisional)"}
    return {"ratio": value, "ratio_text": None if value is None else fmt_points(value, rounding),
            "ratio_working": working.ratio(bidder.price, total, value, rounding, currency)}


def to_json(results: list[LotResult]) -> dict[str, Any]:
    """DESIGN.md's `results --json` shape, with a few extra keys (title, award_method, tied,
    notes, result, abnormally_low; and `ratio` beside `total` when a lot ranks by price per
    quality point, where `total` is the quality points and `rank` follows the ratio).

    Totals and points are strings in the tender's rounding ("87.12"); a score is its exact
    text ("3", "980000.5"), a mean to the shown decimals ("3.67"), or null.
    """
    return {"lots": [{
        "id": lot.lot_id, "title": lot.title, "award_method": lot.award_method,
        "provisional": lot.provisional, "notes": list(lot.notes),
        "bidders": [{
            "id": b.bidder.id, "name": b.bidder.name, "total": b.total_text,
            **({"ratio": b.ratio_text} if lot.award_method != "weighted_points" else {}),
            "rank": b.rank, "tied": b.tied, "excluded": b.excluded,
            "abnormally_low": b.abnormally_low, "reasons": list(b.reasons),
            "criteria": {cid: _cell_json(cell) for cid, cell in b.criteria.items()},
        } for b in lot.bidders],
    } for lot in results]}


def _cell_json(cell: CriterionResult) -> dict[str, Any]:
    out: dict[str, Any] = {"score": cell.score_text, "points": cell.points_text}
    if cell.kind == "pass_fail":
        out["result"] = cell.result
    return out
