"""The close-call report: how near each lot came to a different winner.

Three measures, each in a sentence a panel can read out:

* the margin between first and second place, as shown;
* the smallest single mark change (one evaluator, one criterion, one bidder, to another value
  the scale allows; or the moderated score once there is one) that would change the winner —
  see `mark_search`;
* for each top-level criterion, the weight (0–100%, the others rescaled in proportion) at which
  the winner would change, or "no change within 0–100%" — see `weight_swing`.

Every figure is worked out by `compute_lot` on modified copies of the lot, so the report can
never disagree with the results it explains.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from workbench.domain import Lot, TenderData
from workbench.numbers import dec_str, fmt_money, fmt_points, round_to
from workbench.scoring.formulas import AWARD_METHODS, ZERO
from workbench.scoring.mark_search import Found, MarkSearch
from workbench.scoring.results import BidderResult, LotResult, compute_lot
from workbench.scoring.weight_swing import Swing, swings


@dataclass(frozen=True)
class MarkChange:
    """The smallest single mark change that changes the winner (`evaluator` None: moderated)."""

    bidder: str
    criterion: str
    evaluator: str | None
    old: Decimal
    new: Decimal
    winners: list[str]
    text: str


@dataclass(frozen=True)
class WeightChange:
    """Where the winner changes as one top-level weight moves (None: not within 0–100%)."""

    criterion: str
    title: str
    current: Decimal
    lower: Decimal | None
    lower_winners: list[str]
    upper: Decimal | None
    upper_winners: list[str]
    text: str


@dataclass(frozen=True)
class CloseCall:
    """One lot's close-call report; `lines` is the whole of it in sentences."""

    lot_id: str
    title: str
    provisional: bool
    winners: list[str]
    runners_up: list[str]
    margin: Decimal | None
    margin_text: str
    mark: MarkChange | None
    mark_text: str
    weights: list[WeightChange]

    @property
    def lines(self) -> list[str]:
        return [self.margin_text, self.mark_text, *(w.text for w in self.weights)]


def sensitivity(data: TenderData, lot: Lot) -> CloseCall:
    """The close-call report of one lot."""
    result = compute_lot(data, lot)
    names = {b.id: b.name for b in lot.bidders}
    if AWARD_METHODS[lot.award_method].by_ratio or any(
            c.minimum_percent is not None for c in lot.all_criteria()):
        return _not_searched(data, lot, result, names)
    margin, margin_text, runners_up = _margin(result, names)
    found = MarkSearch(data, lot, result).run()
    mark = _mark(data, lot, found, names) if found else None
    return CloseCall(
        lot_id=lot.id, title=lot.title, provisional=result.provisional,
        winners=[b.bidder.id for b in result.winners], runners_up=runners_up,
        margin=margin, margin_text=margin_text, mark=mark,
        mark_text=mark.text if mark else _no_mark(result),
        weights=[_weight(s, names) for s in swings(data, lot, result)])


def _not_searched(data: TenderData, lot: Lot, result: LotResult,
                  names: dict[str, str]) -> CloseCall:
    """The close call of a lot ranked on price per quality point or with a quality threshold:
    the margin only. The mark and weight searches assume a winner decided by adding points up,
    which a ratio or a threshold does not respect, so they are not run rather than guessed."""
    by_ratio = AWARD_METHODS[lot.award_method].by_ratio
    if by_ratio:
        margin, margin_text, runners_up = _ratio_margin(result, names, data.tender.currency)
        why = "ranked on price per quality point"
    else:
        margin, margin_text, runners_up = _margin(result, names)
        why = "with a quality threshold"
    return CloseCall(
        lot_id=lot.id, title=lot.title, provisional=result.provisional,
        winners=[b.bidder.id for b in result.winners], runners_up=runners_up, margin=margin,
        margin_text=margin_text, mark=None,
        mark_text=(f"The smallest mark or weight change that would change the winner is not "
                   f"worked out for a lot {why}."), weights=[])


def _ratio_margin(result: LotResult, names: dict[str, str],
                  currency: str) -> tuple[Decimal | None, str, list[str]]:
    ranked = [b for b in result.ranked if b.ratio is not None]
    if not ranked:
        return None, "No bidder in the competition has a price per quality point.", []
    first = [b for b in ranked if b.rank == 1]
    if len(first) > 1:
        who = _names([b.bidder.id for b in first], names)
        return ZERO, f"{who} are tied for first place on {_money(first[0], currency)} per " \
                     "quality point.", []
    if len(ranked) == 1:
        return None, f"{first[0].bidder.name} is the only bidder with a ratio.", []
    second = [b for b in ranked if b.rank == ranked[1].rank]
    gap = Decimal(second[0].ratio_text or 0) - Decimal(first[0].ratio_text or 0)
    ids = [b.bidder.id for b in second]
    return gap, (f"{first[0].bidder.name} is ahead of {_names(ids, names)} by "
                 f"{fmt_money(gap, currency)} per quality point ({_money(first[0], currency)} "
                 f"against {_money(second[0], currency)})."), ids


def _money(b: BidderResult, currency: str) -> str:
    return fmt_money(Decimal(b.ratio_text or 0), currency)


def sensitivity_all(data: TenderData) -> list[CloseCall]:
    """The close-call report of every lot, in lot order."""
    return [sensitivity(data, lot) for lot in data.lots]


