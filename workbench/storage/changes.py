"""What one action changed, and how to take it back.

`TenderFile.action()` already knows every row it changes, before and after, because it writes
both to the audit trail. It also hands them back as a `ChangeSet`: the app refreshes only what
an action touched, and undo is `revert()` of that record, for every kind of edit alike. A revert
is itself one audited action, and it refuses, naming the row, if any row has changed since
(a merged pack, another edit), so an undo never overwrites later work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.errors import ValidationError
from workbench.storage.records import Row
from workbench.storage.schema import PROTECTED

if TYPE_CHECKING:
    from workbench.storage.tenderfile import TenderFile


@dataclass(frozen=True)
class Change:
    """One row of one protected table: as it was (None: it did not exist) and as it is now
    (None: it was deleted)."""

    table: str
    before: Row | None
    after: Row | None

    @property
    def row(self) -> Row:
        found = self.after if self.after is not None else self.before
        assert found is not None
        return found

    @property
    def key(self) -> tuple[Any, ...]:
        return tuple(self.row[column] for column in PROTECTED[self.table])


@dataclass(frozen=True)
class ChangeSet:
    """Every row changed by one action (or several, joined), in the order they were written."""

    changes: tuple[Change, ...] = ()
    description: str = ""
    #: Tables whose rows were touched.
    tables: frozenset[str] = field(init=False)
    #: Lots whose rows were touched (tender-wide tables such as `tender`, `scales` or
    #: `evaluators` carry no lot: look at `tables` for those).
    lots: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tables", frozenset(c.table for c in self.changes))
        object.__setattr__(self, "lots", frozenset(
            str(c.row["lot_id"]) for c in self.changes if "lot_id" in c.row))

    def __bool__(self) -> bool:
        return bool(self.changes)

    @classmethod
    def join(cls, parts: Iterable[ChangeSet], description: str = "") -> ChangeSet:
        parts = list(parts)
        return cls(tuple(c for part in parts for c in part.changes),
                   description or (parts[-1].description if parts else ""))

    def inverse(self) -> ChangeSet:
        """The changes that take this set back, latest first."""
        return ChangeSet(tuple(Change(c.table, c.after, c.before) for c in reversed(self.changes)),
                         self.description)


def revert(tf: TenderFile, changes: ChangeSet, description: str) -> ChangeSet:
    """Put every row of `changes` back as it was before, as one audited action.

    Refused, with nothing written, if a row is no longer as `changes` left it: someone (a
    merge, another edit) changed it since, and undoing would overwrite their work. The status
    rules of `TenderFile.action()` apply as to any action (a sealed plan or a locked tender
    refuses the undo of what it froze). Returns the record of the revert (its own undo).
    """
    last: dict[tuple[str, tuple[Any, ...]], Change] = {}
    for change in changes.changes:
        last[(change.table, change.key)] = change
    with tf.action(description):
        for (table, _key), change in last.items():
            current = tf.get(table, change.row)
            if current != change.after:
                raise ValidationError(stale_message(tf, table, change.row))
        for change in reversed(changes.changes):
            if change.before is None:
                tf.delete(change.table, change.row)
            else:
                tf.put(change.table, change.before)
    return tf.last_change


#: How a row of each table is called in a message ("the score of …").
NOUNS = {
    "tender": "the tender's details", "scales": "scale", "scale_levels": "scale level",
    "evaluators": "evaluator", "lots": "lot", "criteria": "criterion", "bidders": "bidder",
    "bidder_values": "figure", "assignments": "assignment", "scores": "score",
    "moderated": "agreed score", "gateways": "gateway result", "lot_conflicts": "conflict "
    "declaration", "packs": "scoring pack", "meetings": "meeting", "parked": "parked item",
    "commitments": "commitment", "deliveries": "delivery report",
}


def row_name(tf: TenderFile, table: str, row: Row) -> str:
    """A row as a person would name it: 'the score of Q1 for Acme Care by Jane Smith (lot L1)'."""
    noun = NOUNS.get(table, table.replace("_", " "))
    if table == "tender":
        return noun
    parts: list[str] = []
    if "criterion_id" in row:
        parts.append(f"of {row['criterion_id']}")
    if "bidder_id" in row:
        bidder = {"lot_id": row.get("lot_id"), "id": row["bidder_id"]}
        parts.append(f"for {_name(tf, 'bidders', bidder)}")
    if "evaluator_id" in row:
        parts.append(f"by {_name(tf, 'evaluators', {'id': row['evaluator_id']})}")
    if "period" in row:
        parts.append(f"for {row['period']}")
    if table in ("bidders", "evaluators"):
        parts.append(_name(tf, table, row))
    elif not parts:
        parts.append(" / ".join(str(row[c]) for c in PROTECTED[table] if c != "lot_id"))
    lot = f" (lot {row['lot_id']})" if "lot_id" in row and table != "lots" else ""
    return f"the {noun} {' '.join(parts)}{lot}"


def _name(tf: TenderFile, table: str, row: Row) -> str:
    """The name a bidder or evaluator goes by now (its code if it has gone)."""
    key = {column: row.get(column) for column in PROTECTED[table]}
    found = tf.get(table, key) if all(v is not None for v in key.values()) else None
    return str(found["name"]) if found and found.get("name") else str(key["id"])


def stale_message(tf: TenderFile, table: str, row: Row) -> str:
    """Why an undo is refused: which row, changed by what since."""
    later = tf.last_action_on(table, row)
    by = f" by a later action (“{later}”)" if later else " since"
    return f"cannot undo: {row_name(tf, table, row)} was changed{by}; undoing would overwrite it"
