"""Assessment summaries: one PDF per assessed bidder per lot, as the Procurement Act 2023 s.50
and the Procurement Regulations 2024 reg. 31 ask.

Each says how the bidder's tender was assessed against the award criteria (relative
importance and scoring method), its score per criterion and sub-criterion with the panel's
explanation, and its total; an unsuccessful bidder also gets the same for the most
advantageous tender, and an excluded one the reasons. It never mentions any other bidder:
no ranking, no other names, no other totals.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from workbench.domain import Criterion, Lot
from workbench.errors import StorageError
from workbench.reports.common import (
    CELL_LOOK,
    ITALIC_LOOK,
    SMALL_LOOK,
    Furniture,
    Heading,
    Progress,
    esc,
    grid,
    indented,
    pairs,
    para,
    points,
    render,
    save,
)
from workbench.reports.facts import Facts
from workbench.reports.textflow import Text
from workbench.reports.wording import day, method, percent, value_text
from workbench.scoring.results import BidderResult, LotResult
from workbench.scoring.weights import effective_percent

LAW = ("This summary is given under section 50 of the Procurement Act 2023 and regulation 31 "
       "of the Procurement Regulations 2024. It explains how your tender was assessed against "
       "the award criteria{winner}.")


def assessed(facts: Facts) -> list[tuple[Lot, BidderResult]]:
    """Every (lot, bidder) owed a summary: each bid on each lot, except withdrawn ones."""
    return [(lot, b) for lot in facts.data.lots for b in facts.result(lot.id).bidders
            if not b.bidder.withdrawn]


def file_name(lot: Lot, bidder: BidderResult) -> str:
    """A file name safe on any system: "L1-B3-Meridian-Care-Group-plc.pdf"."""
    return f"{_slug(lot.id)}-{_slug(bidder.id)}-{_slug(bidder.name)[:60]}.pdf"


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-") or "bidder"


def summary_pdf(facts: Facts, lot: Lot, bidder: BidderResult) -> tuple[bytes, int]:
    """One bidder's assessment summary for one lot, as PDF bytes, with its page count."""
    result = facts.result(lot.id)
    tender = facts.data.tender
    furniture = Furniture(tender.reference, f"Assessment summary: {bidder.name}",
                          result.provisional, tender.authority, "Assessment summary")
    return render(_story(facts, lot, result, bidder), furniture)


def write_summaries(facts: Facts, folder: str | Path,
                    progress: Progress | None = None) -> list[Path]:
    """Write every assessment summary into `folder` (made if missing); returns the files."""
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot make the folder {target}: {exc.strerror}") from None
    owed = assessed(facts)
    written = []
    for i, (lot, bidder) in enumerate(owed):
        data, _pages = summary_pdf(facts, lot, bidder)
        path = target / file_name(lot, bidder)
        save(path, data)
        written.append(path)
        if progress is not None:
            progress(i + 1, len(owed))
    return written


def _story(facts: Facts, lot: Lot, result: LotResult, bidder: BidderResult) -> list[Flowable]:
    tender = facts.data.tender
    top = [b for b in result.winners if b.id != bidder.id]
    out: list[Flowable] = [
        para("Assessment summary", "title"),
        para(tender.title, "subtitle"),
        pairs([("Supplier", bidder.name), ("Lot", lot.title),
               ("Reference", tender.reference or "—"),
               ("Contracting authority", tender.authority or "—"),
               ("Date", day(facts.generated_on))]),
        Spacer(1, 5 * mm),
        para(LAW.format(winner=", and how it compares with the most advantageous tender"
                        if top else "")),
    ]
    if result.provisional:
        out.append(para("PROVISIONAL: the evaluation of this lot is not finished ("
                        + "; ".join(result.notes) + "). This summary is a draft and must not "
                        "be sent until the results are final.", "warn"))
    out.append(Heading("The outcome", 1))
    out.append(para(_outcome(bidder, top, points(tender.total_points))))
    if bidder.excluded:
        out.append(grid(["Why your tender was excluded"],
                        [[reason[:1].upper() + reason[1:]] for reason in bidder.reasons], [1]))
    out += _criteria(facts, lot, result)
    out.append(Heading("Your tender", 1))
    out.append(_scores(facts, lot, result, bidder))
    for winner in top:
        out.append(Heading(f"The most advantageous tender: {winner.name}", 1))
        out.append(_scores(facts, lot, result, winner))
    return out


