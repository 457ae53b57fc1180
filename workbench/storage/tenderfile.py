"""The tender file: open, validate, lock, migrate, and write every change as one audited action.

Only this package writes SQL. Area modules change the file through `TenderFile.action()`,
inside which `put()` and `delete()` write rows by table and key; each changed row is appended
to the audit chain in the same transaction, so a crash keeps both or neither.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlite_utils import Database

from workbench import __version__
from workbench.domain import Tender, TenderData, UnknownName
from workbench.errors import ReadOnlyError, StorageError, ValidationError
from workbench.storage import audit, backup, rules
from workbench.storage.changes import Change, ChangeSet
from workbench.storage.lock import FileLock
from workbench.storage.records import Row, data_of, rows_of, tender_of, tender_row
from workbench.storage.schema import (
    APPLICATION_ID,
    META_KIND,
    PROTECTED,
    SCHEMA_VERSION,
    migrations,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
#: Why a locked tender refuses changes; unlocking it (with a reason) is the one action allowed.
LOCKED_REASON = rules.LOCKED.reason


def now() -> str:
    """The time recorded with every change: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers, services)
        return "unknown user"


def who(name: str) -> str:
    """The "who" recorded in the audit trail: 'Jane Smith (jsmith)', or the login alone."""
    login = default_user()
    name = name.strip()
    return f"{name} ({login})" if name and name != login else login


def check_header(path: Path) -> int:
    """Refuse anything that is not a tender file of a version we read, without writing to it.

    Returns the file's schema version. Reads only the 100-byte SQLite header.
    """
    name = path.name
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        raise StorageError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise StorageError(f"{name} is a folder, not a tender file") from None
    except OSError as exc:
        raise StorageError(f"{name} cannot be read: {exc.strerror}") from None
    if not header:
        raise StorageError(f"{name} is empty, not a tender file")
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        raise StorageError(f"{name} is not a tender file")
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        raise StorageError(f"{name} is an SQLite database but not a tender file")
    version = int.from_bytes(header[60:64], "big")
    if version == 0:  # marked as ours but never built: another program's file, left alone
        raise StorageError(f"{name} is not a complete tender file")
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"{name} was saved by a newer version of the workbench (file format {version}; "
            f"this version reads up to {SCHEMA_VERSION}); please update the workbench"
        )
    return version


