"""The evaluation pack: the PDF approvers sign and auditors read.

Cover, contents, tender summary, evaluation model, panel and conflicts, one section per lot,
audit summary, sign-off, then an appendix of individual scores per lot. Every number comes
from the scoring engine through `Facts.results` (and the close-call report); nothing here
adds points up. When any lot is provisional, every page says so.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from workbench.numbers import fmt_money
from workbench.reports.appendix import appendix_section
from workbench.reports.common import (
    MARKING,
    Contents,
    Furniture,
    Heading,
    Meter,
    Progress,
    grid,
    pairs,
    para,
    points,
    render,
    rich,
    save,
)
from workbench.reports.facts import Facts
from workbench.reports.governance import audit_section, panel_section, signoff_section
from workbench.reports.lots import lot_section
from workbench.reports.model import model_section
from workbench.reports.wording import day, plural

#: Share of the progress scale (out of 1000) spent composing; the rest is layout.
_COMPOSE = 250


def build_pack(facts: Facts, progress: Progress | None = None) -> tuple[bytes, int]:
    """The evaluation pack as PDF bytes, with its page count."""
    story = pack_story(facts, Meter(progress, 0, _COMPOSE))
    tender = facts.data.tender
    furniture = Furniture(tender.reference, f"Evaluation pack: {tender.title}",
                          facts.provisional, authority=tender.authority,
                          subject="Evaluation pack")
    return render(story, furniture, progress, (_COMPOSE, Meter.TOTAL))


def write_pack(facts: Facts, path: str | Path, progress: Progress | None = None) -> int:
    """Write the evaluation pack to `path`; returns the number of pages."""
    data, pages = build_pack(facts, progress)
    save(path, data)
    return pages


def pack_story(facts: Facts, meter: Meter) -> list[Flowable]:
    """Every flowable of the pack in order, the contents page included."""
    lots = facts.data.lots
    steps = 4 + 2 * len(lots)
    body: list[Flowable] = []
    number = 1
    body += _summary(facts, number)
    body += model_section(facts, number + 1)
    body += panel_section(facts, number + 2)
    meter(3, steps)
    number += 3
    for i, lot in enumerate(lots):
        body += lot_section(facts, lot, number)
        number += 1
        meter(4 + i, steps)
    body += audit_section(facts, number)
    body += signoff_section(facts, number + 1)
    for i, lot in enumerate(lots):
        before = 4 + len(lots) + i  # steps done before this appendix, then its share of one

        def part(done: int, total: int, before: int = before) -> None:
            meter(before * total + done, steps * total)

        body += appendix_section(facts, lot, _letter(i), part)
    meter(steps, steps)
    return [*_cover(facts), Heading("Contents", 0), Contents.of(body), PageBreak(), *body]


def _letter(i: int) -> str:
    return chr(ord("A") + i) if i < 26 else f"A{i + 1}"


def _cover(facts: Facts) -> list[Flowable]:
    tender = facts.data.tender
    out: list[Flowable] = [Spacer(1, 28 * mm), para(MARKING, "warn"), Spacer(1, 6 * mm),
                           para("Evaluation pack", "title"), para(tender.title, "subtitle"),
                           Spacer(1, 8 * mm)]
    value = fmt_money(tender.estimated_value, tender.currency) \
        if tender.estimated_value is not None else "Not stated"
    out.append(pairs([
        ("Reference", tender.reference or "—"),
        ("Contracting authority", tender.authority or "—"),
        ("Procedure", tender.procedure or "—"),
        ("Estimated value", value),
        ("Lots", "\n".join(lot.title for lot in facts.data.lots) or "—"),
        ("Status", facts.stage.text),
        ("Date of this pack", day(facts.generated_on)),
        ("Protective marking", MARKING),
    ]))
    out.append(Spacer(1, 8 * mm))
    if facts.provisional:
        out.append(rich("<b>PROVISIONAL.</b> Some results in this pack are not final:", "warn"))
        for r in facts.results:
            if r.provisional:
                out.append(para(f"{r.title}: {'; '.join(r.notes)}.", "warn"))
    out.append(Spacer(1, 4 * mm))
    out.append(para("This pack holds commercially sensitive information about the bids. Share "
                    "it only with the people who approve or audit the evaluation.", "small"))
    out.append(PageBreak())
    return out


def _summary(facts: Facts, number: int) -> list[Flowable]:
    data = facts.data
    tender = data.tender
    bids = sum(len(lot.bidders) for lot in data.lots)
    out: list[Flowable] = [Heading(f"{number}. Tender summary", 0, "summary"), para(
        f"This pack records how {plural(bids, 'bid')} across {plural(len(data.lots), 'lot')} "
        f"{'was' if bids == 1 else 'were'} evaluated by a panel of "
        f"{plural(len(data.evaluators), 'evaluator')}, and the outcome of each lot. Each lot is "
        f"marked out of {points(tender.total_points)} points.", "lead")]
    rows = []
    for r in facts.results:
        excluded = sum(1 for b in r.bidders if b.excluded)
        winners = r.winners
        leader = " and ".join(b.name for b in winners) or "No bid in the competition"
        total = winners[0].total_text if winners else "—"
        if winners and winners[0].ratio_text is not None:  # ranked on price per quality point
            total = f"{fmt_money(Decimal(winners[0].ratio_text), tender.currency)} per point"
        rows.append([r.title, str(len(r.bidders)), str(excluded), leader, total,
                     "Provisional" if r.provisional else "Final"])
    out.append(grid(["Lot", "Bids", "Excluded", "First-placed bid", "Total", "Results"],
                    rows, [0.27, 0.07, 0.11, 0.28, 0.13, 0.14], numeric=(1, 2, 4)))
    out.append(para(f"Status of the tender: {facts.stage.text}."))
    return out
