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

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

from sqlite_utils import Database

from workbench.errors import StorageError
from workbench.storage.schema import AFTER_AWARD, PROTECTED

GENESIS = "0" * 64
#: `meta` key holding "seq:hash" of the newest audit row, rewritten by every action.
HEAD_KEY = "audit_head"
#: Entity of audit rows about the file itself (a restored backup), not about a table row.
FILE_ENTITY = "file"
#: How every file-format upgrade's action starts (the audit summary finds upgrades by it).
UPGRADE_ACTION = "Upgrade file format"


def canonical(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """The hash of one audit row: SHA-256 over the previous hash and the row's content."""
    payload = canonical([prev_hash, [fields[name] for name in _HASHED]])
    return sha256(payload.encode("utf-8")).hexdigest()


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
    """Walk the chain from the first row; report the first row whose link, hash or time is wrong.

    SQLite builds each row's hashed text (`json_array` writes the same bytes as `canonical`),
    so Python only hashes; a row whose text differs is checked again the slow way before it is
    reported, so no difference in how a value is written can pass a good file off as altered.
    """
    prev, previous_at, expected_seq = GENESIS, "", 1
    payload = f"CAST(json_array(prev_hash, json_array({', '.join(_HASHED)})) AS BLOB)"
    try:
        rows = db.execute(f"SELECT seq, at, prev_hash, hash, {payload} FROM audit ORDER BY seq")
        for seq, at, prev_hash, digest, text in rows:
            if seq != expected_seq:
                return AuditProblem(f"table 'audit': entry {expected_seq} was deleted",
                                    expected_seq, "audit")
            if prev_hash != prev or (sha256(text).hexdigest() != digest
                                     and not _hash_matches(db, seq, prev, digest)):
                return _altered(seq)
            if not isinstance(at, str) or at < previous_at:
                return AuditProblem(f"table 'audit': entry {seq} is dated before the entry it "
                                    "follows (entries are written in time order)", seq, "audit")
            prev, previous_at, expected_seq = digest, at, expected_seq + 1
    except sqlite3.OperationalError:  # a value JSON cannot hold (a BLOB) was put in the trail
        return _altered(_first_blob(db))
    return None


def _altered(seq: int) -> AuditProblem:
    return AuditProblem(f"table 'audit': entry {seq} was altered (its hash does not match its "
                        "content)", seq, "audit")


def _hash_matches(db: Database, seq: int, prev: str, digest: str) -> bool:
    """The hash as the writer computes it, for the rare row SQLite writes differently."""
    row = next(db.query(f"SELECT {', '.join(_HASHED)} FROM audit WHERE seq = ?", [seq]))
    try:
        return row_hash(prev, row) == digest
    except TypeError:  # a BLOB: nothing the workbench writes
        return False


def _first_blob(db: Database) -> int:
    blob = " OR ".join(f"typeof([{name}]) = 'blob'" for name in (*_HASHED, "prev_hash", "hash"))
    rows = db.execute(f"SELECT min(seq) FROM audit WHERE {blob}").fetchone()
    return int(rows[0] or 0)


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
    found = []
    present = set(db.table_names())  # an older format lacks the tables added since
    for table in PROTECTED:
        if table not in present or not set(PROTECTED[table]) <= {c.name for c in db[table].columns}:
            continue  # not in this older format yet (or keyed otherwise): checked once upgraded
        try:
            problem = _table_problem(db, table)
        except sqlite3.OperationalError:  # a BLOB, which JSON cannot hold: not ours
            problem = AuditProblem(f"table '{table}': a row holds a value of a kind the "
                                   "workbench never writes (it was changed outside the "
                                   "workbench)", table=table)
        if problem is not None:
            found.append(problem)
    return found


def _table_problem(db: Database, table: str) -> AuditProblem | None:
    """Set-based: SQLite builds each row's canonical content (`json_object`, keys sorted, the
    same text as `content`) and compares it with the latest audit record through the
    `audit_entity` index; only rows that differ are looked at in Python."""
    columns = sorted(column for column in db[table].columns_dict)
    as_json = f"json_object({', '.join(f'{_quote(c)}, t.[{c}]' for c in columns)})"
    key = f"json_array({', '.join(f't.[{c}]' for c in PROTECTED[table])})"
    latest = (f"(SELECT after FROM audit WHERE entity = ? AND entity_key = {key} "
              "ORDER BY seq DESC LIMIT 1)")
    differing = db.execute(f"SELECT {key} FROM [{table}] t WHERE {latest} IS NOT {as_json}",
                           [table])
    for (entity_key,) in differing:
        problem = _row_problem(db, table, entity_key)
        if problem is not None:
            return problem
    recorded = db.execute("SELECT count(*) FROM (SELECT after, max(seq) FROM audit "
                          "WHERE entity = ? GROUP BY entity_key) WHERE after IS NOT NULL",
                          [table]).fetchone()[0]
    if recorded > db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]:
        return _deleted_row(db, table, key)
    return None