class TenderFile:
    """An open tender file. Use `open()` or `create()`; close it (or use `with`)."""

    def __init__(self, path: Path, db: Database, lock: FileLock | None, user: str,
                 read_only_reason: str = "") -> None:
        self.path = path
        self.db = db
        self.user = user
        self._lock = lock
        #: Why the file is read-only ("" when writable): held by someone, damaged audit...
        self.read_only_reason = read_only_reason
        #: The first audit problem found on open ("" when the chain and content verify).
        self.integrity_problem = ""
        self._pending: list[dict[str, Any]] | None = None
        self._changes: list[Change] = []
        #: What the last action changed (empty when it changed nothing or failed).
        self.last_change = ChangeSet()
        self._recorders: list[list[ChangeSet]] = []

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, user: str | None = None,
             read_only: bool = False) -> TenderFile:
        """Open an existing tender file; read-only if asked, or if another process holds it."""
        path = Path(path)
        version = check_header(path)
        user = user or default_user()
        reason = "opened read-only" if read_only else ""
        lock: FileLock | None = None
        if not read_only:
            if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
                reason = "the file (or its folder) is read-only on disk"
            else:
                lock = FileLock(path)
                if not lock.acquire(user):
                    reason = f"it is open for writing by {lock.holder()}"
                    lock = None
        db: Database | None = None
        try:
            db = _connect(path, writable=lock is not None)
            _quick_check(db, path.name)
            tf = cls(path, db, lock, user, reason)
            if lock is not None and version < SCHEMA_VERSION:
                problem = audit.verify(db)
                if problem is not None:  # an upgrade re-audits: never bless a tampered file
                    raise StorageError(f"{path.name} cannot be upgraded to this version's file "
                                       f"format: its audit trail is broken ({problem.message})")
                backup.snapshot(db, path, "before-migration", backup.keep_count(db))
                tf._migrate()
            tf._require_schema()
            tf._check_names()
            problem = audit.verify(db)
        except BaseException as exc:
            if db is not None:
                db.close()
            if lock is not None:
                lock.release()
            if isinstance(exc, sqlite3.DatabaseError | UnicodeDecodeError):
                # Damage quick_check does not see: a page or a text unreadable mid-table.
                raise StorageError(damaged(path.name, exc)) from None
            raise
        if problem is not None:
            tf.integrity_problem = problem.message
            tf.read_only_reason = f"its audit trail is broken: {problem.message}"
        elif not tf.read_only and tf._status() == "locked":
            tf.read_only_reason = LOCKED_REASON
        return tf

    @classmethod
    def create(cls, path: str | os.PathLike[str], data: TenderData, *,
               user: str | None = None, action: str = "Create tender") -> TenderFile:
        """Write a new tender file holding `data`, all or nothing, and open it."""
        path = Path(path)
        if path.exists():
            raise StorageError(f"{path.name} already exists; choose another name")
        if not path.parent.is_dir():
            raise StorageError(f"folder {path.parent} does not exist")
        user = user or default_user()
        part = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            db = Database(sqlite3.connect(part))
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute("PRAGMA journal_mode = WAL")
            tf = cls(part, db, None, user)
            tf._migrate()
            tf.set_meta("created_by", f"workbench {__version__}")
            tf.set_meta(META_KIND, "tender")
            tf.write_all(data, action)
            db.close()
            os.replace(part, path)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot write {path.name}: {exc}") from None
        except OSError as exc:
            raise StorageError(f"cannot write {path.name}: {exc.strerror}") from None
        finally:
            for leftover in (part, Path(f"{part}-wal"), Path(f"{part}-shm")):
                leftover.unlink(missing_ok=True)
        return cls.open(path, user=user)

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> TenderFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reason)

    @property
    def holds_lock(self) -> bool:
        """True when this process is the file's one writer (even if it refuses changes)."""
        return self._lock is not None

    def _migrate(self) -> None:
        """Bring the file to this version's format in one transaction, re-auditing every row
        the upgrade changed, so the file stays writable and its trail verifies."""
        with self.db.atomic():
            migrations.apply(self.db)
            if self.db["audit"].exists():
                audit.reaudit(self.db, at=now(), user=self.user,
                              action=f"Upgrade file format to v{SCHEMA_VERSION}")
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _require_schema(self) -> None:
        missing = set(PROTECTED) - set(self.db.table_names())
        if missing or not self.db["audit"].exists():
            raise StorageError(f"{self.path.name} is not a complete tender file")

    # -- reading -------------------------------------------------------------------------

    def rows(self, table: str, where: str = "", params: list[Any] | None = None) -> list[Row]:
        """Rows of a protected table in key order, optionally filtered."""
        order = ", ".join(PROTECTED[table])
        sql = f"SELECT * FROM [{table}]" + (f" WHERE {where}" if where else "")
        return list(self.db.query(f"{sql} ORDER BY {order}", params or []))

    def load(self) -> TenderData:
        """The whole tender as domain objects."""
        try:
            with audit.one_snapshot(self.db):  # a writer elsewhere may commit meanwhile
                return data_of({table: self.rows(table) for table in PROTECTED})
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise StorageError(damaged(self.path.name, exc, "cannot be read")) from None
        except (ArithmeticError, ValueError, LookupError, TypeError) as exc:
            if not self.integrity_problem:
                raise  # the file checked out, so this is a bug, not damage
            raise StorageError(f"{self.path.name} cannot be read: it was changed outside the "
                               f"workbench ({self.integrity_problem})") from exc

    def tender(self) -> Tender:
        """The tender's header (details, seal, panel and moderation rules), one row read."""
        try:
            return tender_of(self.rows("tender")[0])
        except UnknownName as exc:
            raise StorageError(f"{self.path.name}: tender: {exc}; it may come from a newer "
                               "version of the workbench") from None

    def _check_names(self) -> None:
        """Refuse, naming it, a status or unit this version does not know. (A missing tender
        row is for the audit check to report.)"""
        if self.rows("tender"):
            self.tender()

    @property
    def uid(self) -> str:
        return str(self.rows("tender")[0]["uid"])

    def for_worker_thread(self) -> TenderFile:
        """This open file on a connection of the calling thread's own (an SQLite connection
        stays on the thread that made it). It relies on this handle's one-writer lock, so
        close it before this handle; the caller keeps the GUI still meanwhile."""
        db = Database(sqlite3.connect(self.path, timeout=5))
        db.execute("PRAGMA foreign_keys = ON")
        return TenderFile(self.path, db, None, self.user, self.read_only_reason)

    def meta(self, key: str, default: str = "") -> str:
        rows = list(self.db.query("SELECT value FROM meta WHERE key = ?", [key]))
        return str(rows[0]["value"]) if rows else default

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def action(self, description: str, reason: str = "") -> Iterator[TenderFile]:
        """One user action: one transaction, its changes appended to the audit chain.

        What the tender's state freezes (`rules.FREEZES`: a sealed plan, a locked tender) is
        checked against every changed row before the transaction commits; a locked tender
        accepts only its unlock (with a reason) and contract monitoring. Afterwards
        `last_change` holds what the action changed.
        """
        if self.read_only and self.read_only_reason != LOCKED_REASON:
            raise ReadOnlyError(f"{self.path.name} is read-only: {self.read_only_reason}")
        if self._pending is not None:  # nested: part of the enclosing action
            yield self
            return
        self._pending, self._changes = [], []
        self.last_change = ChangeSet()
        try:
            with self.db.atomic():
                freeze = rules.freeze_of(self._get("tender", {"id": 1}))
                yield self
                self._enforce(freeze, reason)
                if self._pending:
                    audit.append(self.db, self._pending, action_id=audit.last_hash(self.db)[0] + 1,
                                 at=now(), user=self.user, action=description, reason=reason)
        except sqlite3.IntegrityError as exc:
            raise ValidationError(f"{description}: refused, it would break the file's rules "
                                  f"({exc})") from None
        except sqlite3.OperationalError as exc:
            raise StorageError(f"{description}: could not save to {self.path.name} ({exc})") \
                from None
        else:
            self.last_change = ChangeSet(tuple(self._changes), description)
            for taken in self._recorders:
                taken.append(self.last_change)
        finally:
            self._pending, self._changes = None, []
        if self._status() == "locked":
            self.read_only_reason = self.read_only_reason or LOCKED_REASON
        elif self.read_only_reason == LOCKED_REASON:
            self.read_only_reason = ""

    @contextmanager
    def recording(self) -> Iterator[list[ChangeSet]]:
        """Collect the change record of every action completed inside the block (an undo
        step may be made of several actions)."""
        taken: list[ChangeSet] = []
        self._recorders.append(taken)
        try:
            yield taken
        finally:
            self._recorders.remove(taken)

    def _status(self) -> str:
        rows = list(self.db.query("SELECT status FROM tender WHERE id = 1"))
        return str(rows[0]["status"]) if rows else ""

    def _enforce(self, freeze: rules.Freeze, reason: str) -> None:
        """Inside an action: refuse it if it changed anything the tender's state freezes."""
        frozen = [c for c in self._changes if rules.touches(freeze, c.table, c.before, c.after)]
        if not frozen:
            return
        if freeze is rules.LOCKED:
            if len(frozen) == 1 and rules.is_unlock(frozen[0].table, frozen[0].before,
                                                   frozen[0].after):
                if not reason.strip():
                    raise ReadOnlyError("the tender is locked: unlocking it needs a written "
                                        "reason")
                return
            raise ReadOnlyError(f"{self.path.name} is read-only: {LOCKED_REASON}")
        raise ReadOnlyError(freeze.reason)

    def put(self, table: str, row: Mapping[str, Any]) -> None:
        """Insert or replace the row with this key; audited only if it really changed."""
        pending = self._require_action()
        keys = PROTECTED[table]
        before = self._get(table, row)
        columns = list(row)
        updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c not in keys)
        self.db.execute(
            f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)}) ON CONFLICT ({', '.join(keys)}) "
            + (f"DO UPDATE SET {updates}" if updates else "DO NOTHING"),
            list(row.values()),
        )
        after = self._get(table, row)
        assert after is not None
        if before != after:
            pending.append(self._entry(table, after, before, after))
            self._changes.append(Change(table, before, after))

    def put_tender(self, tender: Tender) -> None:
        """Write the tender's header (details, seal, rules), inside an action; only the columns
        that change are audited as changed."""
        self.put("tender", tender_row(tender, tender.uid or self.uid))

    def update(self, table: str, key: Mapping[str, Any], **changes: Any) -> None:
        """Change some columns of an existing row."""
        current = self._get(table, key)
        if current is None:
            raise ValidationError(f"{table}: no row {audit.key_text(table, key)}")
        self.put(table, {**current, **changes})

    def delete(self, table: str, key: Mapping[str, Any]) -> None:
        pending = self._require_action()
        before = self._get(table, key)
        if before is None:
            return
        where = " AND ".join(f"[{c}] = ?" for c in PROTECTED[table])
        self.db.execute(f"DELETE FROM [{table}] WHERE {where}", [key[c] for c in PROTECTED[table]])
        pending.append(self._entry(table, before, before, None))
        self._changes.append(Change(table, before, None))

    def write_all(self, data: TenderData, description: str) -> None:
        """Store a whole tender into an empty file (creation, import, demo)."""
        uid = str(uuid.uuid4())
        with self.action(description):
            for table, rows in rows_of(data, uid).items():
                for row in rows:
                    self.put(table, row)

    def set_meta(self, key: str, value: str) -> None:
        """File bookkeeping outside the domain (pack identity and the like); not audited."""
        self.db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                        "SET value = excluded.value", [key, value])

    def _require_action(self) -> list[dict[str, Any]]:
        if self._pending is None:
            raise RuntimeError("writes must happen inside TenderFile.action()")
        return self._pending

    def get(self, table: str, key: Mapping[str, Any]) -> Row | None:
        """The stored row of a protected table with this key, or None."""
        return self._get(table, key)

    def last_action_on(self, table: str, row: Mapping[str, Any]) -> str:
        """The description of the latest action that changed this row ("" if none did)."""
        found = list(self.db.query(
            "SELECT action FROM audit WHERE entity = ? AND entity_key = ? ORDER BY seq DESC "
            "LIMIT 1", [table, audit.key_text(table, row)]))
        return str(found[0]["action"]) if found else ""

    def _get(self, table: str, key: Mapping[str, Any]) -> Row | None:
        where = " AND ".join(f"[{c}] = ?" for c in PROTECTED[table])
        found = list(self.db.query(f"SELECT * FROM [{table}] WHERE {where}",
                                   [key[c] for c in PROTECTED[table]]))
        return found[0] if found else None

    @staticmethod
    def _entry(table: str, row: Row, before: Row | None, after: Row | None) -> dict[str, Any]:
        return {
            "entity": table, "entity_key": audit.key_text(table, row),
            "before": None if before is None else audit.content(before),
            "after": None if after is None else audit.content(after),
        }


def _connect(path: Path, *, writable: bool) -> Database:
    try:
        if writable:
            conn = sqlite3.connect(path, timeout=5)
            # FULL, not WAL's usual NORMAL: a commit reaches the disk before the action
            # returns, so a power cut cannot take back a score the evaluator saw saved.
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
        # A tender on a read-only disk or folder: SQLite cannot make the shared-memory side
        # file its WAL mode reads through, so it reads the file as unchanging. (Should its
        # owner change it meanwhile, reopening shows the change.)
        conn.close()
        return sqlite3.connect(f"{uri}?immutable=1", uri=True)


def _quick_check(db: Database, name: str) -> None:
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
