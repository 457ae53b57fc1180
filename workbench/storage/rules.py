"""What each state of the tender freezes: the one table `TenderFile.action()` enforces.

Every write, undo and redo included, goes through an action, and the action checks each row it
changed against the tender's state as the action began. So a sealed plan cannot be changed by
undoing an edit made before the seal, and a locked tender refuses everything but its unlock
and contract monitoring.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workbench.storage.schema import AFTER_AWARD, PROTECTED

#: The evaluation plan, frozen by the seal: the model, its scales, the lots it covers (their
#: codes, not their titles) and the tender's scoring settings.
PLAN_TABLES = frozenset({"criteria", "scales", "scale_levels"})
PLAN_COLUMNS: Mapping[str, frozenset[str]] = {
    "lots": frozenset({"id"}),
    "tender": frozenset({"total_points", "social_value_minimum_weight", "rounding_decimals",
                        "rounding_mode", "rounding_stage", "shared_model"}),
}


@dataclass(frozen=True)
class Freeze:
    """Tables no action may change, and columns of other tables (a row added or removed
    counts as changing them)."""

    tables: frozenset[str] = frozenset()
    columns: Mapping[str, frozenset[str]] | None = None
    reason: str = ""


SEALED = Freeze(PLAN_TABLES, PLAN_COLUMNS,
                "the evaluation plan is sealed: the model, scales, lots and scoring settings "
                "cannot change until the plan is unsealed (with a written reason)")
LOCKED = Freeze(frozenset(PROTECTED) - frozenset(AFTER_AWARD), None,
                "the tender is locked; unlock it, giving a reason, to change anything")

#: What each state of the tender freezes. The state comes from the tender row (`state_of`):
#: its seal freezes the plan, its "locked" status everything but monitoring.
FREEZES: Mapping[str, Freeze] = {
    "open": Freeze(),
    "plan sealed": SEALED,
    "locked": LOCKED,
}


def state_of(tender: Mapping[str, Any] | None) -> str:
    """Which row of `FREEZES` applies ("open" for a file still being built)."""
    if tender is None:
        return "open"
    if tender["status"] == "locked":
        return "locked"
    return "plan sealed" if tender.get("seal_hash") else "open"


def freeze_of(tender: Mapping[str, Any] | None) -> Freeze:
    """What the tender row's state freezes."""
    return FREEZES[state_of(tender)]


def plan_sealed(tender: Mapping[str, Any]) -> bool:
    """True when the seal is what stops the plan changing (a locked tender says so itself)."""
    return state_of(tender) == "plan sealed"


def touches(freeze: Freeze, table: str, before: Mapping[str, Any] | None,
            after: Mapping[str, Any] | None) -> bool:
    """True when changing this row (before -> after) changes something `freeze` holds."""
    if table in freeze.tables:
        return True
    columns = (freeze.columns or {}).get(table)
    if not columns:
        return False
    if before is None or after is None:
        return True
    return any(before.get(c) != after.get(c) for c in columns)


def is_unlock(table: str, before: Mapping[str, Any] | None,
              after: Mapping[str, Any] | None) -> bool:
    """The one change a locked tender accepts: its status, and nothing else, moved away from
    "locked"."""
    if table != "tender" or before is None or after is None:
        return False
    changed = {k for k in after if after[k] != before.get(k)}
    return changed == {"status"} and before.get("status") == "locked"
