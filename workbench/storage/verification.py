"""Verifying a whole tender file, and remembering a verification passed, outside the file.

A full verification is the structure (`structure`: schema, meta, every index against its
table) and the audit trail (`audit`: chain, head, every protected row, time order, the locked
trail's end). It takes about a second per 100,000 audit entries, so commands that only read
(`results`, reports) and the app on opening may rely on an earlier one instead: after a file
passes, this user's data folder records the file's identity as the operating system keeps it
(device, inode, size, modification time and *change* time). Anything that writes to the file,
even through SQLite and even putting the modification time back, moves its change time, which
no ordinary program can set; so the record no longer matches and the file is verified again.
The record is made only for a file unchanged for a few seconds (so a change in the same clock
tick cannot hide) and never while a `-wal` beside it holds data. `check` always verifies.
Windows keeps no change time (`st_ctime` is the creation time there): no record is trusted.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Literal

from sqlite_utils import Database, Migrations

from workbench.crashlog import data_dir
from workbench.storage import audit, structure
from workbench.storage.audit import AuditProblem

#: "full": verify now; "recorded": trust a record of this very file passing, else verify now;
#: "later": trust a record, else leave it to the caller (`verify_file` on a worker).
Verify = Literal["full", "recorded", "later"]
#: A file changed this recently is not recorded: a later change could share its clock tick.
SETTLED_NS = 3_000_000_000
#: How many files' records are kept (the oldest go first).
KEEP_RECORDS = 200

Stamp = dict[str, int]
#: The `table` of a problem with the file's structure rather than with one table's rows.
STRUCTURE = "structure"


def structure_problems(db: Database, version: int, built_by: Migrations) -> list[AuditProblem]:
    """The cheap part, run before anything else reads or writes: schema and meta, against
    what `built_by` (this version's migrations) builds."""
    return [AuditProblem(message, table=STRUCTURE)
            for message in structure.problems(db, version, built_by, indexes=False)]


def full(db: Database, version: int, built_by: Migrations) -> list[AuditProblem]:
    """Everything: structure with every index, then the audit trail, from one snapshot."""
    with audit.one_snapshot(db):
        found = [AuditProblem(message, table=STRUCTURE)
                 for message in structure.problems(db, version, built_by)]
        try:  # the trail too, so everything wrong is named (reading changes nothing)
            return found + audit.problems(db)
        except sqlite3.Error:
            if not found:
                raise
            return found  # its tables were changed too far to read


def run(db: Database, path: Path, version: int, built_by: Migrations, verify: Verify,
        before: Stamp | None) -> list[AuditProblem] | None:
    """Verify as asked; None when left for later. `before` is the file's stamp taken before
    it was read, so a change during the verification is not recorded as verified."""
    if verify != "full" and before is not None and is_recorded(path, before):
        return []
    if verify == "later":
        return None
    found = full(db, version, built_by)
    if not found and before is not None:
        remember(path, before)
    return found


def stamp(path: Path) -> Stamp | None:
    """The file's identity as the OS keeps it, or None when it cannot be relied on."""
    if sys.platform == "win32":  # pragma: no cover - st_ctime is the creation time there
        return None
    try:
        info = path.stat()
        wal = Path(f"{path}-wal").stat().st_size if Path(f"{path}-wal").exists() else 0
    except OSError:
        return None
    if wal:
        return None
    return {"dev": info.st_dev, "ino": info.st_ino, "size": info.st_size,
            "mtime_ns": info.st_mtime_ns, "ctime_ns": info.st_ctime_ns}


def is_recorded(path: Path, current: Stamp) -> bool:
    return _records().get(_key(path)) == current


def remember(path: Path, before: Stamp) -> None:
    """Record that the file passed, if it did not change meanwhile and has settled."""
    if stamp(path) != before or time.time_ns() - before["ctime_ns"] < SETTLED_NS:
        return
    records = _records()
    records.pop(_key(path), None)
    records[_key(path)] = before
    kept = dict(list(records.items())[-KEEP_RECORDS:])
    target = _record_path()
    part = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        part.write_text(json.dumps(kept), encoding="utf-8")
        os.replace(part, target)
    except OSError:  # no record only means verifying again next time
        part.unlink(missing_ok=True)


def verify_file(path: Path) -> list[AuditProblem]:
    """Open `path` on a connection of its own (for a worker thread) and verify all of it."""
    from workbench.storage.tenderfile import TenderFile

    with TenderFile.open(path, read_only=True, verify="recorded") as tf:
        return tf.problems


def _record_path() -> Path:
    return data_dir() / "verified.json"


def _key(path: Path) -> str:
    return str(path.resolve())


def _records() -> dict[str, Stamp]:
    try:
        found = json.loads(_record_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}
