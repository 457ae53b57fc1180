"""How model edits reach the file: the seal guard, shared models and row diffs.

A model edit loads the lot's tree, changes it in memory and calls `write_tree`, which writes
only the criteria rows that differ, so the audit trail records exactly what changed. Rows in
other tables that name a criterion (scores, assignments, moderated scores, gateway results,
bidder figures, parked items) are its *linked records*: they follow a renamed criterion and
go with a deleted one, inside the same action.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from workbench.domain import Criterion
from workbench.errors import ReadOnlyError, ValidationError
from workbench.storage import TenderFile
from workbench.storage.records import Row, criteria_rows
from workbench.storage.schema import PROTECTED

#: Tables whose rows belong to one criterion of one lot (found from their keys, so a table
#: added later is covered without a change here).
LINKED_TABLES = tuple(t for t, keys in PROTECTED.items()
                      if "criterion_id" in keys and "lot_id" in keys)
#: How linked records are named to a user.
LINKED_NAMES = {"scores": "score", "moderated": "moderated score", "gateways": "gateway result",
                "bidder_values": "bidder figure", "assignments": "evaluator assignment",
                "parked": "parked item"}


def require_unsealed(tf: TenderFile, what: str = "the evaluation model") -> None:
    """Refuse any change to the model, scales or formulas while the plan is sealed, before the
    work of the change is done (the action itself enforces the same rule, `rules.FREEZES`)."""
    tender = tf.tender()
    # As `rules.state_of`: on a locked tender it is the lock that refuses, and says so.
    if tender.seal is not None and tender.status != "locked":
        raise ReadOnlyError(f"the evaluation plan is sealed: {what} cannot change until the "
                            "plan is unsealed (with a written reason)")


def is_shared(tf: TenderFile) -> bool:
    """True when every lot uses one model: an edit to any lot is made to all of them."""
    return tf.tender().shared_model


def lot_ids(tf: TenderFile) -> list[str]:
    """The tender's lot codes in their order."""
    return [r["id"] for r in sorted(tf.rows("lots"), key=lambda r: r["position"])]


def model_lots(tf: TenderFile, lot_id: str) -> list[str]:
    """The lots an edit of `lot_id`'s model applies to: all of them when the model is shared."""
    ids = lot_ids(tf)
    if lot_id not in ids:
        raise ValidationError(f"there is no lot {lot_id}")
    return ids if is_shared(tf) else [lot_id]


def write_tree(tf: TenderFile, lot_id: str, roots: list[Criterion],
               renamed: Mapping[str, str] | None = None) -> None:
    """Make the lot's criteria rows match `roots`; inside an action.

    `renamed` maps old codes to new ones: their linked records move to the new code. Criteria
    that disappear take their linked records with them.
    """
    current = {r["id"] for r in tf.rows("criteria", "lot_id = ?", [lot_id])}
    wanted = list(criteria_rows(lot_id, roots))
    for row in wanted:
        tf.put("criteria", row)
    for old, new in (renamed or {}).items():
        for table, row in linked_rows(tf, lot_id, [old]):
            tf.put(table, {**row, "criterion_id": new})
            tf.delete(table, row)
    gone = current - {row["id"] for row in wanted}
    for table, row in linked_rows(tf, lot_id, gone):
        tf.delete(table, row)
    for criterion_id in sorted(gone):
        tf.delete("criteria", {"lot_id": lot_id, "id": criterion_id})


def linked_rows(tf: TenderFile, lot_id: str,
                criterion_ids: Iterable[str]) -> list[tuple[str, Row]]:
    """Every linked record of these criteria of one lot, as (table, row)."""
    ids = sorted(set(criterion_ids))
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    return [(table, row) for table in LINKED_TABLES
            for row in tf.rows(table, f"lot_id = ? AND criterion_id IN ({marks})",
                               [lot_id, *ids])]


def linked_counts(rows: Iterable[tuple[str, Row]]) -> dict[str, int]:
    """How many linked records per table."""
    counts: dict[str, int] = {}
    for table, _row in rows:
        counts[table] = counts.get(table, 0) + 1
    return counts


def describe_counts(counts: Mapping[str, int]) -> str:
    """ "12 scores, 1 evaluator assignment" """
    parts = []
    for table, n in counts.items():
        name = LINKED_NAMES.get(table, table.replace("_", " "))
        parts.append(f"{n} {name}{'' if n == 1 else 's'}")
    return ", ".join(parts)