def _quote(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _row_problem(db: Database, table: str, entity_key: str) -> AuditProblem | None:
    """A row SQLite found different: confirm in Python (as the writer wrote it) and name it."""
    recorded = list(db.query("SELECT after FROM audit WHERE entity = ? AND entity_key = ? "
                             "ORDER BY seq DESC LIMIT 1", [table, entity_key]))
    if not recorded or recorded[0]["after"] is None:
        return AuditProblem(f"table '{table}': row {key_label(entity_key)} was added outside "
                            "the workbench (the audit trail never recorded it)", table=table)
    where = " AND ".join(f"[{c}] IS ?" for c in PROTECTED[table])
    rows = list(db.query(f"SELECT * FROM [{table}] WHERE {where}", json.loads(entity_key)))
    try:
        same = bool(rows) and content(rows[0]) == recorded[0]["after"]
    except TypeError:  # a BLOB: nothing the workbench writes
        same = False
    if same:
        return None
    return AuditProblem(f"table '{table}': row {key_label(entity_key)} was changed outside the "
                        "workbench (it differs from its last audited content)", table=table)


def _deleted_row(db: Database, table: str, key: str) -> AuditProblem:
    present = {row[0] for row in db.execute(f"SELECT {key} FROM [{table}] t")}
    for entity_key, after, _ in db.execute(
            "SELECT entity_key, after, max(seq) FROM audit WHERE entity = ? GROUP BY entity_key",
            [table]):
        if after is not None and entity_key not in present:
            return AuditProblem(f"table '{table}': row {key_label(entity_key)} was deleted "
                                "outside the workbench", table=table)
    raise AssertionError("more audited rows than rows, yet none missing")  # pragma: no cover


def problems(db: Database) -> list[AuditProblem]:
    """Everything found wrong, the trail itself first, then the first problem of each table."""
    with one_snapshot(db):
        trail = verify_chain(db) or verify_head(db) or verify_lock_end(db)
        return ([trail] if trail else []) + verify_content(db)


#: Entries that may follow a tender's lock besides monitoring: a format upgrade re-recording
#: rows exactly as they are (see `reaudit_table`).
UPGRADE_ACTION = "Upgrade file format"


def verify_lock_end(db: Database) -> AuditProblem | None:
    """A locked tender's trail ends with its lock: after it, only contract monitoring (the
    workbench refuses anything else), so an entry added afterwards under any name shows."""
    status = db.execute("SELECT status FROM tender WHERE id = 1").fetchone()
    if status is None or status[0] != "locked":
        return None
    try:
        locked_by = db.execute(
            "SELECT max(action_id) FROM audit WHERE entity = 'tender' "
            "AND json_extract(after, '$.status') = 'locked' "
            "AND (before IS NULL OR json_extract(before, '$.status') IS NOT 'locked')"
        ).fetchone()[0]
        exempt = ", ".join("?" for _ in AFTER_AWARD)
        later = db.execute(
            f"SELECT seq, action, user FROM audit WHERE action_id > ? AND entity NOT IN "
            f"({exempt}) AND substr(action, 1, ?) IS NOT ? ORDER BY seq LIMIT 1",
            [locked_by or 0, *AFTER_AWARD, len(UPGRADE_ACTION), UPGRADE_ACTION]).fetchone()
    except sqlite3.OperationalError:  # malformed JSON in the trail: the chain says which
        return None
    if later is None:
        return None
    seq, action, user = later
    return AuditProblem(f"table 'audit': entry {seq} ('{_short(str(action))}' by "
                        f"{_short(str(user))}) was added after the tender was locked; a locked "
                        "tender's trail ends with the lock, apart from contract monitoring",
                        seq, "audit")


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:59] + "…"


@dataclass(frozen=True)
class Author:
    """Who made entries after a point of the trail: how many, first and last time."""

    user: str
    entries: int
    first_at: str
    last_at: str


def authors_after(db: Database, seq: int) -> list[Author]:
    """Everyone who made entries after entry `seq` (e.g. a noted anchor), in order."""
    return [Author(str(user), int(count), str(first), str(last)) for user, count, first, last in
            db.execute("SELECT user, count(*), min(at), max(at) FROM audit WHERE seq > ? "
                       "GROUP BY user ORDER BY min(seq)", [seq])]


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
    last = db.execute("SELECT at FROM audit WHERE seq = ?", [seq]).fetchone()
    if last is not None and at < str(last[0]):
        raise StorageError(f"this computer's clock says {at}, earlier than the last saved change "
                           f"({last[0]}); the audit trail is kept in time order, so correct "
                           "the clock and try again")
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
