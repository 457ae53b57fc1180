"""The audit trail: an append-only table whose rows are chained by SHA-256.

Each row records one change to one protected row (table + key): who, when, which user action,
the row before and after (canonical JSON), and the reason where one was asked. Its hash covers
all of that and the previous row's hash, so editing, inserting or deleting an audit row breaks
the chain. Because every protected row's current content must equal the `after` of its latest
audit row, a change made to the data outside the app (say with an SQLite tool) is found too.

The newest row's number and hash (the "head") are also written to the `meta` table by every
action, so removing the last entries and putting the data back as it was is found as well.

What this cannot catch: someone who rewrites data, recomputes every later hash and updates the
head, all by hand. Against that, note the head shown by `workbench-cli check` (or the Audit
view) somewhere outside the file, e.g. in the award report; `check --anchor SEQ:HASH` then
proves the trail up to that entry is the one that was noted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from workbench.storage.schema import PROTECTED

GENESIS = "0" * 64
#: `meta` key holding "seq:hash" of the newest audit row, rewritten by every action.
HEAD_KEY = "audit_head"
#: Entity of audit rows about the file itself (a restored backup), not about a table row.
FILE_ENTITY = "file"


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
    """Something found wrong: a broken link, a moved head, or a row changed outside the app.

    `seq` is the audit entry concerned (None when the problem is in a data table), `table`
    the table concerned ("audit" for the trail itself).
    """

    message: str
    seq: int | None = None
    table: str | None = None


def last_hash(db: Database) -> tuple[int, str]:
    """(seq, hash) of the newest audit row, or (0, GENESIS) for an empty trail."""
    rows = list(db.query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"))
    return (rows[0]["seq"], rows[0]["hash"]) if rows else (0, GENESIS)


def recorded_head(db: Database) -> tuple[int, str] | None:
    """The head written by the last action, or None if the file has none."""
    rows = list(db.query("SELECT value FROM meta WHERE key = ?", [HEAD_KEY]))
    if not rows:
        return None
    seq, _, digest = str(rows[0]["value"]).partition(":")
    return (int(seq), digest) if seq.isdigit() else (-1, digest)


def key_text(table: str, row: Mapping[str, Any]) -> str:
    """How the audit trail names a row: its key columns' values as canonical JSON."""
    return canonical([row[column] for column in PROTECTED[table]])


def key_label(entity_key: str) -> str:
    """A stored key made readable: '["L1","B2"]' -> 'L1 / B2'."""
    try:
        parts = json.loads(entity_key)
    except ValueError:
        return entity_key
    if not isinstance(parts, list):
        return str(parts)
    return " / ".join(str(part) for part in parts)


def content(row: Mapping[str, Any]) -> str:
    """A row's content as stored in the trail's `before`/`after`."""
    return canonical(dict(row))


def verify_chain(db: Database) -> AuditProblem | None:
    """Walk the chain from the first row; report the first row whose link or hash is wrong."""
    prev = GENESIS
    expected_seq = 1
    for row in db.query(f"SELECT {', '.join(_HASHED)}, prev_hash, hash FROM audit ORDER BY seq"):
        if row["seq"] != expected_seq:
            return AuditProblem(f"table 'audit': entry {expected_seq} was deleted",
                                expected_seq, "audit")
        if row["prev_hash"] != prev or row_hash(prev, row) != row["hash"]:
            return AuditProblem(f"table 'audit': entry {row['seq']} was altered (its hash does "
                                "not match its content)", row["seq"], "audit")
        prev = row["hash"]
        expected_seq += 1
    return None


def verify_head(db: Database) -> AuditProblem | None:
    """Compare the newest audit row with the head the last action recorded."""
    seq, digest = last_hash(db)
    head = recorded_head(db)
    if head is None:
        if seq == 0:
            return None
        return AuditProblem("table 'meta': the record of the audit trail's last entry was "
                            "removed", seq, "meta")
    if head[0] > seq:
        return AuditProblem(f"table 'audit': the last {head[0] - seq} entr"
                            f"{'y was' if head[0] - seq == 1 else 'ies were'} deleted (the trail "
                            f"ends at entry {seq}, entry {head[0]} was recorded)", seq + 1, "audit")
    if head[0] < seq:
        return AuditProblem(f"table 'audit': entries after {head[0]} were added outside the "
                            "workbench", head[0] + 1, "audit")
    if head[1] != digest:
        return AuditProblem(f"table 'audit': entry {seq} was replaced outside the workbench",
                            seq, "audit")
    return None


