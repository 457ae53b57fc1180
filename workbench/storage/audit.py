"""The audit trail: an append-only table whose rows are chained by SHA-256.

Each row records one change to one protected row (table + key): who, when, which user action,
the row before and after (canonical JSON), and the reason where one was asked. Its hash covers
all of that and the previous row's hash, so editing, inserting or deleting an audit row breaks
the chain. Because every protected row's current content must equal the `after` of its latest
audit row, a change made to the data outside the app (say with an SQLite tool) is found too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from workbench.storage.schema import PROTECTED

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """The hash of one audit row: SHA-256 over the previous hash and the row's content."""
    payload = canonical([prev_hash, [fields[name] for name in _HASHED]])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_HASHED = (
    "seq", "action_id", "at", "user", "action", "entity", "entity_key", "before", "after",
    "reason",
)


@dataclass(frozen=True)
class AuditProblem:
    """The first thing found wrong: a broken link, or a row changed outside the app."""

    message: str
    seq: int | None = None
    table: str | None = None


def last_hash(db: Database) -> tuple[int, str]:
    """(seq, hash) of the newest audit row, or (0, GENESIS) for an empty trail."""
    rows = list(db.query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"))
    return (rows[0]["seq"], rows[0]["hash"]) if rows else (0, GENESIS)


def key_text(table: str, row: Mapping[str, Any]) -> str:
    return canonical([row[column] for column in PROTECTED[table]])


def content(row: Mapping[str, Any]) -> str:
    return canonical(dict(row))


def verify_chain(db: Database) -> AuditProblem | None:
    """Walk the chain from the first row; report the first row whose link or hash is wrong."""
    prev = GENESIS
    expected_seq = 1
    for row in db.query(f"SELECT {', '.join(_HASHED)}, prev_hash, hash FROM audit ORDER BY seq"):
        if row["seq"] != expected_seq:
            return AuditProblem(f"audit row {expected_seq} is missing", expected_seq)
        if row["prev_hash"] != prev or row_hash(prev, row) != row["hash"]:
            return AuditProblem(
                f"audit row {row['seq']} was altered (its hash does not match)", row["seq"]
            )
        prev = row["hash"]
        expected_seq += 1
    return None


def verify_content(db: Database) -> AuditProblem | None:
    """Check every protected row against the latest audit record of it, table by table."""
    latest: dict[tuple[str, str], str | None] = {}
    for row in db.query(
        "SELECT entity, entity_key, after FROM audit WHERE seq IN "
        "(SELECT max(seq) FROM audit GROUP BY entity, entity_key)"
    ):
        latest[(row["entity"], row["entity_key"])] = row["after"]
    for table in PROTECTED:
        seen: set[str] = set()
        for row in db.query(f"SELECT * FROM [{table}]"):
            key = key_text(table, row)
            seen.add(key)
            recorded = latest.get((table, key))
            if recorded is None:
                return AuditProblem(
                    f"table '{table}' has a row the audit trail never recorded (key {key})",
                    table=table,
                )
            if recorded != content(row):
                return AuditProblem(
                    f"table '{table}' was changed outside the workbench (key {key})",
                    table=table,
                )
        for (entity, key), after in latest.items():
            if entity == table and after is not None and key not in seen:
                return AuditProblem(
                    f"table '{table}' lost a row outside the workbench (key {key})",
                    table=table,
                )
    return None


def verify(db: Database) -> AuditProblem | None:
    return verify_chain(db) or verify_content(db)


def reaudit_table(db: Database, table: str, *, at: str, user: str, action: str) -> None:
    """Record the current content of every row of `table` (for migrations that change rows)."""
    action_id = last_hash(db)[0] + 1
    entries = [
        {"before": None, "after": content(row), "entity": table, "entity_key": key_text(table, row)}
        for row in db.query(f"SELECT * FROM [{table}]")
    ]
    append(db, entries, action_id=action_id, at=at, user=user, action=action, reason="")


def append(
    db: Database,
    entries: Iterable[Mapping[str, Any]],
    *,
    action_id: int,
    at: str,
    user: str,
    action: str,
    reason: str,
) -> None:
    """Append audit rows (each: entity, entity_key, before, after) to the chain."""
    seq, prev = last_hash(db)
    for entry in entries:
        seq += 1
        fields = {
            "seq": seq, "action_id": action_id, "at": at, "user": user, "action": action,
            "entity": entry["entity"], "entity_key": entry["entity_key"],
            "before": entry["before"], "after": entry["after"], "reason": reason,
        }
        digest = row_hash(prev, fields)
        db.execute(
            "INSERT INTO audit (seq, action_id, at, user, action, entity, entity_key, before, "
            "after, reason, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [*(fields[name] for name in _HASHED), prev, digest],
        )
        prev = digest
