"""The pack's evaluation model: the seal, how points are worked out, criteria, weights, scales."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from workbench.domain import Criterion, Lot, TenderData
from workbench.numbers import dec_str, fmt_money
from workbench.reports.common import RULE, Heading, esc, grid, indented, para, points, rich
from workbench.reports.facts import Facts
from workbench.reports.wording import (
    EXCLUSION_RULE,
    LOW_BID_RULE,
    PROVISIONAL_RULE,
    TIE_RULE,
    award_text,
    day,
    kind_label,
    percent,
    rounding_text,
)
from workbench.scoring.formulas import DIRECTIONS, NORMALISATIONS, PRICE_FORMULAS
from workbench.scoring.weights import effective_percent


def model_section(facts: Facts, number: int) -> list[Flowable]:
    """Section `number`: the seal, the rules in words, then each lot's criteria and the scales."""
    data = facts.data
    tender = data.tender
    out: list[Flowable] = [Heading(f"{number}. Evaluation model", 0, "model")]
    if facts.seal_hash:
        out.append(rich(
            f"The evaluation model was sealed on <b>{esc(day(facts.sealed_at))}</b>. Its "
            "fingerprint (a SHA-256 hash of the criteria, weights, scales and rules) is:"))
        out.append(para(facts.seal_hash, "mono"))
        if facts.seal_intact:
            out.append(para("The model in this pack still has that fingerprint: it has not "
                            "changed since it was sealed."))
        else:
            out.append(rich("<b>The model in this pack no longer matches that fingerprint:</b> "
                            "it was changed after sealing. The audit trail records how.",
                            "warn"))
    else:
        out.append(rich("<b>The evaluation model has not been sealed</b>: it has no recorded "
                        "fingerprint and its weights could still be changed.", "warn"))
    out.append(Heading("How points are worked out", 1, "model-rules"))
    out.append(para(
        f"Each lot is marked out of {points(tender.total_points)} points. A criterion's weight "
        "is its share among the criteria beside it; its effective weight is its share of the "
        "whole lot, and the points available to it are that share of "
        f"{points(tender.total_points)}."))
    low_bids = LOW_BID_RULE.format(percent=dec_str(tender.abnormally_low_percent))
    for rule in (PROVISIONAL_RULE, EXCLUSION_RULE, low_bids, TIE_RULE,
                 rounding_text(tender.rounding)):
        out.append(para(rule))
    out += _formulas(data)
    for lot in data.lots:
        out += _criteria(lot, facts)
    out += _scales(data)
    return out


def _formulas(data: TenderData) -> list[Flowable]:
    """One line per formula the tender uses, nothing about the ones it does not."""
    used = [c for lot in data.lots for c in lot.all_criteria()]
    lines: list[tuple[str, str]] = []
    for mode in dict.fromkeys(c.normalise for c in used if c.kind == "scored"):
        how = NORMALISATIONS[mode]
        lines.append(("Scored questions", f"{how.words} ({how.text}.)"))
    for name in dict.fromkeys(c.formula for c in used if c.kind == "price"):
        formula = PRICE_FORMULAS[name]
        lines.append(("Price", formula.words + (f" ({formula.text}.)"
                                                if formula.carries_points else "")))
    for name in dict.fromkeys(c.direction for c in used if c.kind == "quantitative"):
        direction = DIRECTIONS[name]
        lines.append(("Measured figures", f"{direction.words} ({direction.text}.)"))
    for name in dict.fromkeys(lot.award_method for lot in data.lots):
        lines.append(("Ranking", award_text(name)))
    ceilings = [f"lot {lot.id}: {fmt_money(lot.price_ceiling, data.tender.currency)}"
                for lot in data.lots if lot.price_ceiling is not None]
    if ceilings:
        lines.append(("Price ceiling", "A bid above the lot's price ceiling is excluded ("
                      + "; ".join(ceilings) + ")."))
    if not lines:
        return []
    return [Heading("The formulas used", 2),
            grid(["Criteria", "How their points are worked out"],
                 [[what, how] for what, how in lines], [0.2, 0.8])]


def _criteria(lot: Lot, facts: Facts) -> list[Flowable]:
    """The lot's criteria tree, one table per top-level criterion so none runs for pages."""
    effective = effective_percent(lot)
    available = facts.result(lot.id).available
    out: list[Flowable] = [Heading(f"{lot.title}: criteria and weights", 1, f"model-{lot.id}")]
    weighted = [c for c in lot.criteria if c.kind != "pass_fail"]
    gateways = [c for c in lot.all_criteria() if c.kind == "pass_fail"]
    out.append(para(
        "Weight is the share among the criteria beside it; effective weight is the share of "
        "the whole lot; points are the points available." + (
            f" Pass/fail questions ({len(gateways)}) carry no weight: a fail excludes the bid."
            if gateways else ""), "lead"))
    header = ["Criterion", "Type", "Weight", "Effective weight", "Points", "Social value theme"]
    rows: list[list[object]] = []
    tops: list[int] = []
    for top in weighted:
        tops.append(len(rows))
        for depth, c in _walk(top):
            rows.append([Paragraph(esc(f"{c.id} {c.title}"), indented(depth, depth == 0)),
                         kind_label(c, facts.data),
                         percent(c.weight) if c.id in effective and c.weight is not None
                         else "—",
                         percent(effective[c.id]) if c.id in effective else "—",
                         points(available.get(c.id)) or "—", c.theme or ""])
    # A firmer rule above each top-level criterion shows where one branch of the tree ends.
    rules = [("LINEABOVE", (0, i + 1), (-1, i + 1), 0.8, RULE) for i in tops[1:]]
    out.append(grid(header, rows, [0.36, 0.2, 0.09, 0.11, 0.09, 0.15], numeric=(2, 3, 4),
                    bold_rows=tops, extra=rules))
    if gateways:
        out.append(grid(["Pass/fail question", "What is checked"],
                        [[f"{c.id} {c.title}", c.question or c.guidance or "—"]
                         for c in gateways], [0.36, 0.64]))
    return out


def _walk(c: Criterion, depth: int = 0) -> list[tuple[int, Criterion]]:
    found = [(depth, c)]
    for child in c.children:
        found += _walk(child, depth + 1)
    return found


def _scales(data: TenderData) -> list[Flowable]:
    if not data.scales:
        return []
    out: list[Flowable] = [Heading("Scoring scales", 1, "model-scales")]
    for scale in data.scales:
        out.append(Heading(scale.name, 2))
        if scale.is_range:
            step = f" in steps of {points(scale.step)}" if scale.step else ""
            out.append(para(f"Any score from {points(scale.min)} to {points(scale.max)}{step}."))
            continue
        rows = [[points(level.value), level.label, level.descriptor or "—"]
                for level in scale.levels]
        out.append(grid(["Score", "Meaning", "Descriptor"], rows, [0.08, 0.2, 0.72],
                        numeric=(0,)))
    return out