def _outcome(bidder: BidderResult, top: list[BidderResult], out_of: str) -> str:
    if bidder.excluded:
        return "Your tender was excluded, so it has no total." + (
            f" The most advantageous tender scored {top[0].total_text} points out of "
            f"{out_of}." if len(top) == 1 else "")
    if bidder.rank == 1 and not top:
        return (f"Your tender is the most advantageous tender, with {bidder.total_text} points "
                f"out of {out_of}.")
    if bidder.rank == 1:
        return (f"Your tender scored {bidder.total_text} points out of {out_of} and is tied "
                "for first place; the tie is decided as the tender documents set out.")
    if len(top) == 1:
        return (f"Your tender scored {bidder.total_text} points out of {out_of}. It was not the "
                f"most advantageous tender, which scored {top[0].total_text} points.")
    return (f"Your tender scored {bidder.total_text} points out of {out_of}. It was not the "
            "most advantageous tender.")


def _criteria(facts: Facts, lot: Lot, result: LotResult) -> list[Flowable]:
    """The award criteria: relative importance and how each was scored."""
    effective = effective_percent(lot)
    rows = []
    for depth, c in _walk(lot.criteria):
        importance = "Pass or fail" if c.kind == "pass_fail" else (
            f"{percent(c.weight or effective[c.id])} of its group, {percent(effective[c.id])} "
            f"of the total ({points(result.available.get(c.id))} points)" if depth else
            f"{percent(effective[c.id])} of the total ({points(result.available.get(c.id))} "
            "points)")
        rows.append([Paragraph(esc(f"{c.id} {c.title}"), indented(depth, depth == 0)),
                     importance, method(c, facts.data)])
    out: list[Flowable] = [
        Heading("The award criteria", 1),
        para("Each criterion's relative importance and how it was scored, as published in the "
             "tender documents.", "lead"),
        grid(["Criterion", "Relative importance", "How it was scored"], rows,
             [0.3, 0.25, 0.45])]
    for scale in facts.data.scales:
        used = any(c.scale == scale.id for c in lot.all_criteria() if c.kind == "scored")
        if used and scale.levels:
            out.append(para(f"The {scale.name} scale:", "lead"))
            out.append(grid(["Score", "Meaning", "Descriptor"],
                            [[points(v.value), v.label, v.descriptor or "—"]
                             for v in scale.levels], [0.08, 0.2, 0.72], numeric=(0,)))
    return out


def _walk(nodes: list[Criterion], depth: int = 0) -> list[tuple[int, Criterion]]:
    found = []
    for c in nodes:
        found.append((depth, c))
        found += _walk(c.children, depth + 1)
    return found


def _scores(facts: Facts, lot: Lot, result: LotResult, b: BidderResult) -> Flowable:
    """A tender's score, points and the panel's explanation on every criterion, then the total."""
    agreed = {m.criterion: m for m in lot.moderated if m.bidder == b.id}
    gates = {g.criterion: g for g in lot.gateways if g.bidder == b.id}
    rows: list[list[object]] = []
    for depth, c in _walk(lot.criteria):
        cell = b.criteria[c.id]
        if c.kind == "pass_fail":
            gate = gates.get(c.id)
            score = (cell.result or "not assessed").capitalize()
            why = Text([(gate.rationale if gate and gate.rationale else cell.working,
                         CELL_LOOK)])
        elif c.kind == "scored":
            score = cell.score_text or "—"
            m = agreed.get(c.id)
            why = Text([(m.rationale or "No explanation recorded.", CELL_LOOK)]) if m else Text(
                [("Not yet agreed by the panel.", ITALIC_LOOK), (cell.working, SMALL_LOOK)])
        elif c.kind == "group":
            score = ""
            why = Text([(f"Points of the criteria under {c.id}.", SMALL_LOOK)])
        else:
            score = value_text(c, cell.score, facts.data.tender)
            why = Text([(cell.working, CELL_LOOK)])
        available = result.available.get(c.id)
        shown = f"{cell.points_text} of {points(available)}" if cell.points_text else "—"
        rows.append([Paragraph(esc(f"{c.id} {c.title}"), indented(depth, depth == 0)),
                     score, shown if c.kind != "pass_fail" else "", why])
    rows.append(["Total", "", b.total_text or "Excluded", ""])
    tops = [i for i, (depth, _c) in enumerate(_walk(lot.criteria)) if depth == 0]
    return grid(["Criterion", "Score", "Points", "Explanation"], rows,
                [0.27, 0.11, 0.14, 0.48], numeric=(1, 2), bold_rows=[*tops, len(rows) - 1])
