"""Sealing the evaluation plan: freeze the model, scales, formulas and rounding before scoring.

The seal is a SHA-256 of the plan's canonical form (sorted-key JSON of every lot's criteria
tree, the scales, total points, the social value minimum and the rounding policy), stored with
the time in the tender row. While it is set, every model edit is refused. Unsealing needs a
written reason, which the audit trail keeps with the change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from workbench.domain import Criterion, Seal, TenderData, TenderStatus
from workbench.errors import ReadOnlyError, ValidationError
from workbench.model_rules import errors
from workbench.numbers import dec_str
from workbench.storage import TenderFile
from workbench.storage.tenderfile import now

#: The shortest reason accepted for unsealing: a few words, not a shrug.
MIN_REASON = 10


def canonical_plan(data: TenderData) -> str:
    """The plan as one deterministic text: same plan, same text, on any machine."""
    t = data.tender
    plan = {
        "total_points": dec_str(t.total_points),
        "social_value_minimum_weight": dec_str(t.social_value_minimum_weight),
        "rounding": {"decimals": t.rounding.decimals, "mode": t.rounding.mode,
                     "stage": t.rounding.stage},
        "scales": [
            {"id": s.id, "name": s.name, "min": _num(s.min), "max": _num(s.max),
             "step": _num(s.step),
             "levels": [{"value": dec_str(lv.value), "label": lv.label,
                         "descriptor": lv.descriptor} for lv in s.levels]}
            for s in sorted(data.scales, key=lambda s: s.id)],
        "lots": [{"id": lot.id, "criteria": [_node(c) for c in lot.criteria]}
                 for lot in sorted(data.lots, key=lambda lot: lot.id)],
    }
    return json.dumps(plan, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def plan_hash(data: TenderData) -> str:
    """The SHA-256 of the canonical plan, in hex: the seal's fingerprint."""
    return hashlib.sha256(canonical_plan(data).encode("utf-8")).hexdigest()


def _num(value: Any) -> str | None:
    return None if value is None else dec_str(value)


def _node(c: Criterion) -> dict[str, Any]:
    return {
        "id": c.id, "title": c.title, "kind": c.kind, "weight": _num(c.weight),
        "scale": c.scale, "minimum": _num(c.minimum), "normalise": c.normalise,
        "formula": c.formula, "direction": c.direction, "theme": c.theme, "unit": c.unit,
        "question": c.question, "guidance": c.guidance, "good_answer": c.good_answer,
        "children": [_node(child) for child in c.children],
    }


@dataclass(frozen=True)
class SealState:
    """Whether the plan is sealed, when, its fingerprint, and whether the plan still matches."""

    sealed: bool
    sealed_at: str | None
    fingerprint: str | None
    intact: bool

    @property
    def short(self) -> str:
        """The first 12 hex digits, enough to quote in a meeting or a report."""
        return (self.fingerprint or "")[:12]


def seal_state(tf: TenderFile, data: TenderData | None = None) -> SealState:
    """Whether the plan is sealed, and whether the model still matches the fingerprint."""
    sealed = tf.tender().seal
    if sealed is None:
        return SealState(False, None, None, True)
    current = plan_hash(data if data is not None else tf.load())
    return SealState(True, sealed.sealed_at, sealed.hash, current == sealed.hash)


def seal_blockers(data: TenderData) -> list[str]:
    """Why the plan cannot be sealed as it stands, one sentence each (none: it can be): a lot
    with no criteria, weights that do not add up, a scored question with no scale..."""
    if not data.lots:
        return ["the tender has no lots yet"]
    empty = [f"lot {lot.id}: the evaluation model has no criteria yet"
             for lot in data.lots if not lot.criteria]
    return empty + [str(problem) for problem in errors(data)]


def seal(tf: TenderFile) -> str:
    """Seal the plan; refused while the model has errors (the first is named). Returns the
    fingerprint."""
    tender = tf.tender()
    if tender.seal is not None:
        raise ValidationError("the evaluation plan is already sealed (since "
                              f"{tender.seal.sealed_at})")
    if tender.status == "locked":
        raise ReadOnlyError("the tender is locked; unlock it before sealing the plan")
    data = tf.load()
    blockers = seal_blockers(data)
    if blockers:
        more = f" (and {len(blockers) - 1} more problem(s))" if len(blockers) > 1 else ""
        raise ValidationError(f"cannot seal the evaluation plan: {blockers[0]}{more}")
    fingerprint = plan_hash(data)
    status: TenderStatus = "sealed" if tender.status == "setup" else tender.status
    with tf.action("Seal evaluation plan"):
        tf.put_tender(replace(tender, seal=Seal(now(), fingerprint), status=status))
    return fingerprint


def unseal(tf: TenderFile, reason: str) -> None:
    """Unseal the plan so the model can change again; the reason goes into the audit trail."""
    tender = tf.tender()
    if tender.seal is None:
        raise ValidationError("the evaluation plan is not sealed")
    if tender.status == "locked":
        raise ReadOnlyError("the tender is locked; unlock it before unsealing the plan")
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise ValidationError(f"give a written reason for unsealing (at least {MIN_REASON} "
                              "characters); it is kept in the audit trail")
    status: TenderStatus = "setup" if tender.status == "sealed" else tender.status
    with tf.action("Unseal evaluation plan", reason=reason):
        tf.put_tender(replace(tender, seal=None, status=status))