def _names(ids: list[str] | frozenset[str], names: dict[str, str]) -> str:
    ordered = [names[i] for i in names if i in ids]  # lot order, so the text is stable
    return ordered[0] if len(ordered) == 1 else ", ".join(ordered[:-1]) + " and " + ordered[-1]


def _win(ids: list[str] | frozenset[str], names: dict[str, str]) -> str:
    if not ids:
        return "no bidder would remain in the competition"
    return _names(ids, names) + (" would win" if len(ids) == 1 else " would tie for first")


def _margin(result: LotResult, names: dict[str, str]) -> tuple[Decimal | None, str, list[str]]:
    r = result.rounding
    ranked = result.ranked
    if not ranked:
        return None, "No bidder is in the competition.", []
    first = [b for b in ranked if b.rank == 1]
    top = round_to(first[0].total or ZERO, r)
    if len(first) > 1:
        who = _names([b.bidder.id for b in first], names)
        return ZERO, f"{who} are tied for first place on {fmt_points(top, r)}.", []
    if len(ranked) == 1:
        return None, f"{first[0].bidder.name} is the only bidder in the competition.", []
    second = [b for b in ranked if b.rank == ranked[1].rank]
    gap = top - round_to(second[0].total or ZERO, r)
    ids = [b.bidder.id for b in second]
    return gap, (f"{first[0].bidder.name} leads {_names(ids, names)} by "
                 f"{fmt_points(gap, r)} points ({fmt_points(top, r)} against "
                 f"{second[0].total_text})."), ids


def _mark(data: TenderData, lot: Lot, found: Found, names: dict[str, str]) -> MarkChange:
    mark, after = found.mark, found.after
    criterion = lot.criterion(mark.criterion)
    title = f"{mark.criterion} {criterion.title}" if criterion else mark.criterion
    bidder = names[mark.bidder]
    old, new = dec_str(mark.value), dec_str(found.new)
    if mark.evaluator is None:
        change = f"If the moderated score of {bidder} on {title} were {new} instead of {old}"
    else:
        evaluator = data.evaluator(mark.evaluator)
        who = evaluator.name if evaluator else mark.evaluator
        change = f"If {who} had scored {bidder} {new} instead of {old} on {title}"
    winners = [b.bidder.id for b in after.winners]
    moved = after.bidder(mark.bidder)
    why = ""
    if moved is not None and moved.excluded and mark.criterion in moved.excluded_by:
        reason = moved.reasons[moved.excluded_by.index(mark.criterion)]
        why = f", {bidder} would be excluded ({reason})"
    totals = ", ".join(f"{b.bidder.name} {b.total_text}" for b in after.ranked[:2])
    tail = f" ({totals})" if winners else ""
    return MarkChange(mark.bidder, mark.criterion, mark.evaluator, mark.value, found.new,
                      winners, f"{change}{why}, {_win(winners, names)}{tail}.")


def _no_mark(result: LotResult) -> str:
    if len(result.ranked) + sum(1 for b in result.bidders if b.excluded) < 2:
        return "No single mark change could change the winner: there is no other bidder."
    return "No single mark change, to any value its scale allows, would change the winner."


def _weight(swing: Swing, names: dict[str, str]) -> WeightChange:
    c = swing.criterion
    head = f"{c.id} {c.title} (weight {dec_str(swing.current)}%)"
    if swing.lower is None and swing.upper is None:
        text = f"{head}: no change within 0–100%."
    else:
        parts = []
        if swing.lower is not None:
            parts.append(f"below {dec_str(swing.lower)}%, {_win(swing.lower_winners, names)}")
        else:
            parts.append("no change down to 0%")
        if swing.upper is not None:
            parts.append(f"above {dec_str(swing.upper)}%, {_win(swing.upper_winners, names)}")
        else:
            parts.append("no change up to 100%")
        text = f"{head}: {'; '.join(parts)}."
    return WeightChange(c.id, c.title, swing.current, swing.lower, sorted(swing.lower_winners),
                        swing.upper, sorted(swing.upper_winners), text)


def to_json(calls: list[CloseCall]) -> dict[str, Any]:
    """The `sensitivity --json` shape: per lot the margin, the mark change and the weights."""
    def num(value: Decimal | None) -> str | None:
        return None if value is None else dec_str(value)

    return {"lots": [{
        "id": call.lot_id, "title": call.title, "provisional": call.provisional,
        "winners": call.winners, "runners_up": call.runners_up,
        "margin": None if call.margin is None else format(call.margin, "f"),
        "margin_text": call.margin_text,
        "mark_change": None if call.mark is None else {
            "bidder": call.mark.bidder, "criterion": call.mark.criterion,
            "evaluator": call.mark.evaluator, "from": dec_str(call.mark.old),
            "to": dec_str(call.mark.new), "winners": call.mark.winners,
            "text": call.mark.text},
        "mark_text": call.mark_text,
        "weights": [{"criterion": w.criterion, "title": w.title, "weight": dec_str(w.current),
                     "lower": num(w.lower), "lower_winners": w.lower_winners,
                     "upper": num(w.upper), "upper_winners": w.upper_winners, "text": w.text}
                    for w in call.weights],
    } for call in calls]}
