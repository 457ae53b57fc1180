"""The pack's section for one lot: ranking, chart, exclusions, close call, price, social value,
moderated scores with the panel's reasons, and agreement between evaluators."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from reportlab.platypus import Flowable, PageBreak

from workbench.domain import Criterion, Lot, ModeratedScore
from workbench.moderation.agreement import agreement_table, evaluator_deviation
from workbench.numbers import dec_str, fmt_money
from workbench.reports.charts import points_chart
from workbench.reports.common import (
    CELL_LOOK,
    ITALIC_LOOK,
    SMALL_LOOK,
    WIDTH,
    Heading,
    esc,
    grid,
    para,
    points,
    rich,
)
from workbench.reports.facts import Facts
from workbench.reports.textflow import Text
from workbench.reports.wording import (
    ORGANISATION_LABELS,
    ORGANISATION_PHRASES,
    award_text,
    day,
    method,
    organisation_short,
    percent,
    value_text,
)
from workbench.scoring.formulas import AWARD_METHODS
from workbench.scoring.results import BidderResult, LotResult
from workbench.scoring.sensitivity import sensitivity
from workbench.scoring.weights import effective_percent, social_value_percent


def lot_section(facts: Facts, lot: Lot, number: int) -> list[Flowable]:
    """Section `number`: everything the pack says about one lot, from the scoring engine."""
    result = facts.result(lot.id)
    key = f"lot-{lot.id}"
    out: list[Flowable] = [PageBreak(), Heading(f"{number}. {lot.title}", 0, key)]
    if result.provisional:
        out.append(rich("<b>These results are provisional:</b> "
                        + esc("; ".join(result.notes)) + ".", "warn"))
    parts = [("Ranking", _ranking), ("Exclusions", _exclusions),
             ("Abnormally low tenders", _low_bids), ("How close was it?", _close),
             ("Price and measured figures", _priced), ("Social value", _social_value),
             ("Moderated scores and the panel's reasons", _moderated),
             ("Agreement between evaluators", _agreement)]
    i = 0
    for title, build in parts:
        body = build(facts, lot, result)
        if body:  # numbered as printed, so a part with nothing to say leaves no gap
            i += 1
            out.append(Heading(f"{number}.{i} {title}", 1, f"{key}-{i}"))
            out += body
    return out


def _ranking(facts: Facts, lot: Lot, result: LotResult) -> list[Flowable]:
    tops = [c for c in lot.criteria if c.id in result.available]
    by_ratio = AWARD_METHODS[lot.award_method].by_ratio
    ratio = ["£ per quality point"] if by_ratio else []
    each = min(0.11, (0.42 - 0.13 * len(ratio)) / max(1, len(tops)))
    shares = [0.07, 0.7 - each * len(tops) - 0.13 * len(ratio), 0.12, *([each] * len(tops)),
              0.11, *([0.13] * len(ratio))]
    header = ["Rank", "Bidder", "Type",
              *(f"{c.title} (of {points(result.available[c.id])})" for c in tops),
              "Quality points" if by_ratio else "Total", *ratio]
    rows: list[list[object]] = []
    money = facts.data.tender.currency
    for b in result.bidders:
        kind = organisation_short(b.bidder.organisation_types)
        name = b.name + (" (abnormally low)" if b.abnormally_low else "")
        if b.rank is None:
            rows.append(["—", name, kind, *(["—"] * len(tops)), "Excluded",
                         *(["—"] * len(ratio))])
            continue
        shown = [fmt_money(Decimal(b.ratio_text), money) if b.ratio_text else "—"]
        rows.append([f"{b.rank}{'=' if b.tied else ''}", name, kind,
                     *(b.criteria[c.id].points_text for c in tops), b.total_text,
                     *(shown if by_ratio else [])])
    winners = [i for i, b in enumerate(result.bidders) if b.rank == 1]
    out: list[Flowable] = [
        para(_outcome(result, money), "lead"), para(award_text(lot.award_method), "small"),
        grid(header, rows, shares, numeric=tuple(range(3, 4 + len(tops) + len(ratio))),
             bold_rows=winners)]
    if by_ratio:  # each ratio as a person would check it with a calculator
        out.append(grid(["Bidder", "Price per quality point worked out"],
                        [[b.name, b.ratio_working] for b in result.ranked if b.ratio_working],
                        [0.32, 0.68]))
    if any(b.tied for b in result.ranked):
        out.append(para("“=” marks a shared rank: equal totals as shown. The panel decides a "
                        "tie as the tender documents set out.", "small"))
    chart = points_chart(result, lot, WIDTH)
    if chart is not None:
        out.append(Heading("Points by criterion", 2))
        out.append(chart)
        if any(b.excluded for b in result.bidders):
            out.append(para("Excluded bidders have no points and are not shown.", "small"))
    return out


def _outcome(result: LotResult, currency: str) -> str:
    winners = result.winners
    if not winners:
        return "No bid remains in the competition."
    first = winners[0]
    if first.ratio_text is not None:
        figure = f"{fmt_money(Decimal(first.ratio_text), currency)} per quality point"
        lead = "leads at present" if result.provisional else "offers the lowest price per " \
            "quality point"
    else:
        figure = f"{first.total_text} points"
        lead = "leads at present" if result.provisional else "is the highest-scoring bid"
    if len(winners) > 1:
        names = " and ".join(b.name for b in winners)
        return f"{names} are tied for first place on {figure}."
    return f"{first.name} {lead}, with {figure}."


def _low_bids(facts: Facts, lot: Lot, result: LotResult) -> list[Flowable]:
    """Each abnormally low bid: what the supplier was asked, its response, the decision."""
    flagged = [b for b in result.bidders if b.abnormally_low]
    if not flagged:
        return []
    reviews = {r.bidder: r for r in lot.low_bid_reviews}
    money = facts.data.tender.currency
    rows = []
    for b in flagged:
        review = reviews.get(b.bidder.id)
        if review is None or review.price != b.bidder.price:
            rows.append([b.name, "—", "—", "Awaiting a decision"])
            continue
        decided = "Accepted" if review.decision == "accept" else "Excluded"
        rows.append([f"{b.name} ({fmt_money(review.price, money)})", review.question,
                     review.response, f"{decided}: {review.reason}"])
    below = dec_str(facts.data.tender.abnormally_low_percent)
    return [para(f"A bid of £0, or more than {below}% below the mean of the other bids in "
                 "the competition, is abnormally low. The supplier was asked to explain it "
                 "and the panel decided:", "lead"),
            grid(["Bidder", "Asked", "Response", "Decision"], rows, [0.2, 0.28, 0.28, 0.24])]


def _exclusions(facts: Facts, lot: Lot, result: LotResult) -> list[Flowable]:
    out = [b for b in result.bidders if b.excluded]
    if not out:
        return [para("No bid was excluded.")]
    rows = [[b.name, "\n".join(_sentence(r) for r in b.reasons)] for b in out]
    return [para("These bids were excluded and have no total and no rank.", "lead"),
            grid(["Bidder", "Why the bid was excluded"], rows, [0.32, 0.68])]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _close(facts: Facts, lot: Lot, result: LotResult) -> list[Flowable]:
    call = sensitivity(facts.data, lot)
    out: list[Flowable] = [para(
        "How much would have to change for a different bid to win: the margin, the smallest "
        "single change of one evaluator's mark, and how far each main weight would have to "
        "move.")]
    out += [para(f"• {line}") for line in call.lines]
    return out


def _leaves(lot: Lot) -> Iterator[Criterion]:
    return (c for c in lot.all_criteria() if c.kind not in ("group", "pass_fail"))


def _themed(lot: Lot) -> list[Criterion]:
    """Leaves carrying a social value theme, themselves or through a group above them."""
    found: list[Criterion] = []

    def visit(nodes: list[Criterion], themed: bool) -> None:
        for c in nodes:
            if c.kind == "group":
                visit(c.children, themed or bool(c.theme))
            elif c.kind != "pass_fail" and (themed or c.theme):
                found.append(c)

    visit(lot.criteria, False)
    return found


def _criterion_table(facts: Facts, c: Criterion, result: LotResult) -> Flowable:
    """Each bidder's price, figure or score on `c`, its points and the working behind them."""
    what = {"price": "Price", "quantitative": "Figure"}.get(c.kind, "Score")
    rows = []
    for b in result.bidders:
        cell = b.criteria[c.id]
        value = cell.score_text if c.kind == "scored" else value_text(
            c, cell.score, facts.data.tender)
        rows.append([b.name, value or "—", cell.points_text or "—", cell.working])
    return grid(["Bidder", what, f"Points (of {points(result.available.get(c.id))})",
                 "How the points were worked out"], rows, [0.27, 0.14, 0.1, 0.49],
                numeric=(1, 2))


