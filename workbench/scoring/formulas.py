"""The scoring formulas of DESIGN.md, one small function each, and the registries that name them.

Every formula, quantitative direction, normalisation and award method a tender may name is an
entry of a registry below (`PRICE_FORMULAS`, `DIRECTIONS`, `NORMALISATIONS`, `AWARD_METHODS`):
its name as stored and exchanged, its label for choices, the formula as printed in the pack, and
its implementation. The engine dispatches through the registry, the Model view builds its
choices from it, and import and opening a file look names up in it, so a name without an
implementation, a label or a formula text cannot exist, and an unknown name is an error naming
the place (`UnknownName`), never a silent default.

W is the points available to a criterion (its effective weight as a share of the tender's total
points, see `weights.points_available`). "Lowest", "highest" and "best" are always taken over the
bidders still in the competition; the caller works them out and passes them in.

Every function multiplies before it divides (score × W / max rather than score / max × W): the
result is the same number, but a share such as 1/3 of 30 comes out as exactly 10 instead of
9.999…, so a total never loses a hundredth to the order of operations. Call them inside
`exact()`, which gives Decimal enough digits that nothing shown is ever affected by precision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Generic, Protocol, TypeVar

from workbench.domain import Rounding, UnknownName
from workbench.scoring import working

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


def price_range(lowest: Decimal, bid: Decimal, highest: Decimal, available: Decimal) -> Decimal:
    """Price, `price_range`: points = W × (highest − bid) / (highest − lowest).

    The lowest price earns all the points and the highest none, in a straight line between;
    when every bid is the same there is no range and every bidder earns W.
    """
    if highest == lowest:
        return available
    return available * (highest - bid) / (highest - lowest)


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


def ratio(price: Decimal, quality: Decimal) -> Decimal | None:
    """Price per quality point: price / quality points (None when there are no quality points:
    no ratio can be worked out, and the bidder ranks after every bidder that has one)."""
    if quality <= 0:
        return None
    return price / quality


# -- the registries ---------------------------------------------------------------------------


class _Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=_Named)


class Registry(Generic[T]):
    """The entries of one kind (price formulas, directions...), by name, in the order listed."""

    def __init__(self, what: str, entries: Sequence[T]) -> None:
        self.what = what
        self._entries = {entry.name: entry for entry in entries}

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __getitem__(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            raise UnknownName(self.unknown(name)) from None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def entries(self) -> list[T]:
        return list(self._entries.values())

    def unknown(self, name: object) -> str:
        """The message for a name not in the registry."""
        return f"unknown {self.what} '{name}' (known: {', '.join(self._entries)})"

    def check(self, name: object) -> str:
        """`name` when it is in the registry, else UnknownName."""
        if not isinstance(name, str) or name not in self._entries:
            raise UnknownName(self.unknown(name))
        return name


#: A price formula's arguments: (lowest, bid, highest, W) over the bidders still in.
PricePoints = Callable[[Decimal, Decimal, Decimal, Decimal], Decimal]
PriceWorking = Callable[[Decimal, Decimal, Decimal, Decimal, Decimal, Rounding, str], str]


@dataclass(frozen=True)
class PriceFormula:
    """A price formula: `points` and `working` take the lowest and highest bid still in the
    competition, this bid and W. A formula that `carries_points` False scores nothing. `text`
    is the formula; `words` says it in plain English for the evaluation pack."""

    name: str
    label: str
    text: str
    words: str
    points: PricePoints
    working: PriceWorking
    carries_points: bool = True


PRICE_FORMULAS: Registry[PriceFormula] = Registry("price formula", [
    PriceFormula(
        "lowest_over_bid", "Lowest price ÷ bid price", "points = lowest price ÷ bid × W",
        "The lowest price among the bids still in the competition earns all the points "
        "available; every other bid earns the lowest price ÷ its price × the points "
        "available, so a bid twice the lowest earns half the points.",
        lambda low, bid, high, w: price_lowest_over_bid(low, bid, w),
        lambda low, bid, high, w, pts, r, cur: working.price_lowest_over_bid(
            low, bid, w, pts, r, cur)),
    PriceFormula(
        "linear_deduction", "Deduct in proportion to the gap from the lowest",
        "points = W × max(0, 1 − (bid − lowest price) ÷ lowest price)",
        "The lowest price among the bids still in the competition earns all the points "
        "available; each 1% above the lowest price loses 1% of them (points available × "
        "(1 − (price − lowest) ÷ lowest)), so a bid at twice the lowest price or more earns "
        "none.",
        lambda low, bid, high, w: price_linear_deduction(low, bid, w),
        lambda low, bid, high, w, pts, r, cur: working.price_linear_deduction(
            low, bid, w, pts, r, cur)),
    PriceFormula(
        "price_range", "Place between the lowest and highest price",
        "points = W × (highest price − bid) ÷ (highest price − lowest price); all equal: W",
        "The lowest price among the bids still in the competition earns all the points "
        "available and the highest none; a bid in between earns the points available × "
        "(highest − its price) ÷ (highest − lowest). When every bid is the same, each earns "
        "all the points.",
        lambda low, bid, high, w: price_range(low, bid, high, w),
        working.price_range),
    PriceFormula(
        "fixed", "Fixed price (carries no points)",
        "the price is fixed: the price criterion carries no points",
        "The price is fixed, so bidders compete on quality and social value only; price "
        "carries no points.",
        lambda low, bid, high, w: ZERO,
        lambda low, bid, high, w, pts, r, cur: working.FIXED_PRICE, carries_points=False),
])


@dataclass(frozen=True)
class Direction:
    """A quantitative direction: `pick` chooses the extreme among the values still in; `points`
    takes (this value, that extreme, W)."""

    name: str
    label: str
    text: str
    words: str
    pick: Callable[[list[Decimal]], Decimal]
    points: Callable[[Decimal, Decimal, Decimal], Decimal]


DIRECTIONS: Registry[Direction] = Registry("quantitative direction", [
    Direction("higher_is_better", "Higher is better", "points = value ÷ highest value × W",
              "The highest figure among the bids still in the competition earns all the points "
              "available; every other bid earns its figure ÷ the highest × the points "
              "available. A figure of zero, or none, earns no points.",
              max, quantity_higher_is_better),
    Direction("lower_is_better", "Lower is better", "points = lowest value ÷ value × W",
              "The lowest figure among the bids still in the competition earns all the points "
              "available; every other bid earns the lowest ÷ its figure × the points "
              "available. A figure of zero, or none, earns no points.",
              min, lambda value, low, w: quantity_lower_is_better(low, value, w)),
])


@dataclass(frozen=True)
class Normalisation:
    """How a score becomes points: divided by the top of its scale, or by the best score given
    among the bidders still in (`relative`); `against` names the divisor in the working."""

    name: str
    label: str
    text: str
    words: str
    relative: bool
    against: str


NORMALISATIONS: Registry[Normalisation] = Registry("normalisation", [
    Normalisation("max", "Score ÷ top of the scale", "points = score ÷ scale maximum × W",
                  "The agreed score ÷ the top of the scale × the points available: a score of "
                  "3 out of 5 earns three fifths of the points.", False, "scale max"),
    Normalisation("best", "Score ÷ best score given",
                  "points = score ÷ highest score among bidders still in × W",
                  "The agreed score ÷ the highest agreed score among the bids still in the "
                  "competition × the points available, so the best answer earns all the "
                  "points.", True, "best"),
])


@dataclass(frozen=True)
class AwardMethod:
    """How a lot's bidders are ranked: by total points (highest first), or by the ratio of
    price to quality points (`by_ratio`, lowest first)."""

    name: str
    label: str
    text: str
    words: str
    by_ratio: bool


AWARD_METHODS: Registry[AwardMethod] = Registry("award method", [
    AwardMethod("weighted_points", "Weighted points (highest total wins)",
                "total = sum of every criterion's points; the highest total ranks first",
                "Bids are ranked by their total points, highest first.", False),
    AwardMethod("price_per_quality_point", "Price per quality point (lowest ratio wins)",
                "quality points = points of every non-price criterion; ratio = price ÷ quality "
                "points; the lowest ratio ranks first",
                "Price per quality point (Cabinet Office Bid Evaluation Guidance Note, 2021): "
                "a bid's quality points are the points of every criterion but price; its price "
                "÷ its quality points gives the price it asks for each quality point, and the "
                "lowest ranks first. Equal ratios, as shown, share a rank and are a tie for the "
                "panel to decide.", True),
])
