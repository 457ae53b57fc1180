"""The returns dashboard: which scoring packs are out, which came back, how far scoring has got."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain import TenderData
from workbench.panel.packs import pack_items
from workbench.storage.records import Row


@dataclass(frozen=True)
class EvaluatorReturn:
    """One evaluator's row: their current pack (format "" when none was issued), when it went
    out and came back, scores in the lead's file out of those owed, and whether all are
    submitted (marked final by the evaluator, or entered as final by the lead)."""

    evaluator_id: str
    name: str
    pack_format: str
    issued_at: str | None
    returned_at: str | None
    complete: int
    required: int
    submitted: bool


@dataclass(frozen=True)
class CriterionReturn:
    """One scored question: evaluators assigned to it, evaluators who have scored every
    bidder on it, and those who have started but not finished."""

    lot_id: str
    lot_title: str
    criterion_id: str
    title: str
    assigned: int
    scored: int
    started: int


def returns_dashboard(data: TenderData, packs: list[Row]) -> list[EvaluatorReturn]:
    """A row per evaluator who owes scores or was issued a pack (`packs`: the rows of the
    packs table), in panel order."""
    current = _current_packs(packs)
    statuses = _statuses(data)
    rows = []
    for evaluator in data.evaluators:
        owed = pack_items(data, evaluator.id)
        pack = current.get(evaluator.id)
        if not owed and pack is None:
            continue
        found = [statuses.get((evaluator.id, i.lot_id, i.criterion_id, i.bidder_id))
                 for i in owed]
        complete = sum(status is not None for status in found)
        rows.append(EvaluatorReturn(
            evaluator.id, evaluator.name, pack["format"] if pack else "",
            pack["issued_at"] if pack else None, pack["returned_at"] if pack else None,
            complete, len(owed), bool(owed) and all(s == "submitted" for s in found)))
    return rows


def criterion_returns(data: TenderData) -> list[CriterionReturn]:
    """A row per scored question of each lot, in model order."""
    statuses = _statuses(data)
    rows = []
    for lot in data.lots:
        bidders = [b.id for b in lot.bidders if not b.withdrawn]
        for criterion in lot.all_criteria():
            if criterion.kind != "scored":
                continue
            assigned = sum(criterion.id in a.criteria for a in lot.assignments)
            counts = [sum((e.id, lot.id, criterion.id, b) in statuses for b in bidders)
                      for e in data.evaluators]
            rows.append(CriterionReturn(
                lot.id, lot.title, criterion.id, criterion.title, assigned,
                sum(bool(bidders) and n == len(bidders) for n in counts),
                sum(0 < n < len(bidders) for n in counts)))
    return rows


def _current_packs(packs: list[Row]) -> dict[str, Row]:
    """Each evaluator's latest pack: the one no newer pack superseded."""
    current: dict[str, Row] = {}
    for pack in sorted(packs, key=lambda p: (p["superseded_by"] is None, p["issued_at"])):
        current[pack["evaluator_id"]] = pack  # the current one sorts last
    return current


def _statuses(data: TenderData) -> dict[tuple[str, str, str, str], str]:
    """Score status by (evaluator, lot, criterion, bidder)."""
    return {(s.evaluator, lot.id, s.criterion, s.bidder): s.status
            for lot in data.lots for s in lot.scores}
