"""The pack's governance sections: the panel and its conflicts, the audit trail, the sign-off."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from workbench.audit_events import CAP, KINDS, Event, when
from workbench.award_record import dates
from workbench.domain import Lot, LotConflict
from workbench.reports.common import (
    BOLD_LOOK,
    CELL_LOOK,
    MUTED,
    Heading,
    esc,
    grid,
    pairs,
    para,
    rich,
)
from workbench.reports.facts import Facts
from workbench.reports.textflow import Text
from workbench.reports.wording import day, plural


def panel_section(facts: Facts, number: int) -> list[Flowable]:
    """The evaluators, each lot's conflicts register, and who scored which questions."""
    data = facts.data
    out: list[Flowable] = [Heading(f"{number}. Evaluation panel and conflicts of interest", 0,
                                   "panel")]
    if not data.evaluators:
        return [*out, para("No evaluators are recorded.")]
    out.append(para(f"The panel has {plural(len(data.evaluators), 'member')}. Each declares "
                    "any conflict of interest for each lot before scoring it; the register "
                    "for each lot follows.", "lead"))
    out.append(grid(["Evaluator", "Role"], [[e.name, e.role or "—"] for e in data.evaluators],
                    [0.3, 0.7]))
    for lot in data.lots:
        out.append(Heading(f"{lot.title}: conflicts register", 1, f"panel-{lot.id}"))
        rows = []
        for e in data.evaluators:
            found = facts.conflicts.get((lot.id, e.id))
            rows.append([e.name, _declaration(found), _detail(found, lot)])
        out.append(grid(["Evaluator", "Declaration", "Nature and how it is managed"], rows,
                        [0.22, 0.2, 0.58]))
        out += _assignments(lot, facts)
    return out


def _declaration(found: LotConflict | None) -> Flowable | str:
    if found is None:
        return rich("<b>Not declared</b>", "warn")
    when = f" ({day(found.declared_on)})" if found.declared_on else ""
    return ("No conflict" if found.status == "none" else "Conflict declared") + when


def _detail(found: LotConflict | None, lot: Lot) -> Flowable | str:
    if found is None or found.status == "none":
        return "—"
    names = [b.name if (b := lot.bidder(bid)) else bid for bid in found.bidders]
    concerned = ("Takes no part on " + ", ".join(names)) if names else "The lot as a whole"
    blocks = [("Bidders concerned", BOLD_LOOK), (concerned, CELL_LOOK)]
    for label, text in (("Nature", found.nature), ("How it is managed", found.mitigation)):
        if text:
            blocks += [(label, BOLD_LOOK), (text, CELL_LOOK)]
    return Text(blocks)


def _assignments(lot: Lot, facts: Facts) -> list[Flowable]:
    if not lot.assignments:
        return [para("No scoring assignments are recorded for this lot.")]
    titles = {c.id: c.title for c in lot.all_criteria()}
    rows = []
    for a in lot.assignments:
        evaluator = facts.data.evaluator(a.evaluator)
        name = evaluator.name if evaluator else a.evaluator
        # Titles help with a handful of questions; with dozens they bury the table.
        listed = [f"{cid} {titles.get(cid, '')}".strip() if len(a.criteria) <= 12 else cid
                  for cid in a.criteria]
        rows.append([name, ("; " if len(a.criteria) <= 12 else ", ").join(listed) or "—"])
    return [Heading("Who scored what", 2),
            grid(["Evaluator", "Questions scored"], rows, [0.22, 0.78])]


