"""The one-line working shown beside every number: how a cell's points were worked out.

People check a result by redoing the sum on paper, so every line names its inputs in the order
the formula uses them ("lowest £100,000 / this bid £120,000 × 40 = 33.33") and says plainly
when a number is provisional or missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from workbench.domain import Rounding
from workbench.numbers import dec_str, fmt_money, fmt_points, round_to

_FOUR_PLACES = Decimal("0.0001")


def number(value: Decimal) -> str:
    """An input such as W or a value: exact when short, else to 4 decimals (W = 13.3333);
    thousands grouped (41,000) as people write them."""
    text = dec_str(value)
    if "." in text and len(text.split(".")[1]) > 4:
        text = dec_str(value.quantize(_FOUR_PLACES))
    whole, dot, fraction = text.partition(".")
    return f"{int(whole):,}" + dot + fraction if abs(value) >= 1000 else text


def score_text(score: Decimal, rounding: Rounding) -> str:
    """A score as shown: exact when it fits the tender's decimals (3, 3.5), else rounded.

    Only a mean of several scores (11/3) needs rounding; the exact mean is still what counts.
    """
    places = max(rounding.decimals, 2)
    shown = round_to(score, Rounding(places, rounding.mode))
    return dec_str(score) if shown == score else format(shown, "f")


def scored(source: str, marks: Sequence[Decimal], score: Decimal, against: str, divisor: Decimal,
           available: Decimal, points: Decimal, rounding: Rounding) -> str:
    """ "moderated 3 / scale max 5 × 24 = 14.40" or the provisional form from a mean."""
    tail = (f"{score_text(score, rounding)} / {against} {number(divisor)} × {number(available)}"
            f" = {fmt_points(points, rounding)}")
    if source == "moderated":
        return f"moderated {tail}"
    plural = "score" if len(marks) == 1 else "scores"
    listed = ", ".join(dec_str(m) for m in marks)
    return f"mean of {len(marks)} submitted {plural} ({listed}) = {tail} (provisional)"


def price_lowest_over_bid(lowest: Decimal, bid: Decimal, available: Decimal, points: Decimal,
                          rounding: Rounding, currency: str) -> str:
    return (f"lowest {fmt_money(lowest, currency)} / this bid {fmt_money(bid, currency)}"
            f" × {number(available)} = {fmt_points(points, rounding)}")


def price_linear_deduction(lowest: Decimal, bid: Decimal, available: Decimal, points: Decimal,
                           rounding: Rounding, currency: str) -> str:
    text = (f"{number(available)} × (1 − ({fmt_money(bid, currency)} − "
            f"{fmt_money(lowest, currency)}) / {fmt_money(lowest, currency)})")
    if points == 0 and bid > lowest:
        return f"{text} is below 0: 0 points (twice the lowest price or more)"
    return f"{text} = {fmt_points(points, rounding)}"


def price_range(lowest: Decimal, bid: Decimal, highest: Decimal, available: Decimal,
                points: Decimal, rounding: Rounding, currency: str) -> str:
    """ "(£120,000 − £100,000) / (£120,000 − £90,000) × 30 = 20.00": (highest − this bid) /
    (highest − lowest) × W."""
    shown = fmt_points(points, rounding)
    if highest == lowest:
        return (f"every bid still in is {fmt_money(bid, currency)}: no range, so all "
                f"{number(available)} points = {shown}")
    high, low = fmt_money(highest, currency), fmt_money(lowest, currency)
    return (f"({high} − {fmt_money(bid, currency)}) / ({high} − {low}) × {number(available)}"
            f" = {shown}")


def ratio(price: Decimal, quality: Decimal, value: Decimal | None, rounding: Rounding,
          currency: str) -> str:
    """ "£684,000 / 61.20 quality points = £11,176.47 per point" (price per quality point)."""
    head = f"{fmt_money(price, currency)} / {fmt_points(quality, rounding)} quality points"
    if value is None:
        return f"{head}: no ratio (no quality points); ranked after every bidder with one"
    return f"{head} = {fmt_money(round_to(value, rounding), currency)} per point"


def quantity(direction: str, value: Decimal, extreme: Decimal, available: Decimal,
             points: Decimal, rounding: Rounding, unit: str) -> str:
    suffix = f" {unit}" if unit else ""
    shown = fmt_points(points, rounding)
    if direction == "higher_is_better":
        return (f"this {number(value)}{suffix} / highest {number(extreme)}{suffix}"
                f" × {number(available)} = {shown}")
    return (f"lowest {number(extreme)}{suffix} / this {number(value)}{suffix}"
            f" × {number(available)} = {shown}")


def group(children: list[str], points: Decimal, rounding: Rounding) -> str:
    return f"sum of {', '.join(children)} = {fmt_points(points, rounding)}"


def excluded(described: str) -> str:
    """The working of a cell of a bidder who is out: what they scored, and why no points."""
    return f"{described}; no points: the bidder is excluded" if described else (
        "no points: the bidder is excluded")


NOT_SCORED = "not yet scored: 0 points (provisional)"
FIXED_PRICE = "price is fixed: this criterion carries no points"
NO_PRICE = "no price entered: 0 points (provisional)"
NO_VALUE = "no value given: 0 points"
GATEWAY_PASS = "passed gateway"
GATEWAY_FAIL = "failed gateway: the bidder is excluded"
GATEWAY_MISSING = "gateway not yet assessed (provisional)"


def not_positive(what: str, value: Decimal, currency: str = "") -> str:
    shown = fmt_money(value, currency) if currency else number(value)
    return f"{what} {shown}: 0 points (only a value above 0 can earn points)"