def _priced(facts: Facts, lot: Lot, result: LotResult) -> list[Flowable]:
    themed = {c.id for c in _themed(lot)}
    out: list[Flowable] = []
    for c in _leaves(lot):
        if c.kind == "price" or (c.kind == "quantitative" and c.id not in themed):
            out += [Heading(f"{c.id} {c.title}", 2), para(method(c, facts.data), "lead"),
                    _criterion_table(facts, c, result)]
    return out


def _social_value(facts: Facts, lot: Lot, result: LotResult) -> list[Flowable]:
    tender = facts.data.tender
    by_ratio = AWARD_METHODS[lot.award_method].by_ratio  # PPN 002: then of the quality score
    share = social_value_percent(lot, quality_only=by_ratio)
    themed = _themed(lot)
    effective = effective_percent(lot)
    minimum = tender.social_value_minimum_weight
    authority = tender.authority or "The contracting authority"
    if not themed:
        out: list[Flowable] = [para(
            f"No criterion of this lot carries a social value theme. {authority}'s policy "
            f"minimum is {percent(minimum)}, so the policy is not met.")]
    else:
        listed = ", ".join(f"{c.id} {c.title} ({percent(effective[c.id])})" for c in themed)
        met = "so the policy is met" if share >= minimum else "so the policy is NOT met"
        of = "the quality marks" if by_ratio else "the marks"
        out = [para(f"Social value carries {percent(share)} of {of} for this lot: "
                    f"{listed}. {authority}'s policy minimum is {percent(minimum)}, {met}.")]
    for c in themed:
        title = f"{c.id} {c.title}" + (f" — {c.theme}" if c.theme else "")
        intro = ("What each bidder committed to, and the points it earns. "
                 if c.kind == "quantitative" else "") + method(c, facts.data)
        out += [Heading(title, 2), para(intro, "lead"), _criterion_table(facts, c, result)]
    out += _participation(result)
    return out


