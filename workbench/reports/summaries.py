"""Assessment summaries: one PDF per assessed bidder per lot, as the Procurement Act 2023 s.50
and the Procurement Regulations 2024 reg. 31 ask; a notice of exclusion instead for a bidder
that failed a condition of participation (a pass/fail gateway is not an award criterion).

Each summary names the supplier with its address, email and unique identifier, says where the
full award criteria were published, how the bidder's tender was assessed against them
(relative importance and scoring method), its score per criterion with the feedback the panel
wrote for bidders (never the panel's internal rationale), and its total; an unsuccessful
bidder also gets the same for the most advantageous tender (without its gateway notes), and an
excluded one the reasons. It never mentions any other bidder: no ranking, no other names, no
other totals. A summary that is not ready to send (`readiness`) is watermarked DRAFT and
`write_summaries` refuses it unless drafts are asked for.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from workbench.award_record import dates
from workbench.domain import Criterion, Lot
from workbench.errors import StorageError, ValidationError
from workbench.moderation.feedback import missing
from workbench.numbers import fmt_money
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


NOTICE = ("Your tender for this lot was not assessed against the award criteria, because it "
          "did not meet a condition of participation set out in the tender documents. This "
          "notice gives the reason.")


def assessed(facts: Facts) -> list[tuple[Lot, BidderResult]]:
    """Every (lot, bidder) owed a document: each bid on each lot, except withdrawn ones (a
    bidder that failed a gateway gets a notice of exclusion, see `gateway_failed`)."""
    return [(lot, b) for lot in facts.data.lots for b in facts.result(lot.id).bidders
            if not b.bidder.withdrawn]


def gateway_failed(lot: Lot, bidder: BidderResult) -> list[Criterion]:
    """The conditions of participation (pass/fail gateways) the bidder failed."""
    return [c for c in lot.all_criteria() if c.kind == "pass_fail"
            and bidder.criteria[c.id].result == "fail"]


def readiness(facts: Facts, lot: Lot, bidder: BidderResult) -> tuple[list[str], list[str]]:
    """What stops this bidder's document going out (it is a DRAFT until none), and what it
    lacks that reg. 31 asks for (it can go, but should not without them)."""
    result = facts.result(lot.id)
    blocking = []
    if result.provisional:
        blocking.append(f"{lot.id} results are provisional")
    if not gateway_failed(lot, bidder):
        shown = [bidder, *(w for w in result.winners if w.id != bidder.id)]
        for b in shown:
            lacking = missing(lot, b.id)
            if lacking:
                blocking.append(f"feedback missing for {b.name} on {', '.join(lacking)}")
    who = bidder.bidder
    lacks = [what for what, value in (("address", who.address), ("email", who.email),
                                      ("identifier", who.identifier)) if not value.strip()]
    warnings = [f"{bidder.name}: no {', '.join(lacks)}"] if lacks else []
    if not facts.data.tender.criteria_published.strip():
        warnings.append("the tender does not say where the full criteria were published")
    return blocking, warnings


def file_name(lot: Lot, bidder: BidderResult) -> str:
    """A file name safe on any system: "L1-B3-Meridian-Care-Group-plc.pdf"."""
    return f"{_slug(lot.id)}-{_slug(bidder.id)}-{_slug(bidder.name)[:60]}.pdf"


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-") or "bidder"


def summary_pdf(facts: Facts, lot: Lot, bidder: BidderResult) -> tuple[bytes, int]:
    """One bidder's assessment summary (or notice of exclusion) for one lot, as PDF bytes,
    with its page count; watermarked DRAFT while `readiness` says it cannot go out."""
    result = facts.result(lot.id)
    tender = facts.data.tender
    blocking, _warnings = readiness(facts, lot, bidder)
    if gateway_failed(lot, bidder):
        title, story = "Notice of exclusion", _notice(facts, lot, bidder)
    else:
        title, story = "Assessment summary", _story(facts, lot, result, bidder)
    furniture = Furniture(tender.reference, f"{title}: {bidder.name}", result.provisional,
                          draft=bool(blocking), authority=tender.authority, subject=title)
    return render(story, furniture)


def write_summaries(facts: Facts, folder: str | Path,
                    progress: Progress | None = None, drafts: bool = False) -> list[Path]:
    """Write every assessment summary and notice into `folder` (made if missing); returns the
    files. Refused, naming what is missing, while any is not ready to send, unless `drafts`
    (then each unready one says DRAFT on every page)."""
    if not drafts:
        blocking = [problem for lot, b in assessed(facts)
                    for problem in readiness(facts, lot, b)[0]]
        if blocking:
            unique = list(dict.fromkeys(blocking))
            raise ValidationError("the summaries are not ready to send: " + "; ".join(
                unique[:4]) + (f"; and {len(unique) - 4} more" if len(unique) > 4 else "")
                + " (make drafts to read them through)")
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
        _particulars(facts, lot, bidder),
        Spacer(1, 5 * mm),
        para(LAW.format(winner=", and how it compares with the most advantageous tender"
                        if top else "")),
        _published(facts),
        para(_standstill(facts)),
    ]
    if result.provisional:
        out.append(para("PROVISIONAL: the evaluation of this lot is not finished ("
                        + "; ".join(result.notes) + "). This summary is a draft and must not "
                        "be sent until the results are final.", "warn"))
    out.append(Heading("The outcome", 1))
    out.append(para(_outcome(bidder, top, points(tender.total_points))
                    + _per_quality_point(bidder, top, tender.currency)))
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


def _particulars(facts: Facts, lot: Lot, bidder: BidderResult) -> Flowable:
    """Who the document is for (reg. 31(2)(b)-(c)); a missing detail is printed as missing."""
    tender = facts.data.tender
    b = bidder.bidder
    return pairs([("Supplier", bidder.name),
                  ("Address", b.address or _MISSING), ("Email", b.email or _MISSING),
                  ("Unique identifier", b.identifier or _MISSING), ("Lot", lot.title),
                  ("Reference", tender.reference or "—"),
                  ("Contracting authority", tender.authority or "—"),
                  ("Date", day(facts.generated_on))])


_MISSING = "NOT RECORDED: add it before this is sent"


def _published(facts: Facts) -> Flowable:
    where = facts.data.tender.criteria_published.strip()
    if not where:
        return para("Where the full award criteria were published is NOT RECORDED: add it "
                    "(Overview) before this is sent.", "warn")
    return para(f"The award criteria in full were published in: {where}.")


def _standstill(facts: Facts) -> str:
    """The covering text on standstill: when it ends, once the award notice date is set."""
    _sent, (_n, notice), (_e, end) = dates(facts.data.award)
    if not facts.data.award.award_notice_on:
        return ("A contract award notice will follow. The standstill period of eight working "
                "days begins on the day it is published; the contract is not entered into "
                "before that period ends.")
    return (f"The contract award notice is published on {notice}. The standstill period of "
            f"eight working days ends {end}; the contract is not entered into before then.")


def _notice(facts: Facts, lot: Lot, bidder: BidderResult) -> list[Flowable]:
    """A short notice of exclusion: who, which lot, which condition and why; no scores."""
    tender = facts.data.tender
    gates = {g.criterion: g for g in lot.gateways if g.bidder == bidder.id}
    rows = [[f"{c.id} {c.title}", gates[c.id].rationale if c.id in gates and
             gates[c.id].rationale else "Not met."] for c in gateway_failed(lot, bidder)]
    out: list[Flowable] = [
        para("Notice of exclusion", "title"),
        para(tender.title, "subtitle"),
        _particulars(facts, lot, bidder),
        Spacer(1, 5 * mm),
        para(NOTICE),
        grid(["Condition of participation", "Why it was not met"], rows, [0.35, 0.65]),
        Spacer(1, 4 * mm),
        para("You will not receive an assessment summary for this lot, because your tender "
             "was not assessed against the award criteria."),
        para(_standstill(facts)),
    ]
    if facts.result(lot.id).provisional:
        out.insert(4, para("The evaluation of this lot is not finished; this notice is a draft "
                           "and must not be sent until it is.", "warn"))
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


def _per_quality_point(bidder: BidderResult, top: list[BidderResult], currency: str) -> str:
    """Under price per quality point the points above are quality points and the ranking
    follows the price asked per point: say so, with both figures."""
    if bidder.ratio_text is None:
        return ""
    theirs = (f"; the most advantageous tender's, {_money(top[0].ratio_text, currency)}"
              if len(top) == 1 and top[0] is not bidder and top[0].ratio_text else "")
    return (" Tenders were ranked on price per quality point (price ÷ quality points, lowest "
            f"first): yours is {_money(bidder.ratio_text, currency)}{theirs}.")


def _money(text: str | None, currency: str) -> str:
    return fmt_money(Decimal(text or 0), currency)


def _criteria(facts: Facts, lot: Lot, result: LotResult) -> list[Flowable]:
    """The award criteria: relative importance and how each was scored."""
    effective = effective_percent(lot)
    rows = []
    for depth, c in _award_criteria(lot):
        importance = (
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


def _award_criteria(lot: Lot) -> list[tuple[int, Criterion]]:
    """The award criteria: every criterion but the conditions of participation (gateways)."""
    return [(depth, c) for depth, c in _walk(lot.criteria) if c.kind != "pass_fail"]


def _scores(facts: Facts, lot: Lot, result: LotResult, b: BidderResult) -> Flowable:
    """A tender's score, points and the panel's feedback on every award criterion, then the
    total. Only feedback written for bidders is printed: never the internal rationale."""
    agreed = {m.criterion: m for m in lot.moderated if m.bidder == b.id}
    rows: list[list[object]] = []
    for depth, c in _award_criteria(lot):
        cell = b.criteria[c.id]
        if c.kind == "scored":
            score = cell.score_text or "—"
            m = agreed.get(c.id)
            why = Text([(m.feedback, CELL_LOOK)]) if m and m.feedback.strip() else Text(
                [("Feedback not yet written." if m else "Not yet agreed by the panel.",
                  ITALIC_LOOK)])
        elif c.kind == "group":
            score = ""
            why = Text([(f"Points of the criteria under {c.id}.", SMALL_LOOK)])
        else:
            score = value_text(c, cell.score, facts.data.tender)
            why = Text([(cell.working, CELL_LOOK)])
        available = result.available.get(c.id)
        shown = f"{cell.points_text} of {points(available)}" if cell.points_text else "—"
        rows.append([Paragraph(esc(f"{c.id} {c.title}"), indented(depth, depth == 0)),
                     score, shown, why])
    rows.append(["Total", "", b.total_text or "Excluded", ""])
    tops = [i for i, (depth, _c) in enumerate(_award_criteria(lot)) if depth == 0]
    return grid(["Criterion", "Score", "Points", "Explanation"], rows,
                [0.27, 0.11, 0.14, 0.48], numeric=(1, 2), bold_rows=[*tops, len(rows) - 1])
