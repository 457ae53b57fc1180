"""Rules of a valid evaluation model, checked on import, in the editor, by `check` and on seal.

`problems()` lists every rule broken; errors block import and sealing, warnings (such as the
social value policy) are shown but do not block.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from workbench.domain import (
    CRITERION_KINDS,
    Criterion,
    Lot,
    TenderData,
)
from workbench.numbers import dec_str
from workbench.scoring.formulas import AWARD_METHODS, DIRECTIONS, NORMALISATIONS, PRICE_FORMULAS
from workbench.scoring.weights import HUNDRED, sibling_sum, social_value_percent


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (lot, criterion) and what, in a sentence."""

    lot: str
    criterion: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"lot {self.lot}" + (f", criterion {self.criterion}" if self.criterion else "")
        return f"{where}: {self.message}"


def problems(data: TenderData) -> list[Problem]:
    """Every rule the tender's evaluation model breaks, errors first."""
    found: list[Problem] = []
    for lot in data.lots:
        found.extend(lot_problems(data, lot))
    return sorted(found, key=lambda p: p.severity != "error")


def errors(data: TenderData) -> list[Problem]:
    return [p for p in problems(data) if p.severity == "error"]


def lot_problems(data: TenderData, lot: Lot) -> Iterator[Problem]:
    seen: set[str] = set()
    for criterion in lot.all_criteria():
        if criterion.id in seen:
            yield Problem(lot.id, criterion.id, f"the code {criterion.id} is used twice")
        seen.add(criterion.id)
        yield from _criterion_problems(data, lot, criterion)
    if not lot.criteria:
        yield Problem(lot.id, None, "the evaluation model has no criteria yet", "warning")
    elif lot.criteria and any(c.kind != "pass_fail" for c in lot.criteria):
        yield from _sum_problem(lot, None, lot.criteria)
    if lot.award_method not in AWARD_METHODS:
        yield Problem(lot.id, None, AWARD_METHODS.unknown(lot.award_method))
    if lot.price_ceiling is not None and lot.price_ceiling <= 0:
        yield Problem(lot.id, None, "the price ceiling must be more than 0")
    by_ratio = lot.award_method in AWARD_METHODS and AWARD_METHODS[lot.award_method].by_ratio
    share = social_value_percent(lot, quality_only=by_ratio)
    policy = data.tender.social_value_minimum_weight
    if lot.criteria and share < policy:
        # PPN 002: under price per quality point the minimum applies to the quality score
        of = "the quality score" if by_ratio else "the total"
        yield Problem(
            lot.id, None,
            f"social value carries {dec_str(share.quantize(Decimal('0.01')))}% of {of}, "
            f"below the policy minimum of {dec_str(policy)}%",
            "warning",
        )


def _sum_problem(lot: Lot, parent: str | None, nodes: list[Criterion]) -> Iterator[Problem]:
    total = sibling_sum(nodes)
    if total != HUNDRED:
        group = f"group {parent}" if parent else "the top level"
        yield Problem(lot.id, parent,
                      f"weights in {group} add up to {dec_str(total)}%, not 100%")


def _criterion_problems(data: TenderData, lot: Lot, c: Criterion) -> Iterator[Problem]:
    def problem(message: str) -> Problem:
        return Problem(lot.id, c.id, message)

    if c.kind not in CRITERION_KINDS:
        yield problem(f"unknown kind '{c.kind}' (one of {', '.join(CRITERION_KINDS)})")
        return
    if not c.title.strip():
        yield problem("has no title")
    if c.kind == "pass_fail":
        if c.weight is not None:
            yield problem("a pass/fail gateway carries no weight")
    elif c.weight is None:
        yield problem("has no weight")
    elif c.weight < 0:
        yield problem(f"weight {dec_str(c.weight)} is negative")
    if c.children and c.kind != "group":
        yield problem(f"a {c.kind.replace('_', '/')} criterion cannot contain other criteria")
    if c.kind == "group":
        if not c.children:
            yield Problem(lot.id, c.id, "group has no criteria in it", "warning")
        elif any(child.kind != "pass_fail" for child in c.children):
            yield from _sum_problem(lot, c.id, c.children)
    if c.kind == "scored":
        scale = data.scale(c.scale)
        if c.scale is None:
            yield problem("a scored criterion needs a scale")
        elif scale is None:
            yield problem(f"uses scale '{c.scale}', which does not exist")
        elif c.minimum is not None and not scale.lowest <= c.minimum <= scale.highest:
            yield problem(f"minimum {dec_str(c.minimum)} is outside its scale")
        if c.normalise not in NORMALISATIONS:
            yield problem(NORMALISATIONS.unknown(c.normalise))
    if c.kind == "price" and c.formula not in PRICE_FORMULAS:
        yield problem(PRICE_FORMULAS.unknown(c.formula))
    if c.kind == "quantitative" and c.direction not in DIRECTIONS:
        yield problem(DIRECTIONS.unknown(c.direction))
    if c.minimum is not None and c.kind != "scored":
        yield problem("a minimum score applies to a scored question only (a group takes a "
                      "quality threshold, minimum_percent)")
    if c.minimum_percent is not None:
        if c.kind != "group":
            yield problem("a quality threshold (minimum_percent) applies to a group only")
        elif not 0 < c.minimum_percent <= 100:
            yield problem(f"quality threshold {dec_str(c.minimum_percent)}% must be more than "
                          "0 and at most 100")
    if (c.min_value is not None or c.max_value is not None) and c.kind != "quantitative":
        yield problem("only a quantitative criterion has a lowest or highest figure")
    low, high = c.value_bounds()
    if low is not None and high is not None and low >= high:
        yield problem(f"the lowest figure {dec_str(low)} must be below the highest "
                      f"{dec_str(high)}")