def _participation(result: LotResult) -> list[Flowable]:
    """How SMEs, VCSEs and others fared: bids, still in, best place (DESIGN: the pack shows it)."""
    rows = []
    for kind, label in ORGANISATION_LABELS.items():
        bids = [b for b in result.bidders if b.bidder.is_type(kind)]
        if not bids:
            continue
        ranks = [b.rank for b in bids if b.rank is not None]
        best = _ordinal(min(ranks)) if ranks else "—"
        rows.append([label, str(len(bids)), str(len(ranks)), best])
    out: list[Flowable] = [Heading("Participation of smaller organisations", 2),
                           grid(["Organisation type", "Bids", "Still in the competition",
                                 "Best place"], rows, [0.5, 0.12, 0.22, 0.16],
                                numeric=(1, 2, 3))]
    winners = result.winners
    if len(winners) == 1:
        kind = " and ".join(ORGANISATION_PHRASES.get(k, "an organisation")
                            for k in winners[0].bidder.organisation_types)
        lead = "leads at present" if result.provisional else "is the highest-scoring bid"
        out.append(para(f"{winners[0].name}, which {lead}, is {kind}."))
    return out


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _moderated(facts: Facts, lot: Lot, result: LotResult) -> list[Flowable]:
    agreed = {(m.bidder, m.criterion): m for m in lot.moderated}
    gates = {(g.bidder, g.criterion): g for g in lot.gateways}
    names = {e.id: e.name for e in facts.data.evaluators}
    scored = [c for c in lot.all_criteria() if c.kind in ("scored", "pass_fail")]
    if not scored:
        return []
    out: list[Flowable] = [para(
        "For each bidder: the score the panel agreed on every scored question, the points it "
        "earns, and the reasons the panel recorded. Pass/fail results are listed with them.")]
    for b in result.bidders:
        out.append(Heading(b.name, 2))
        out.append(para(_standing(b), "small_lead"))
        rows = []
        for c in scored:
            cell = b.criteria[c.id]
            if c.kind == "pass_fail":
                g = gates.get((b.id, c.id))
                rows.append([f"{c.id} {c.title}", (cell.result or "not assessed").capitalize(),
                             "", g.rationale if g and g.rationale else cell.working])
                continue
            rows.append([f"{c.id} {c.title}", cell.score_text or "—", cell.points_text or "—",
                         _reasons(agreed.get((b.id, c.id)), cell.working, names)])
        out.append(grid(["Question", "Agreed score", "Points", "The panel's reasons"], rows,
                        [0.25, 0.1, 0.08, 0.57], numeric=(1, 2)))
    return out


