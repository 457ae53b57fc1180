"""The monitoring report: a first page a cabinet member reads in a minute (each monitored
lot's overall rating and how it was worked out, committed against delivered over time, what
is off track and why), then one section per commitment with its evidence.

Every figure, status and rating comes from `workbench.monitoring` (`monitor_lot`,
`timeline`); nothing is added up here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer, Table

from workbench.errors import ValidationError
from workbench.monitoring import (
    COLOURS,
    METHODS,
    RULES,
    CommitmentStatus,
    Ledger,
    LotMonitoring,
    amount_text,
    commitment_text,
    monitor_lot,
    timeline,
)
from workbench.monitoring.ratings import money
from workbench.reports.common import (
    WIDTH,
    Furniture,
    Heading,
    Progress,
    grid,
    pairs,
    para,
    render,
    save,
)
from workbench.reports.pair_chart import pair_chart
from workbench.reports.wording import day

DOCUMENT = "Social value monitoring report"


def monitoring_pdf(book: Ledger, generated_on: str | None = None,
                   progress: Progress | None = None) -> tuple[bytes, int]:
    """The monitoring report as PDF bytes, with its page count.

    Refused while no lot has a supplier to report on (no lot's results are final yet).
    """
    tender = book.data.tender
    lots = [monitor_lot(book, lot.id) for lot in book.data.lots]
    if not any(lot.supplier is not None for lot in lots):
        why = "; ".join(f"lot {lot.lot.id}: {lot.why_none}" for lot in lots) or "no lots"
        raise ValidationError(f"no monitoring report yet: no lot has a supplier to monitor "
                              f"({why})")
    story = _story(book, lots, generated_on or date.today().isoformat())
    furniture = Furniture(tender.reference, f"{DOCUMENT}: {tender.title}",
                          authority=tender.authority, subject=DOCUMENT)
    return render(story, furniture, progress)


def write_monitoring_report(book: Ledger, path: str | Path,
                            progress: Progress | None = None) -> int:
    """Write the monitoring report to `path`; returns the number of pages."""
    data, pages = monitoring_pdf(book, progress=progress)
    save(path, data)
    return pages


def _story(book: Ledger, lots: list[LotMonitoring], generated_on: str) -> list[Flowable]:
    tender = book.data.tender
    out: list[Flowable] = [
        para(DOCUMENT, "title"),
        para(tender.title, "subtitle"),
        para(f"{tender.authority or 'Contracting authority not recorded'} · "
             f"{tender.reference or 'no reference'} · {day(generated_on)} · rated "
             f"{METHODS[book.rules.method]}", "small"),
        Spacer(1, 3 * mm),
    ]
    for lot in lots:
        out += _summary(book, lot)
    for lot in lots:
        if lot.supplier is not None:
            out += _details(lot)
    out += [Heading("How the figures are worked out", 0, "rules"),
            *[para(rule) for rule in RULES], *_signoff()]
    return out


def _summary(book: Ledger, lot: LotMonitoring) -> list[Flowable]:
    """The first page's block for one lot: rating, chart, what is off track and why."""
    out: list[Flowable] = [Heading(lot.lot.title, 0, f"summary-{lot.lot.id}")]
    if lot.supplier is None:
        return [*out, para(f"Not monitored yet: {lot.why_none}.", "small")]
    rating = lot.rating
    assert rating is not None
    band = rating.band or "Not rated"
    periods = ", ".join(lot.periods) if lot.periods else "none yet"
    out.append(_chip(f"Overall: {band}", COLOURS.get(band, COLOURS["not rated"])))
    out.append(para(f"{lot.supplier.name} · periods reported: {periods}", "small"))
    out.append(para(f"How this was worked out: {rating.working}.", "small"))
    points = timeline(book, lot.lot.id)
    value = book.rules.method == "value"
    chart = pair_chart([p for p, _c, _d in points], [c for _p, c, _d in points],
                       [d for _p, _c, d in points],
                       ("Proxy value committed to date", "Proxy value delivered to date")
                       if value else ("Commitments rated", "Commitments on track"),
                       WIDTH, "£ to date" if value else "commitments")
    if chart is not None:
        out.append(chart)
    behind = lot.off_track
    if not behind:
        out.append(para("Every rated commitment is on track."))
        return out
    out += [Spacer(1, 3 * mm), para("Off track or behind, and why", "lead")]
    rows = [[f"{s.commitment.id} {s.commitment.measure}", s.status,
             s.delivered_text, s.deliveries[-1].narrative if s.deliveries else "—"]
            for s in behind]
    out.append(grid(["Commitment", "Status", "Latest", "Supplier's explanation"], rows,
                    [0.3, 0.12, 0.16, 0.42], extra=_shades(behind, 1)))
    return out


def _details(lot: LotMonitoring) -> list[Flowable]:
    assert lot.supplier is not None
    out: list[Flowable] = [PageBreak(), Heading(f"{lot.lot.title}: commitments", 0,
                                                f"lot-{lot.lot.id}")]
    out.append(pairs([("Supplier", lot.supplier.name),
                      ("Evaluation result", f"First place, {lot.supplier.total_text} points"),
                      ("Periods reported", ", ".join(lot.periods) or "none yet")]))
    if not lot.commitments:
        out.append(para("No commitments are recorded for this contract yet."))
        return out
    rows = [[f"{s.commitment.id} {s.commitment.measure}", commitment_text(s.commitment),
             s.delivered_text, amount_text(s.target, s.commitment.unit), s.status]
            for s in lot.commitments]
    out.append(grid(["Commitment", "Committed", "Delivered to date", "Target to date",
                     "Status"], rows, [0.32, 0.24, 0.16, 0.14, 0.14], numeric=(2, 3),
                    extra=_shades(lot.commitments, 4)))
    for s in lot.commitments:
        out += _commitment(s, lot.currency)
    return out


def _commitment(s: CommitmentStatus, currency: str) -> list[Flowable]:
    c = s.commitment
    facts = [("Criterion", f"{s.criterion.id} {s.criterion.title} ({s.theme or 'no theme'})"),
             ("Committed", commitment_text(c)), ("Status", s.working)]
    if c.proxy_value is not None:
        facts.append(("Proxy value", f"{money(c.proxy_value, currency)} per "
                      f"{c.unit or 'unit'}, typed by the authority"))
    if c.source:
        facts.append(("From the bid", c.source))
    out: list[Flowable] = [Heading(f"{c.id} {c.measure}", 2), pairs(facts, 0.2)]
    if not s.deliveries:
        return [*out, para("No delivery reported yet.")]
    rows = [[d.period, amount_text(d.delivered, c.unit), d.narrative or "—", d.evidence,
             day(d.recorded_on)] for d in s.deliveries]
    out.append(grid(["Period", "Delivered", "Supplier's account", "Evidence seen",
                     "Recorded"], rows, [0.1, 0.12, 0.36, 0.28, 0.14], numeric=(1,)))
    return out


def _chip(text: str, colour: str) -> Table:
    return Table([[para(text, "h2")]], colWidths=[WIDTH * 0.5], hAlign="LEFT", style=[
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(colour)),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)])


def _shades(found: list[CommitmentStatus], column: int) -> list[tuple[object, ...]]:
    return [("BACKGROUND", (column, r), (column, r), colors.HexColor(COLOURS[s.status]))
            for r, s in enumerate(found, start=1)]


def _signoff() -> list[Flowable]:
    rows = [[role, "", "", ""] for role in ("Contract manager", "Social value lead",
                                            "Head of service")]
    return [Heading("Reviewed by", 0, "signoff"),
            para("By signing, I confirm that the delivery figures above match the supplier's "
                 "returns and the evidence seen.", "lead"),
            grid(["Role", "Name", "Signature", "Date"], rows, [0.28, 0.28, 0.28, 0.16],
                 zebra=False, row_height=12 * mm)]
