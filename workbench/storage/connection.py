"""Connections to a tender file, and the watch on the file on disk kept by its writer.

Writable connections commit with `synchronous = FULL`; read-only ones never create side files
on a read-only disk and refuse a file whose committed work they could not read.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from workbench.errors import ReadOnlyError, StorageError


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
        wal_size = 0
    if wal_size == 0:
        # An empty -wal holds no work: a connection of ours creates one just by reading after
        # a worker's connection, the last to close, removed it.
        wal_size, wal_mtime = -1, -1
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, wal_size, wal_mtime)


@dataclass
class DiskWatch:
    """The file on disk as this process's writes left it, and the journal chosen for it;
    shared by every connection of one open tender (a worker's included).

    Before every write the file at the path must still be the one opened, as we left it: a
    file deleted, moved away, replaced (a sync client or a restore by hand putting an older
    copy in its place) or overwritten must never receive the writes meant for the one
    opened. From then on writing stops, and the reason says what to do.
    """

    #: Why the file gets a rollback journal ("in a OneDrive folder"), "" on a local disk.
    location: str = ""
    #: After our last write; None while we are not writing here (read-only, or opening).
    state: DiskState | None = None
    journal_set: bool = False
    wal: bool = False
    #: Why writing stopped ("" while it goes on).
    stopped: str = ""

    def before_write(self, db: Database, path: Path) -> None:
        if self.stopped:
            raise ReadOnlyError(self.stopped)
        if self.state is None:
            return
        now = disk_state(path)
        if now == self.state:
            if not self.journal_set:
                self.use_journal(db)
                self.after_write(path)
            return
        name = path.name
        if now is None:
            what = f"{name} was deleted or moved away while it was open"
        elif now[:2] != self.state[:2]:
            what = f"{name} was replaced by another file while it was open"
        else:
            what = f"{name} was changed on disk by another program while it was open"
        self.stopped = (f"{what}; nothing more is written to it. Your work as it was is still "
                        "open: save it with File ▸ Save a copy… (or close the file and open it "
                        "again to see what is on disk now)")
        raise ReadOnlyError(self.stopped)

    def after_write(self, path: Path) -> None:
        """After each of our writes (and after closing one of our connections, which may
        checkpoint): what the file now looks like is our doing."""
        if self.state is not None and not self.stopped:  # gone meanwhile: the next write says
            self.state = disk_state(path) or self.state

    def use_journal(self, db: Database) -> None:
        """Choose the journal for this session, just before the first write: a file that is
        only read (or found damaged) is never written to, not even its header."""
        self.journal_set = True
        # Needs the file to itself for a moment: waits for a reader such as the check
        # running after opening (a few seconds on the largest tenders).
        db.execute("PRAGMA busy_timeout = 30000")
        try:
            if self.location:
                # Network drives and synced folders: no shared memory, and a sync client may
                # take the .tender without its -wal. A rollback journal keeps the file whole
                # after every commit.
                db.execute("PRAGMA journal_mode = DELETE")
            else:
                # WAL, so readers (the check running after opening, a colleague's read-only
                # copy) never hold up a save; checkpointed after every commit, so whenever the
                # app is idle the .tender alone holds all the work (a copy of it is whole).
                db.execute("PRAGMA journal_mode = WAL")
                self.wal = True
                self.settings(db)
        finally:
            db.execute("PRAGMA busy_timeout = 5000")

    def settings(self, db: Database) -> None:
        """What each connection of the writer needs in WAL mode (they are per connection)."""
        if self.wal:
            db.execute("PRAGMA wal_autocheckpoint = 1")
            db.execute("PRAGMA journal_size_limit = 1048576")

    def checkpoint(self, db: Database, path: Path) -> None:
        if self.wal and not self.stopped and self.state is not None \
                and disk_state(path) == self.state:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self.after_write(path)

    def at_rest(self, db: Database, path: Path) -> None:
        """On closing: back to a rollback journal, so whoever opens the file next, even
        read-only, leaves no -wal or -shm beside it. (Refused while another process reads
        it; then the last to close tidies up.) Not for a file that is no longer ours."""
        if self.wal and not self.stopped and self.state is not None \
                and disk_state(path) == self.state:
            with suppress(sqlite3.OperationalError):
                db.execute("PRAGMA journal_mode = DELETE")


def in_memory_copy(db: Database) -> Database:
    """A private copy of the database in memory (the original connection is closed)."""
    memory = sqlite3.connect(":memory:")
    db.conn.backup(memory)
    db.close()
    copy = Database(memory)
    copy.execute("PRAGMA foreign_keys = ON")
    return copy


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
