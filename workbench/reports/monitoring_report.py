"""The monitoring report: per lot, what the supplier committed to on each social value measure,
what it delivered in each period with the evidence seen, and whether it is on track.

Every figure and status comes from `workbench.monitoring.monitor_lot`, and the supplier from
the scoring engine through it; nothing is added up here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from workbench.errors import ValidationError
from workbench.monitoring import (
    MONITORED,
    NOT_YET,
    RAG_COLOURS,
    RULES,
    Ledger,
    LotMonitoring,
    MeasureStatus,
    amount_text,
    commitment_text,
    monitor_lot,
)
from workbench.reports.common import (
    MUTED_HEX,
    Furniture,
    Heading,
    Progress,
    esc,
    grid,
    pairs,
    para,
    render,
    rich,
    save,
)
from workbench.reports.wording import STATUS_LABELS, day

DOCUMENT = "Social value monitoring report"


def monitoring_pdf(book: Ledger, generated_on: str | None = None,
                   progress: Progress | None = None) -> tuple[bytes, int]:
    """The monitoring report as PDF bytes, with its page count.

    Refused before the award is recommended: there is no supplier to report on.
    """
    tender = book.data.tender
    if tender.status not in MONITORED:
        raise ValidationError(f"no monitoring report yet: {NOT_YET}")
    story = _story(book, generated_on or date.today().isoformat())
    furniture = Furniture(tender.reference, f"{DOCUMENT}: {tender.title}",
                          authority=tender.authority, subject=DOCUMENT)
    return render(story, furniture, progress)


def write_monitoring_report(book: Ledger, path: str | Path,
                            progress: Progress | None = None) -> int:
    """Write the monitoring report to `path`; returns the number of pages."""
    data, pages = monitoring_pdf(book, progress=progress)
    save(path, data)
    return pages


def _story(book: Ledger, generated_on: str) -> list[Flowable]:
    tender = book.data.tender
    lots = [monitor_lot(book, lot.id) for lot in book.data.lots]
    out: list[Flowable] = [
        para(DOCUMENT, "title"),
        para(tender.title, "subtitle"),
        pairs([("Contracting authority", tender.authority or "—"),
               ("Reference", tender.reference or "—"),
               ("Tender status", STATUS_LABELS.get(tender.status, tender.status)),
               ("Date of report", day(generated_on))]),
        Spacer(1, 5 * mm),
        para("For each lot, this report sets out what the supplier committed to in its tender "
             "on each social value measure, what it has reported delivering in each period "
             "with the evidence seen, and whether delivery is on track."),
        Heading("How the status is worked out", 1),
        *[para(rule) for rule in RULES],
        Heading("Summary", 1),
        grid(["Lot", "Supplier", "Green", "Amber", "Red", "Not rated"],
             [_summary_row(lot) for lot in lots], [0.34, 0.3, 0.09, 0.09, 0.09, 0.09],
             numeric=(2, 3, 4, 5)),
    ]
    for lot in lots:
        out += _lot_section(lot)
    out += _signoff()
    return out


def _summary_row(lot: LotMonitoring) -> list[object]:
    if lot.supplier is None:
        return [lot.lot.title, "None: " + lot.why_none, "", "", "", ""]
    counts = [sum(m.rag == rag for m in lot.measures) for rag in ("green", "amber", "red",
                                                                    "none")]
    return [lot.lot.title, lot.supplier.name, *counts]


def _lot_section(lot: LotMonitoring) -> list[Flowable]:
    out: list[Flowable] = [Heading(lot.lot.title, 0, f"lot-{lot.lot.id}")]
    if lot.supplier is None:
        out.append(para(f"Nothing to monitor: {lot.why_none}."))
        return out
    s = lot.supplier
    periods = ", ".join(lot.periods) if lot.periods else "none yet"
    out.append(pairs([("Supplier", s.name),
                      ("Evaluation result", f"First place, {s.total_text} points"),
                      ("Periods reported", periods)]))
    if not lot.measures:
        out.append(para("This lot has no social value measures (measured figures tagged with "
                        "a social value theme), so there is nothing to monitor."))
        return out
    out.append(Heading("Commitments and delivery to date", 1))
    out.append(_measures_table(lot.measures))
    for m in lot.measures:
        out += _deliveries(m)
    return out


def _measures_table(found: list[MeasureStatus]) -> Table:
    rows, shading = [], []
    for r, m in enumerate(found, start=1):
        committed = commitment_text(m.commitment) if m.commitment else "Not recorded"
        measure = rich(f"{esc(m.criterion.id)} {esc(m.criterion.title)}<br/>"
                       f'<font color="{MUTED_HEX}" size="7.5">{esc(m.theme)}</font>', "cell")
        rows.append([measure, committed,
                     m.delivered_text,
                     amount_text(m.target, m.unit),
                     "—" if m.percent_of_commitment is None else f"{m.percent_of_commitment}%",
                     m.status_text])
        shading.append(("BACKGROUND", (5, r), (5, r), colors.HexColor(RAG_COLOURS[m.rag])))
    return grid(["Measure", "Committed", "Delivered to date", "Target to date",
                 "% of\ncommitment", "Status"], rows, [0.24, 0.18, 0.13, 0.12, 0.14, 0.19],
                numeric=(2, 3, 4), extra=shading)


def _deliveries(m: MeasureStatus) -> list[Flowable]:
    out: list[Flowable] = [Heading(f"{m.criterion.id} {m.criterion.title}", 2)]
    if m.commitment is not None and m.commitment.note:
        out.append(para(f"Note on the commitment: {m.commitment.note}", "small_lead"))
    if not m.deliveries:
        out.append(para("No delivery reported yet."))
        return out
    rows = [[d.period, amount_text(d.delivered, m.unit), d.evidence, day(d.recorded_on)]
            for d in m.deliveries]
    out.append(grid(["Period", "Delivered", "Evidence seen", "Recorded on"], rows,
                    [0.14, 0.16, 0.52, 0.18], numeric=(1,)))
    return out


def _signoff() -> list[Flowable]:
    rows = [[role, "", "", ""] for role in ("Contract manager", "Social value lead",
                                            "Head of service")]
    return [Heading("Reviewed by", 0, "signoff"),
            para("By signing, I confirm that the delivery figures above match the supplier's "
                 "returns and the evidence seen.", "lead"),
            grid(["Role", "Name", "Signature", "Date"], rows, [0.28, 0.28, 0.28, 0.16],
                 zebra=False, row_height=12 * mm)]
