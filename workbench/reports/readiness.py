"""Before a document goes out: what it is for, who may receive it, and what it still lacks.

The Export view shows these lines; each check asks the rule where it lives (a summary's
readiness in `summaries`, an award's in `ocds`), so the line and the document never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.exchange.ocds import AWARDED, awardable
from workbench.reports.facts import Facts
from workbench.reports.summaries import assessed, readiness
from workbench.reports.wording import plural


@dataclass(frozen=True)
class Document:
    """One kind of export: what it is for, who may receive it."""

    key: str
    title: str
    purpose: str
    audience: str


DOCUMENTS = (
    Document("pack", "Evaluation pack (PDF)",
             "The whole evaluation for approval and audit: model, panel and conflicts, "
             "results, reasons, audit summary and sign-off page.",
             "The approvers, the panel and auditors. Never a bidder: it holds every bid's "
             "scores and the panel's internal reasons."),
    Document("summaries", "Assessment summaries (PDF)",
             "One per bidder and lot, as the Procurement Act 2023 s.50 requires: its scores "
             "with the feedback written for it, and the winning tender's; a notice of "
             "exclusion instead for a bid that failed a condition of participation.",
             "Each bidder receives its own, and nothing about another losing bidder. Send "
             "them before the award notice is published."),
    Document("xlsx", "Results workbook (Excel)",
             "Results per lot, agreed and individual scores with reasons, and the working "
             "behind every figure, laid out for checking.",
             "The procurement team and auditors only: it holds every score and reason."),
    Document("ocds", "Open data release (OCDS)",
             "The UK award notice in the Open Contracting Data Standard: lots, award criteria "
             "and weights, counts of bids, and the recommended award with its standstill.",
             "The public (Find a Tender). Losing bids' prices only if you choose to publish "
             "them."),
)


def check_line(facts: Facts, key: str) -> str:
    """One line: what is missing before document `key` can go out ("" when nothing is)."""
    provisional = [r.lot_id for r in facts.results if r.provisional]
    final = "" if not provisional else f"results of {', '.join(provisional)} are provisional"
    if key in ("pack", "xlsx"):
        return final
    if key == "summaries":
        return _summaries_line(facts)
    awarded = facts.data.tender.status in AWARDED
    missing = [r.lot_id for r in facts.results if awardable(r, awarded) is None]
    if not awarded:
        return "no award recommended yet: the release carries the tender and bids only"
    if missing:
        return f"no award can be published for {', '.join(missing)} (provisional or tied)"
    if not facts.data.tender.cpv:
        return "no CPV code (Overview)"
    return ""


def _summaries_line(facts: Facts) -> str:
    owed = assessed(facts)
    blocking: set[str] = set()
    lacking_feedback = lacking_details = 0
    final: set[str] = set()
    for lot, bidder in owed:
        stop, warn = readiness(facts, lot, bidder)
        blocking.update(stop)
        lacking_feedback += any(s.startswith("feedback missing") for s in stop)
        final.update(s for s in stop if s.endswith("provisional"))
        lacking_details += any(w.startswith(bidder.name) for w in warn)
    parts = []
    if final:
        parts.append("; ".join(sorted(final)))
    if lacking_feedback:
        parts.append(f"{plural(lacking_feedback, 'summary', 'summaries')} without feedback")
    if lacking_details:
        parts.append(f"{plural(lacking_details, 'bidder')} without an address, email or "
                     "identifier")
    if not facts.data.tender.criteria_published.strip():
        parts.append("where the criteria were published is not recorded")
    if not facts.data.award.award_notice_on:
        parts.append("award notice date not set (standstill unknown)")
    return "; ".join(parts)
