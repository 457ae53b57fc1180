"""Connections to a tender file, and the file on disk as a writer last left it.

Writable connections commit with `synchronous = FULL`; read-only ones never create side files
on a read-only disk and refuse a file whose committed work they could not read.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from workbench.errors import StorageError


def connect(path: Path, *, writable: bool) -> Database:
    try:
        if writable:
            conn = sqlite3.connect(path, timeout=5)
            # FULL: a commit reaches the disk before the action returns, so a power cut
            # cannot take back a score the evaluator saw saved.
            conn.execute("PRAGMA synchronous = FULL")
        else:
            conn = _connect_read_only(path)
        db = Database(conn)
        db.execute("PRAGMA foreign_keys = ON")
        return db
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        if isinstance(exc, sqlite3.OperationalError) and not str(exc).startswith("Could not"):
            # Not damage: no access, no such folder, a lock that would not clear...
            raise StorageError(damaged(path.name, exc, "cannot be opened", advice=False)) \
                from None
        raise StorageError(damaged(path.name, exc)) from None


def _connect_read_only(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}"
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=5)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        if os.access(path.parent, os.W_OK) and os.access(path, os.W_OK):
            raise
        conn.close()
    # A file left in WAL mode on a read-only disk or folder: SQLite cannot make the
    # shared-memory file it reads the -wal through. Without a -wal (or with an empty one) the
    # .tender alone holds everything and is read as unchanging; work still in the -wal
    # cannot be read from here, so the file is refused rather than shown without it.
    wal = Path(f"{path}-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        raise StorageError(f"{path.name} cannot be opened here: part of its saved work is "
                           f"still in {wal.name} beside it, which cannot be read from a "
                           "read-only folder; copy both files to a folder you can write to "
                           "and open the copy")
    return sqlite3.connect(f"{uri}?immutable=1", uri=True)


#: What the file on disk looked like after our last write: (device, inode, size, mtime) of
#: the .tender and (size, mtime) of its -wal, if any.
DiskState = tuple[int, int, int, int, int, int]


def disk_state(path: Path) -> DiskState | None:
    """None when the path no longer holds a file (deleted or moved away)."""
    try:
        info = path.stat()
    except OSError:
        return None
    try:
        wal = os.stat(f"{path}-wal")
        wal_size, wal_mtime = wal.st_size, wal.st_mtime_ns
    except OSError:
        wal_size, wal_mtime = -1, -1
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, wal_size, wal_mtime)


def quick_check(db: Database, name: str) -> None:
    """A damaged or truncated file fails here, before anything is written to it."""
    try:
        result = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        db.close()
        raise StorageError(damaged(name, exc)) from None
    if result != ["ok"]:
        db.close()
        raise StorageError(damaged(name, result[0]))


def damaged(name: str, detail: object, what: str = "is damaged and cannot be opened",
            advice: bool = True) -> str:
    """One line, whatever SQLite said: its first line, cut short, never undecodable bytes."""
    if isinstance(detail, UnicodeDecodeError) or str(detail).startswith("Could not decode"):
        text = "some of its text is unreadable"
    else:
        text = " ".join(str(detail).replace("*** in database main ***", "").split())
    if len(text) > 90:
        text = text[:89].rstrip() + "…"
    tail = "; restore a backup (File ▸ Restore backup…)" if advice else ""
    return f"{name} {what} ({text}){tail}"
