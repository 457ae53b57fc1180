"""The reports' plain-English sentences: how each criterion is scored, rounding, statuses.

The sentences say in words what `workbench.scoring.formulas` computes, so the printed method
and the arithmetic are read side by side in one place when either changes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from workbench.domain import Criterion, Rounding, Tender, TenderData
from workbench.numbers import dec_str, fmt_money, round_to
from workbench.reports.common import points

ORGANISATION_LABELS = {"SME": "SME", "VCSE": "VCSE (voluntary, community or social enterprise)",
                       "large": "Large organisation", "public body": "Public body"}
ORGANISATION_SHORT = {"SME": "SME", "VCSE": "VCSE", "large": "Large", "public body": "Public body"}
ORGANISATION_PHRASES = {"SME": "an SME", "VCSE": "a VCSE organisation", "large": "a large "
                        "organisation", "public body": "a public body"}
STATUS_LABELS = {"setup": "Setting up", "sealed": "Evaluation model sealed",
                 "scoring": "Scoring in progress", "moderation": "Moderation in progress",
                 "award_recommended": "Award recommended", "locked": "Locked (final)"}
KIND_LABELS = {"group": "Group", "scored": "Scored question", "pass_fail": "Pass/fail",
               "price": "Price", "quantitative": "Measured figure"}

PRICE_METHODS = {
    "lowest_over_bid": (
        "The lowest price among the bids still in the competition earns all the points "
        "available; every other bid earns the lowest price ÷ its price × the points "
        "available, so a bid twice the lowest earns half the points."),
    "linear_deduction": (
        "The lowest price among the bids still in the competition earns all the points "
        "available; each 1% above the lowest price loses 1% of them (points available × "
        "(1 − (price − lowest) ÷ lowest)), so a bid at twice the lowest price or more earns "
        "none."),
    "fixed": (
        "The price is fixed, so bidders compete on quality and social value only; price "
        "carries no points."),
}
SCORED_METHODS = {
    "max": ("The agreed score ÷ the top of the scale × the points available: a score of 3 "
            "out of 5 earns three fifths of the points."),
    "best": ("The agreed score ÷ the highest agreed score among the bids still in the "
             "competition × the points available, so the best answer earns all the points."),
}
MEASURED_METHODS = {
    "higher_is_better": (
        "The highest figure among the bids still in the competition earns all the points "
        "available; every other bid earns its figure ÷ the highest × the points available. "
        "A figure of zero, or none, earns no points."),
    "lower_is_better": (
        "The lowest figure among the bids still in the competition earns all the points "
        "available; every other bid earns the lowest ÷ its figure × the points available. "
        "A figure of zero, or none, earns no points."),
}
GATEWAY_METHOD = "Pass or fail: a fail excludes the bid whatever its score."
PROVISIONAL_RULE = (
    "Results rest on the scores agreed at moderation. Until a score is agreed, the mean of "
    "the evaluators' submitted scores stands in for it, and every figure that depends on a "
    "mean is marked provisional.")
EXCLUSION_RULE = (
    "A bid that fails a pass/fail question, scores below a question's minimum, or is "
    "withdrawn is excluded: it gets no total and no rank, and the reasons are recorded. The "
    "lowest price and the highest figures used by the formulas are taken over the bids still "
    "in the competition.")
TIE_RULE = (
    "Bids are ranked by their totals as shown. Equal totals share a rank and are flagged as a "
    "tie; the software never breaks a tie, the panel does, as the tender documents set out.")


def method(c: Criterion, data: TenderData) -> str:
    """How one criterion is scored, in a sentence or two (scale, formula, minimum)."""
    if c.kind == "group":
        return "The sum of the points of the criteria under it."
    if c.kind == "pass_fail":
        return GATEWAY_METHOD
    if c.kind == "price":
        return PRICE_METHODS.get(c.formula, c.formula)
    if c.kind == "quantitative":
        unit = f" Figures are in {c.unit}." if c.unit else ""
        return MEASURED_METHODS.get(c.direction, c.direction) + unit
    scale = data.scale(c.scale)
    on = f"Scored on the {scale.name} scale ({scale_range(scale.lowest, scale.highest)}). " \
        if scale else "Scored (no scale set). "
    minimum = (f" A score below {dec_str(c.minimum)} excludes the bid." if c.minimum
               is not None else "")
    return on + SCORED_METHODS.get(c.normalise, c.normalise) + minimum


def scale_range(low: Decimal, high: Decimal) -> str:
    return f"{dec_str(low)} to {dec_str(high)}"


def kind_label(c: Criterion, data: TenderData) -> str:
    """The criterion's type in a few words: "Scored 0–5, minimum 2", "Price", "Pass/fail"."""
    if c.kind == "scored":
        scale = data.scale(c.scale)
        text = f"Scored {dec_str(scale.lowest)}–{dec_str(scale.highest)}" if scale else "Scored"
        return text + (f", minimum {dec_str(c.minimum)}" if c.minimum is not None else "")
    if c.kind == "quantitative":
        better = "higher" if c.direction == "higher_is_better" else "lower"
        unit = f"{c.unit}, " if c.unit else ""
        return f"Measured ({unit}{better} is better)"
    if c.kind == "price":
        return {"lowest_over_bid": "Price (lowest ÷ bid)",
                "linear_deduction": "Price (deduction)", "fixed": "Price (fixed)"}.get(
                    c.formula, "Price")
    return KIND_LABELS.get(c.kind, c.kind)


def rounding_text(r: Rounding) -> str:
    """The rounding policy in words."""
    places = "as whole numbers" if r.decimals == 0 else (
        f"to {r.decimals} decimal place" + ("s" if r.decimals != 1 else ""))
    example = Decimal(25).scaleb(-(r.decimals + 1))  # 2.5, 0.25, 0.025...: a half to round
    rule = "rounded up" if r.mode == "half_up" else "rounded to the nearest even digit"
    halves = f"halves are {rule} ({example} becomes {round_to(example, r)})"
    if r.stage == "final":
        when = ("Points are worked out exactly and rounded only where they are shown, so the "
                "total is the exact sum rounded once.")
    else:
        when = ("Each criterion's points are rounded before they are added up, and the total "
                "is the sum of the rounded figures.")
    return f"{when} Figures are shown {places}; {halves}."


def value_text(c: Criterion, value: Decimal | None, tender: Tender) -> str:
    """A bidder's price or figure as people write it ("£648,000", "3,100 hours")."""
    if value is None:
        return "none given"
    if c.kind == "price":
        return fmt_money(value, tender.currency)
    whole, dot, fraction = dec_str(value).partition(".")
    shown = f"{int(whole):,}{dot}{fraction}"
    return f"{shown} {c.unit}".strip()


def percent(value: Decimal) -> str:
    return f"{points(value)}%"


def day(text: str | None) -> str:
    """An ISO date or time as people write it ("2 November 2026"); other text unchanged."""
    if not text:
        return ""
    try:
        when = date.fromisoformat(text[:10])
    except ValueError:
        return text
    return f"{when.day} {when:%B %Y}"


def plural(count: int, one: str, many: str = "") -> str:
    """ "1 bid", "3 bids", "1 evaluator"; `many` for irregular plurals."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"
