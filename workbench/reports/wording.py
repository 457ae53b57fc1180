"""The reports' plain-English sentences: how each criterion is scored, rounding, organisations.

The sentences say in words what `workbench.scoring.formulas` computes, so the printed method
and the arithmetic are read side by side in one place when either changes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from workbench.domain import Criterion, Rounding, Tender, TenderData
from workbench.numbers import dec_str, fmt_money, round_to
from workbench.reports.common import points
from workbench.scoring.formulas import AWARD_METHODS, DIRECTIONS, NORMALISATIONS, PRICE_FORMULAS

ORGANISATION_LABELS = {"SME": "SME", "VCSE": "VCSE (voluntary, community or social enterprise)",
                       "large": "Large organisation", "public body": "Public body"}
ORGANISATION_SHORT = {"SME": "SME", "VCSE": "VCSE", "large": "Large", "public body": "Public body"}
ORGANISATION_PHRASES = {"SME": "an SME", "VCSE": "a VCSE organisation", "large": "a large "
                        "organisation", "public body": "a public body"}
KIND_LABELS = {"group": "Group", "scored": "Scored question", "pass_fail": "Pass/fail",
               "price": "Price", "quantitative": "Measured figure"}

def award_text(method: str) -> str:
    """How a lot's bidders are ranked, as printed in the pack: in words, then the formula."""
    entry = AWARD_METHODS[method]
    return f"{entry.words} ({entry.text}.)"


def organisation_short(types: tuple[str, ...]) -> str:
    """"SME / VCSE": a bidder's organisation types in a table cell."""
    return " / ".join(ORGANISATION_SHORT.get(kind, kind) for kind in types)


GATEWAY_METHOD = "Pass or fail: a fail excludes the bid whatever its score."
PROVISIONAL_RULE = (
    "Results rest on the scores agreed at moderation. Until a score is agreed, the mean of "
    "the evaluators' submitted scores stands in for it, and every figure that depends on a "
    "mean is marked provisional.")
EXCLUSION_RULE = (
    "A bid that fails a pass/fail question, scores below a question's minimum or a group's "
    "quality threshold, is priced above the lot's price ceiling, is excluded after review as "
    "abnormally low, or is withdrawn is excluded: it gets no total and no rank, and the "
    "reasons are recorded. The lowest and highest prices and figures used by the formulas are "
    "taken over the bids still in the competition.")
LOW_BID_RULE = (
    "A bid of £0, or more than {percent}% below the mean of the other bids in the "
    "competition, is abnormally low (Procurement Act 2023 s.19(3)(c)): the supplier is asked "
    "to explain it and the panel records its decision to accept or exclude the bid, with the "
    "reason. Until every such bid has a decision the results are provisional.")
TIE_RULE = (
    "Bids are ranked by their totals as shown. Equal totals share a rank and are flagged as a "
    "tie; the software never breaks a tie, the panel does, as the tender documents set out.")


def method(c: Criterion, data: TenderData) -> str:
    """How one criterion is scored, in a sentence or two (scale, formula, minimum)."""
    if c.kind == "group":
        threshold = (f" Quality threshold: a bid earning less than "
                     f"{dec_str(c.minimum_percent)}% of its points is excluded."
                     if c.minimum_percent is not None else "")
        return "The sum of the points of the criteria under it." + threshold
    if c.kind == "pass_fail":
        return GATEWAY_METHOD
    if c.kind == "price":
        formula = PRICE_FORMULAS[c.formula]
        return formula.words + (f" ({formula.text}.)" if formula.carries_points else "")
    if c.kind == "quantitative":
        unit = f" Figures are in {c.unit}." if c.unit else ""
        low, high = c.value_bounds()
        bounds = "" if low is None and high is None else (
            f" Figures accepted: {dec_str(low) if low is not None else 'any'} to "
            f"{dec_str(high) if high is not None else 'any'}.")
        return DIRECTIONS[c.direction].words + unit + bounds
    scale = data.scale(c.scale)
    on = f"Scored on the {scale.name} scale ({scale_range(scale.lowest, scale.highest)}). " \
        if scale else "Scored (no scale set). "
    minimum = (f" A score below {dec_str(c.minimum)} excludes the bid." if c.minimum
               is not None else "")
    return on + NORMALISATIONS[c.normalise].words + minimum


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
        return f"Price ({PRICE_FORMULAS[c.formula].label.lower()})"
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
