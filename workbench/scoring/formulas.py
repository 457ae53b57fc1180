"""The scoring formulas of DESIGN.md, one small function each, as printed in the evaluation pack.

W is the points available to a criterion (its effective weight as a share of the tender's total
points, see `weights.points_available`). "Lowest", "highest" and "best" are always taken over the
bidders still in the competition; the caller works them out and passes them in.

Every function multiplies before it divides (score × W / max rather than score / max × W): the
result is the same number, but a share such as 1/3 of 30 comes out as exactly 10 instead of
9.999…, so a total never loses a hundredth to the order of operations. Call them inside
`exact()`, which gives Decimal enough digits that nothing shown is ever affected by precision.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import Decimal, localcontext

ZERO = Decimal(0)
ONE = Decimal(1)

#: Significant digits for every intermediate result. A total of 200 points shown to 6 decimals
#: needs 9 digits; 40 leaves room for means, shares of shares and prices in the billions.
PRECISION = 40


def exact() -> AbstractContextManager[object]:
    """A local Decimal context with `PRECISION` digits (the caller's context is left alone)."""
    return localcontext(prec=PRECISION)


def scored_to_scale(score: Decimal, scale_max: Decimal, available: Decimal) -> Decimal:
    """Scored, normalised to the scale (`normalise: "max"`): points = score / scale max × W.

    A score of 3 on a 0–5 scale earns three fifths of the points available.
    """
    if scale_max <= 0:
        return ZERO
    return score * available / scale_max


def scored_to_best(score: Decimal, best: Decimal, available: Decimal) -> Decimal:
    """Scored, relative to the best (`normalise: "best"`): points = score / best score × W.

    The best score is the highest among bidders still in the competition, so the best answer
    earns all the points. When every bidder scored 0 there is no best and everyone gets 0.
    """
    if best <= 0:
        return ZERO
    return score * available / best


def price_lowest_over_bid(lowest: Decimal, bid: Decimal, available: Decimal) -> Decimal:
    """Price, `lowest_over_bid` (the default): points = lowest price / this bid × W.

    The lowest price earns all the points; a bid twice the lowest earns half of them.
    """
    if bid <= 0:
        return ZERO
    return lowest * available / bid


def price_linear_deduction(lowest: Decimal, bid: Decimal, available: Decimal) -> Decimal:
    """Price, `linear_deduction`: points = W × max(0, 1 − (bid − lowest) / lowest).

    Each 1% above the lowest price loses 1% of the points; a bid at double the lowest, or more,
    scores 0.
    """
    if lowest <= 0:
        return ZERO
    return max(ZERO, available * (lowest - (bid - lowest)) / lowest)


def quantity_higher_is_better(value: Decimal, highest: Decimal, available: Decimal) -> Decimal:
    """Quantitative, `higher_is_better`: points = this value / highest value × W.

    Zero, negative or missing values score 0 (the caller notes why).
    """
    if value <= 0 or highest <= 0:
        return ZERO
    return value * available / highest


def quantity_lower_is_better(lowest: Decimal, value: Decimal, available: Decimal) -> Decimal:
    """Quantitative, `lower_is_better`: points = lowest value / this value × W.

    Zero, negative or missing values score 0 (the caller notes why): a zero would otherwise
    divide every other bidder's points by nothing.
    """
    if value <= 0 or lowest <= 0:
        return ZERO
    return lowest * available / value


def mean(values: list[Decimal]) -> Decimal:
    """Mean of submitted individual scores, used before moderation (a provisional score)."""
    return sum(values, ZERO) / len(values)