def _standing(b: BidderResult) -> str:
    if b.excluded:
        return "Excluded: " + "; ".join(b.reasons) + "."
    tied = " (shared)" if b.tied else ""
    return f"Total {b.total_text} points, ranked {_ordinal(b.rank or 0)}{tied}."


def _reasons(m: ModeratedScore | None, working: str, names: dict[str, str]) -> Flowable:
    if m is None:
        return Text([("Not yet agreed.", ITALIC_LOOK), (_sentence(working) + ".", CELL_LOOK)])
    who = f"Agreed by {m.agreed_by}" if m.agreed_by else "Agreed"
    when = f" on {day(m.agreed_at)}" if m.agreed_at else ""
    # Someone with a declared conflict with this bidder may sit in the meeting, but took no
    # part in agreeing this score: the record says so beside who was there.
    away = [names.get(e, e) for e in m.recused]
    present = f"; present: {', '.join(n for n in m.attendees if n not in away)}" \
        if m.attendees else ""
    apart = f"; taking no part (conflict declared): {', '.join(away)}" if away else ""
    reasons = (m.rationale, CELL_LOOK) if m.rationale else ("No reasons recorded.", ITALIC_LOOK)
    return Text([reasons, (f"{who}{when}{present}{apart}.", SMALL_LOOK)])


def _agreement(facts: Facts, lot: Lot, result: LotResult) -> list[Flowable]:
    """How consistently the evaluators marked (moderation's own figures, not recomputed)."""
    table = agreement_table(facts.data, lot)
    if not table:
        return []
    out: list[Flowable] = [para(
        "Agreement is measured with Krippendorff's alpha on the evaluators' submitted marks: "
        "1 means they all gave the same marks, 0 means no better than chance. From 0.8 the "
        "marks can be relied on; from 0.667 to 0.8 only with care.", "lead")]
    rows = [[f"{a.criterion.id} {a.criterion.title}", str(a.evaluators), str(a.bidders),
             "—" if a.alpha is None else str(a.alpha), a.reading] for a in table]
    out.append(grid(["Question", "Evaluators", "Bids marked by two or more", "Alpha",
                     "What it means"], rows, [0.29, 0.12, 0.14, 0.08, 0.37], numeric=(1, 2, 3)))
    leans = evaluator_deviation(facts.data, lot)
    if leans:
        out.append(Heading("Each evaluator against the agreed scores", 2))
        out.append(para("The average difference between an evaluator's marks and the scores "
                        "the panel agreed: below 0, they marked lower; above 0, higher.",
                        "lead"))
        out.append(grid(
            ["Evaluator", "Marks compared", "Average difference", "Average distance",
             "What it means"],
            [[d.evaluator.name, str(d.compared), _signed(d.mean), _signed(d.distance, False),
              d.reading] for d in leans],
            [0.24, 0.12, 0.13, 0.13, 0.38], numeric=(1, 2, 3)))
    return out


def _signed(value: Decimal | None, sign: bool = True) -> str:
    """A difference in scale points to 2 decimals, with its sign ("+0.25", "−0.40")."""
    if value is None:
        return "—"
    shown = value.quantize(Decimal("0.01"))
    if not sign or shown == 0:
        return format(abs(shown), "f")
    return ("+" if shown > 0 else "−") + format(abs(shown), "f")