def verify_content(db: Database) -> list[AuditProblem]:
    """Check every protected row against the latest audit record of it: the first problem
    of each table."""
    latest: dict[tuple[str, str], str | None] = {}
    for row in db.query(
        "SELECT entity, entity_key, after FROM audit WHERE seq IN "
        "(SELECT max(seq) FROM audit GROUP BY entity, entity_key)"
    ):
        latest[(row["entity"], row["entity_key"])] = row["after"]
    found = []
    for table in PROTECTED:
        problem = _table_problem(db, table, latest)
        if problem is not None:
            found.append(problem)
    return found


def _table_problem(db: Database, table: str,
                   latest: Mapping[tuple[str, str], str | None]) -> AuditProblem | None:
    seen: set[str] = set()
    for row in db.query(f"SELECT * FROM [{table}]"):
        key = key_text(table, row)
        seen.add(key)
        recorded = latest.get((table, key))
        if recorded is None:
            return AuditProblem(f"table '{table}': row {key_label(key)} was added outside the "
                                "workbench (the audit trail never recorded it)", table=table)
        if recorded != content(row):
            return AuditProblem(f"table '{table}': row {key_label(key)} was changed outside the "
                                "workbench (it differs from its last audited content)",
                                table=table)
    for (entity, key), after in latest.items():
        if entity == table and after is not None and key not in seen:
            return AuditProblem(f"table '{table}': row {key_label(key)} was deleted outside the "
                                "workbench", table=table)
    return None


def problems(db: Database) -> list[AuditProblem]:
    """Everything found wrong, the trail itself first, then the first problem of each table."""
    with one_snapshot(db):
        trail = verify_chain(db) or verify_head(db)
        return ([trail] if trail else []) + verify_content(db)


@contextmanager
def one_snapshot(db: Database) -> Iterator[None]:
    """Make several reads see one state of the file, even while another process commits
    (in WAL mode a read transaction keeps its snapshot until it ends)."""
    if db.conn.in_transaction:  # inside an action: already one snapshot
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    finally:
        db.execute("ROLLBACK")


def verify(db: Database) -> AuditProblem | None:
    """The first problem found, or None when the trail and every protected row check out."""
    found = problems(db)
    return found[0] if found else None


def verify_anchor(db: Database, seq: int, digest: str) -> AuditProblem | None:
    """Check that entry `seq` still has the hash noted down outside the file."""
    rows = list(db.query("SELECT hash FROM audit WHERE seq = ?", [seq]))
    if not rows:
        return AuditProblem(f"table 'audit': entry {seq}, noted outside the file, is missing",
                            seq, "audit")
    if len(digest) < 8 or not rows[0]["hash"].startswith(digest.lower()):
        return AuditProblem(f"table 'audit': entry {seq} does not match the fingerprint noted "
                            "outside the file; the trail was rewritten", seq, "audit")
    return None


def entries(db: Database) -> list[dict[str, Any]]:
    """Every audit row, oldest first (for the Audit view and exports)."""
    return list(db.query(f"SELECT {', '.join(_HASHED)}, hash FROM audit ORDER BY seq"))


def reaudit(db: Database, *, at: str, user: str, action: str) -> int:
    """Record, as one action, the current content of every protected row that differs from its
    latest audit record: a format upgrade that adds a column changes every row's content, and
    without this the upgraded file would fail its own verification. Verify the file before
    calling this (it trusts what it finds). Returns the number of entries written."""
    changes = []
    for table in PROTECTED:
        latest = {
            row["entity_key"]: row["after"] for row in db.query(
                "SELECT entity_key, after FROM audit WHERE seq IN (SELECT max(seq) FROM audit "
                "WHERE entity = ? GROUP BY entity_key)", [table])}
        for row in db.query(f"SELECT * FROM [{table}]"):
            key, now = key_text(table, row), content(row)
            if latest.get(key) != now:
                changes.append({"entity": table, "entity_key": key, "before": latest.get(key),
                                "after": now})
    if changes:
        append(db, changes, action_id=last_hash(db)[0] + 1, at=at, user=user, action=action,
               reason="")
    return len(changes)


def append(
    db: Database,
    changes: Iterable[Mapping[str, Any]],
    *,
    action_id: int,
    at: str,
    user: str,
    action: str,
    reason: str,
) -> None:
    """Append audit rows (each: entity, entity_key, before, after) to the chain, and record
    the new head. Call inside the action's transaction so both land or neither does."""
    seq, prev = last_hash(db)
    for change in changes:
        seq += 1
        fields = {
            "seq": seq, "action_id": action_id, "at": at, "user": user, "action": action,
            "entity": change["entity"], "entity_key": change["entity_key"],
            "before": change["before"], "after": change["after"], "reason": reason,
        }
        digest = row_hash(prev, fields)
        db.execute(
            "INSERT INTO audit (seq, action_id, at, user, action, entity, entity_key, before, "
            "after, reason, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [*(fields[name] for name in _HASHED), prev, digest],
        )
        prev = digest
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
               "SET value = excluded.value", [HEAD_KEY, f"{seq}:{prev}"])
