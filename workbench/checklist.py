"""What is left to do on a tender: the Overview's checklist, computed from the data."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain import TenderData
from workbench.model.seal import SealState
from workbench.model_rules import errors
from workbench.reports.wording import day


@dataclass(frozen=True)
class Item:
    label: str
    done: bool
    detail: str


@dataclass(frozen=True)
class Coverage:
    """Assigned scores owed and submitted, and consensus scores needed and agreed, over every
    lot: the one count of what is still to come (the checklist and the tender's stage)."""

    expected: int
    submitted: int
    to_moderate: int
    moderated: int

    @property
    def missing(self) -> int:
        """Assigned scores not yet submitted."""
        return self.expected - self.submitted


def coverage(data: TenderData) -> Coverage:
    expected = submitted = 0
    to_moderate = moderated = 0
    for lot in data.lots:
        active = [b.id for b in lot.bidders if not b.withdrawn]
        got = {(s.evaluator, s.bidder, s.criterion) for s in lot.scores if s.status == "submitted"}
        scored = [c.id for c in lot.all_criteria() if c.kind == "scored"]
        for a in lot.assignments:
            # A price reviewer owes no marks (price points come from the formula), nor does an
            # evaluator on a bidder they declared a conflict with.
            for cid in (c for c in a.criteria if c in scored):
                for bid in active:
                    if not lot.recused(a.evaluator, bid):
                        expected += 1
                        submitted += (a.evaluator, bid, cid) in got
        agreed = {(m.bidder, m.criterion) for m in lot.moderated}
        to_moderate += len(scored) * len(active)
        moderated += sum((bid, cid) in agreed for bid in active for cid in scored)
    return Coverage(expected, submitted, to_moderate, moderated)


def checklist(data: TenderData, seal: SealState, counts: Coverage | None = None) -> list[Item]:
    """What is left; `counts` is `coverage(data)` when the caller has it already."""
    broken = errors(data)
    undeclared = [e.name for e in data.evaluators if not e.conflict.declared_on]
    counts = counts or coverage(data)
    expected, submitted = counts.expected, counts.submitted
    to_moderate, moderated = counts.to_moderate, counts.moderated
    return [
        Item("Evaluation model is valid", not broken and any(lot.criteria for lot in data.lots),
             f"{len(broken)} problem(s): {broken[0]}" if broken else "weights add up"),
        Item("Evaluation plan sealed", seal.sealed and seal.intact,
             "seal the plan before scoring starts" if not seal.sealed else
             f"sealed on {day(seal.sealed_at)}, fingerprint {seal.short}" if seal.intact else
             "the model no longer matches its seal: check the audit trail"),
        Item("Panel declared conflicts", bool(data.evaluators) and not undeclared,
             ("no evaluators yet" if not data.evaluators else
              f"waiting for {', '.join(undeclared)}" if undeclared else
              f"{len(data.evaluators)} evaluator(s) declared")),
        Item("Scores are in", expected > 0 and submitted == expected,
             f"{submitted} of {expected} assigned scores submitted"),
        Item("Moderation done", to_moderate > 0 and moderated == to_moderate,
             f"{moderated} of {to_moderate} consensus scores agreed"),
    ]