def audit_section(facts: Facts, number: int) -> list[Flowable]:
    """Whether the audit trail verifies, the award record, then the events an approver needs
    in the order they happened, and one line counting the routine rest (file only)."""
    out: list[Flowable] = [Heading(f"{number}. Audit summary", 0, "audit")]
    audit = facts.audit
    if audit is None:
        return [*out, para("This pack was not made from a tender file, so it has no audit "
                           "summary.")]
    if audit.problem:
        out.append(rich(f"<b>The audit trail does NOT verify:</b> {esc(audit.problem)}. The "
                        "records below cannot be relied on until this is explained.", "warn"))
    else:
        out.append(rich(
            "<b>The audit trail verifies.</b> Every record is chained to the one before it by "
            "a SHA-256 hash, and every row of the tender matches its latest record, so no "
            "change has been made outside the workbench and no record has been removed."))
    out.append(pairs(dates(facts.data.award)))
    out.append(Spacer(1, 3 * mm))
    found = audit.events
    out.append(para(
        f"The trail holds {plural(audit.actions, 'action')} ({plural(audit.records, 'record')}) "
        f"{_span(audit.first_at, audit.last_at)}. The events below are those an "
        "approver needs, in the order they happened (times in UTC): sealing, scoring packs, "
        "overrides and other changes to submitted or agreed scores, moderation meetings, "
        "decisions on bids, the award and the lock.", "lead"))
    rows = [[_when(e), e.user, e.what, e.reason or ("see the audit trail" if e.count > 1
                                                    else "—")] for e in found.events]
    out.append(grid(["When (UTC)", "Who", "What", "Reason given"], rows,
                    [0.18, 0.16, 0.41, 0.25]))
    if found.grouped:
        kinds = ", ".join(KINDS[k] for k in found.grouped)
        appendix = ", and every override with its reason in the appendix" \
            if "override" in found.grouped else ""
        out.append(para(f"More than {CAP} events of some kinds ({kinds}) are grouped, one line "
                        "per person who made them; each is listed in the audit trail (Audit "
                        f"view, or workbench-cli audit){appendix}.", "small"))
    out.append(para(
        f"Besides these, {plural(found.routine_actions, 'routine action')} "
        f"({plural(found.routine_records, 'record')}): details, the model, bidders, the panel, "
        "scores as first entered, agreed scores and feedback." if found.routine_actions else
        "No other action is recorded.", "small"))
    return out


def _span(first: str, last: str) -> str:
    return f"on {day(first)}" if day(first) == day(last) else f"from {day(first)} to {day(last)}"


def _when(event: Event) -> str:
    first, last = when(event.at), when(event.until)
    return f"{first} to {last}" if event.count > 1 and last != first else first


def signoff_section(facts: Facts, number: int) -> list[Flowable]:
    """The page the approvers sign: the recommendation per lot, then signature lines."""
    out: list[Flowable] = [PageBreak(), Heading(f"{number}. Sign-off", 0, "signoff")]
    out.append(para("By signing, I confirm that the tenders were evaluated against the "
                    "published evaluation model as recorded in this pack, that conflicts of "
                    "interest were declared and managed as recorded, and that the "
                    "recommendation below follows from the scores and reasons in this pack.",
                    "lead"))
    rows = []
    for result in facts.results:
        winners = result.winners
        if not winners:
            text = "No bid remains in the competition: no award can be recommended."
        elif len(winners) > 1:
            names = ", ".join(f"{b.name} ({b.total_text})" for b in winners)
            text = f"Tied for first place: {names}. The tie must be resolved first."
        else:
            text = f"Award to {winners[0].name}, total {winners[0].total_text} points."
        if result.provisional:
            text += " PROVISIONAL: " + "; ".join(result.notes) + "."
        rows.append([result.title, text])
    out.append(grid(["Lot", "Recommendation"], rows, [0.35, 0.65]))
    out.append(Spacer(1, 3 * mm))
    out.append(pairs(dates(facts.data.award)))
    out.append(Spacer(1, 4 * mm))
    signature = [["Role", "Name", "Signature", "Date"]]
    for role in ("Chair of the evaluation panel", "Head of procurement",
                 "Budget holder / approver"):
        signature.append([role, "", "", ""])
    out.append(_signing(signature))
    out.append(Heading("Evaluators", 2))
    out.append(para("Each evaluator confirms that they scored independently, gave the reasons "
                    "recorded for their scores, and declared any conflict of interest.", "lead"))
    evaluators = [["Evaluator", "Role", "Signature", "Date"]]
    evaluators += [[e.name, e.role, "", ""] for e in facts.data.evaluators]
    out.append(_signing(evaluators))
    return out


def _signing(rows: list[list[str]]) -> Flowable:
    """A table with room to sign by hand: tall rows, ruled lines."""
    return grid(rows[0], rows[1:], [0.3, 0.3, 0.25, 0.15], zebra=False, row_height=30,
                extra=[("LINEBELOW", (0, 1), (-1, -1), 0.6, MUTED)])
