"""How far each top-level weight can move before the winner changes (part of the close call).

When one top-level criterion's weight becomes w (0–100%), the other top-level weights are
rescaled in proportion so the top level still adds up to 100% (if the criterion held 100%, the
others share the rest equally). Scores, exclusions, lowest prices and best scores do not depend
on weights, so every bidder's total is a straight line in w:

    total(w) = (w × X + (100 − w) × Y) / 100

where X is the bidder's total with the criterion at 100% and Y its total at 0%; both come from
`compute_lot` on a copy of the lot. The winner can only change where two lines cross, so the
crossings of the current winner's line with every other bidder's are the candidate points; the
nearest one on each side of today's weight where first place changes hands is reported.
Crossings are found with exact fractions on the unrounded totals (under rounding stage
each_step, X and Y carry the rounding of each step, which can move a point by a few
hundredths of a percent).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction

from workbench.domain import Criterion, Lot, TenderData
from workbench.scoring.formulas import ZERO, exact
from workbench.scoring.results import LotResult, compute_lot
from workbench.scoring.weights import HUNDRED

_F100 = Fraction(100)


@dataclass(frozen=True)
class Swing:
    """Where first place changes as one top-level weight moves down (`lower`) or up (`upper`).

    Each point is a weight in percent, None when nothing changes within 0–100%; `*_winners`
    are the bidder ids that lead just beyond it.
    """

    criterion: Criterion
    current: Decimal
    lower: Decimal | None
    lower_winners: frozenset[str]
    upper: Decimal | None
    upper_winners: frozenset[str]


def reweighted(lot: Lot, criterion_id: str, weight: Decimal) -> Lot:
    """A copy of `lot` with one top-level weight set and the others rescaled in proportion."""
    tops = [c for c in lot.criteria if c.kind != "pass_fail"]
    moved = next(c for c in tops if c.id == criterion_id)
    rest = HUNDRED - (moved.weight or ZERO)
    others = len(tops) - 1
    criteria = []
    with exact():
        for c in lot.criteria:
            if c.kind == "pass_fail":
                criteria.append(c)
            elif c.id == criterion_id:
                criteria.append(replace(c, weight=weight))
            elif rest > 0:
                criteria.append(replace(c, weight=(c.weight or ZERO) * (HUNDRED - weight) / rest))
            else:
                criteria.append(replace(c, weight=(HUNDRED - weight) / others))
    return replace(lot, criteria=criteria)


def swings(data: TenderData, lot: Lot, result: LotResult) -> list[Swing]:
    """One `Swing` per weighted top-level criterion (none when there is only one)."""
    tops = [c for c in lot.criteria if c.kind != "pass_fail"]
    if len(tops) < 2:
        return []
    before = frozenset(b.bidder.id for b in result.winners)
    found = []
    for c in tops:
        current = c.weight or ZERO
        at_full = compute_lot(data, reweighted(lot, c.id, HUNDRED))
        at_zero = compute_lot(data, reweighted(lot, c.id, ZERO))
        lines = {}
        for b in result.ranked:
            full, zero = at_full.bidder(b.bidder.id), at_zero.bidder(b.bidder.id)
            assert full is not None and zero is not None  # exclusions ignore weights
            lines[b.bidder.id] = (Fraction(full.total or ZERO), Fraction(zero.total or ZERO))
        lower, lower_who = _first_change(lines, before, Fraction(current), -1)
        upper, upper_who = _first_change(lines, before, Fraction(current), 1)
        # Rounded away from today's weight, so "below 41.25%" is true just below what is shown.
        found.append(Swing(c, current, _percent(lower, ROUND_FLOOR), lower_who,
                           _percent(upper, ROUND_CEILING), upper_who))
    return found


def _total(line: tuple[Fraction, Fraction], w: Fraction) -> Fraction:
    full, zero = line
    return (w * full + (_F100 - w) * zero) / _F100


def _leaders(lines: dict[str, tuple[Fraction, Fraction]], w: Fraction) -> frozenset[str]:
    totals = {bidder: _total(line, w) for bidder, line in lines.items()}
    top = max(totals.values())
    return frozenset(bidder for bidder, total in totals.items() if total == top)


def _first_change(lines: dict[str, tuple[Fraction, Fraction]], before: frozenset[str],
                  w0: Fraction, direction: int) -> tuple[Fraction | None, frozenset[str]]:
    """The nearest weight from `w0` in `direction` where the leaders differ from `before`.

    Returns that weight and who leads just beyond it, or (None, ∅) within 0–100%.
    """
    if len(lines) < 2:
        return None, frozenset()
    points = {Fraction(0), _F100}
    for a in before | _leaders(lines, w0):
        for b in lines:
            if a != b:
                # total_a(w) = total_b(w): w × (Δfull − Δzero) = −100 × Δzero
                d_full = lines[a][0] - lines[b][0]
                d_zero = lines[a][1] - lines[b][1]
                if d_full != d_zero:
                    points.add(-_F100 * d_zero / (d_full - d_zero))
    ahead = sorted((p for p in points if 0 <= p <= 100 and (p - w0) * direction > 0),
                   key=lambda p: abs(p - w0))
    previous = w0
    for index, point in enumerate(ahead):
        between = _leaders(lines, (previous + point) / 2)
        if between != before:
            return previous, between
        if _leaders(lines, point) != before:
            beyond = ahead[index + 1] if index + 1 < len(ahead) else point
            return point, _leaders(lines, (point + beyond) / 2)
        previous = point
    return None, frozenset()


def _percent(value: Fraction | None, mode: str) -> Decimal | None:
    """A weight as shown: percent to two decimals, rounded in the direction `mode`."""
    if value is None:
        return None
    with exact():
        exact_value = Decimal(value.numerator) / Decimal(value.denominator)
        return exact_value.quantize(Decimal("0.01"), rounding=mode)
