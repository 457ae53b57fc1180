"""Everything a report prints, gathered once from the tender file as plain data.

Reports and exports take a `Facts` rather than a file, so they can be tested from a
`TenderData` alone; `from_file` adds what only the file knows (seal, per-lot conflict
declarations, the audit trail and whether it verifies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from workbench import audit_events
from workbench.audit_events import Events
from workbench.domain import LotConflict, TenderData
from workbench.model.seal import plan_hash
from workbench.panel import roster
from workbench.scoring.results import LotResult, compute
from workbench.stage import Stage, packs_issued, stage
from workbench.storage import TenderFile


@dataclass(frozen=True)
class AuditSummary:
    """The audit trail in brief: its size and span, whether it verifies, and the events an
    approver reads (`workbench.audit_events`) with the routine rest counted.

    `problem` is empty when the hash chain and every row's content verify.
    """

    records: int
    actions: int
    first_at: str
    last_at: str
    events: Events
    problem: str = ""


@dataclass(frozen=True)
class Facts:
    """A tender and its results, with what the file adds; the input of every report."""

    data: TenderData
    results: list[LotResult]
    generated_on: str
    sealed_at: str | None = None
    seal_hash: str | None = None
    #: The conflicts register: (lot id, evaluator id) -> declaration; missing = not declared.
    conflicts: dict[tuple[str, str], LotConflict] = field(default_factory=dict)
    audit: AuditSummary | None = None
    #: Scoring packs the file has sent out (0 for a tender held in memory).
    packs_issued: int = 0

    @property
    def provisional(self) -> bool:
        """True when any lot's results are provisional (every page then says so)."""
        return any(r.provisional for r in self.results)

    @property
    def seal_intact(self) -> bool | None:
        """Whether the model still has the fingerprint it was sealed with (None: not sealed)."""
        return None if not self.seal_hash else plan_hash(self.data) == self.seal_hash

    @cached_property
    def stage(self) -> Stage:
        """Where the tender really is: the status every report prints (worked out once: it
        counts every score)."""
        return stage(self.data, self.results, self.packs_issued)

    def result(self, lot_id: str) -> LotResult:
        return next(r for r in self.results if r.lot_id == lot_id)


def from_data(data: TenderData, generated_on: str | None = None) -> Facts:
    """Facts of a tender held in memory: no seal and no audit trail. The register is each lot's
    declarations; an evaluator with none of those but a dated one of their own has it stand
    for every lot, as `roster.conflicts` reads an imported tender."""
    register = {(lot.id, c.evaluator): c for lot in data.lots for c in lot.conflicts}
    declared = {evaluator for _lot, evaluator in register}
    for e in data.evaluators:
        if e.id not in declared and e.conflict.declared_on:
            whole = LotConflict(e.id, e.conflict.status, e.conflict.declared_on,
                                e.conflict.nature, e.conflict.mitigation)
            register.update({(lot.id, e.id): whole for lot in data.lots})
    return Facts(data, compute(data), generated_on or date.today().isoformat(),
                 conflicts=register)


def from_file(tf: TenderFile, generated_on: str | None = None) -> Facts:
    """Facts of an open tender file, including its seal and its audit trail."""
    data = tf.load()
    seal = data.tender.seal
    return Facts(data, compute(data), generated_on or date.today().isoformat(),
                 seal.sealed_at if seal else None, seal.hash if seal else None,
                 roster.conflicts(tf), _audit(tf, data), packs_issued(tf))


def _audit(tf: TenderFile, data: TenderData) -> AuditSummary:
    records, actions, first, last = tf.db.execute(
        "SELECT count(*), count(DISTINCT action_id), min(at), max(at) FROM audit").fetchone()
    return AuditSummary(records, actions, first or "", last or "", audit_events.read(tf, data),
                        tf.integrity_problem)
