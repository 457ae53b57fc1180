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
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from workbench import __version__, atomic, gc_pause
from workbench.domain import Lot, Tender, TenderData, UnknownName
from workbench.errors import ReadOnlyError, StorageError, ValidationError
from workbench.storage import audit, backup, location, rules, verification
from workbench.storage.audit import AuditProblem
from workbench.storage.changes import Change, ChangeSet
from workbench.storage.connection import (
    DiskWatch,
    connect,
    damaged,
    disk_state,
    in_memory_copy,
    quick_check,
)
from workbench.storage.lock import FileLock
from workbench.storage.records import (
    LOT_TABLES,
    MODERATED_COLUMNS,
    SCORE_COLUMNS,
    Row,
    check_names,
    head_of,
    lot_of,
    rows_of,
    tender_of,
    tender_row,
)
from workbench.storage.schema import (
    APPLICATION_ID,
    META_KIND,
    PROTECTED,
    SCHEMA_VERSION,
    migrations,
)
from workbench.storage.verification import STRUCTURE, Verify

SQLITE_MAGIC = b"SQLite format 3\x00"
#: The tables of the tender as a whole, read before its lots.
HEAD_TABLES = ("tender", "scales", "scale_levels", "evaluators", "award_record",
               "monitoring_rules")
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
        #: The first problem found by verifying ("" when the structure and the trail verify).
        self.integrity_problem = ""
        #: Every problem found: the structure's, then the trail's (first of each table).
        self.problems: list[AuditProblem] = []
        #: True until a verification left for later (see `open`) is applied.
        self.verification_pending = False
        #: Why the file is written with a rollback journal: "on a network drive (nfs)", "in a
        #: OneDrive folder"; "" on a local disk.
        self.location = ""
        self._watch = DiskWatch()  # the file on disk as our writes left it
        self._pending: list[dict[str, Any]] | None = None
        self._changes: list[Change] = []
        #: What the last action changed (empty when it changed nothing or failed).
        self.last_change = ChangeSet()
        self._recorders: list[list[ChangeSet]] = []

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, user: str | None = None,
             read_only: bool = False, verify: Verify = "recorded") -> TenderFile:
        """Open an existing tender file; read-only if asked, or if another process holds it.

        The schema is checked first, before anything is written. Then the whole file is
        verified as `verify` says (see `workbench.storage.verification`); any problem leaves
        it open read-only, with `problems` naming each. With "later", `verification_pending`
        is set unless a record of an earlier verification of this very file stands.
        """
        path = Path(path)
        version = check_header(path)
        user = user or default_user()
        reason = "opened read-only" if read_only else ""
        shared = location.shared_location(path)
        lock: FileLock | None = None
        if not read_only:
            if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
                reason = "the file (or its folder) is read-only on disk"
            else:
                lock = FileLock(path)
                if not lock.acquire(user, lock_tender=not shared):
                    reason = f"it is open for writing by {lock.holder()}"
                    lock = None
        db: Database | None = None
        try:
            before = verification.stamp(path)  # before reading: a change meanwhile shows
            db = connect(path, writable=lock is not None)
            quick_check(db, path.name)
            tf = cls(path, db, lock, user, reason)
            tf.location = tf._watch.location = shared
            found: list[AuditProblem] | None
            found = verification.structure_problems(db, version, migrations)
            if lock is not None and version < SCHEMA_VERSION and not found:
                problem = audit.verify(db)
                if problem is not None:  # an upgrade re-audits: never bless a tampered file
                    raise StorageError(f"{path.name} cannot be upgraded to this version's file "
                                       f"format: its audit trail is broken ({problem.message})")
                backup.snapshot(db, path, "before-migration", backup.keep_count(db))
                tf._watch.use_journal(db)
                tf._migrate()
                version, before = SCHEMA_VERSION, None
            upgraded_in_memory = lock is None and version < SCHEMA_VERSION and not found
            if upgraded_in_memory:
                # Read-only, in an older format: verified as it is on disk, then read through
                # a private copy in memory brought up to this version (the file is untouched).
                found = verification.run(db, path, version, migrations, verify, before)
                db = tf.db = in_memory_copy(db)
                tf._migrate()
            tf._require_schema()
            tf._check_names()
            if upgraded_in_memory:
                pass  # verified above, as it is on disk
            elif not found:
                found = verification.run(db, path, version, migrations, verify, before)
            elif verify != "later":  # read-only now for sure; name the trail's problems too
                found = verification.full(db, version, migrations)
        except BaseException as exc:
            if db is not None:
                db.close()
            if lock is not None:
                lock.release()
            if isinstance(exc, sqlite3.DatabaseError | UnicodeDecodeError):
                # Damage quick_check does not see: a page or a text unreadable mid-table.
                raise StorageError(damaged(path.name, exc)) from None
            raise
        if lock is not None:
            tf._watch.state = disk_state(path)
        tf.apply_verification(found)
        if not tf.read_only and tf._status() == "locked":
            tf.read_only_reason = LOCKED_REASON
        return tf

    def apply_verification(self, found: list[AuditProblem] | None) -> None:
        """Take the result of verifying the file (None: not done yet); a problem makes the
        file read-only for the rest of the session."""
        self.verification_pending = found is None
        if not found:
            return
        self.problems = found
        self.integrity_problem = found[0].message
        what = "its structure was changed" if found[0].table == STRUCTURE else \
            "its audit trail is broken"
        self.read_only_reason = f"{what}: {found[0].message}"

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
        atomic.sweep(path)  # what an import killed earlier left behind
        part = atomic.part_name(path)
        try:
            db = Database(sqlite3.connect(part))
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
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
        # Written by this process a moment ago: its structure is checked on opening, and its
        # trail is the one just built, so it is not hashed all over again.
        tf = cls.open(path, user=user, verify="later")
        tf.apply_verification(tf.problems)
        return tf

    def close(self) -> None:
        if self._lock is not None:
            self._watch.at_rest(self.db, self.path)
        self.db.close()
        self._watch.after_write(self.path)  # a worker's connection may checkpoint on closing
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

    def _before_write(self) -> None:
        """The file on disk must still be the one opened, as we left it (see `DiskWatch`)."""
        try:
            self._watch.before_write(self.db, self.path)
        except ReadOnlyError as exc:
            self.read_only_reason = str(exc)
            raise

    def checkpoint(self) -> None:
        """Copy into the .tender what a reader held back in the -wal (call when a long read
        elsewhere, such as the check after opening, has ended)."""
        self._watch.checkpoint(self.db, self.path)

    def for_worker_thread(self) -> TenderFile:
        """The same open tender on a connection of the calling thread's own (an SQLite
        connection stays on the thread that made it), for work handed to a worker while the
        window waits. It shares this file's lock and its watch on the file on disk, so its
        writes count as this file's own. Close it when the work is done."""
        twin = TenderFile(self.path, connect(self.path, writable=self.holds_lock), None,
                          self.user, self.read_only_reason)
        twin._watch = self._watch
        twin._watch.settings(twin.db)
        twin.location = self.location
        twin.integrity_problem, twin.problems = self.integrity_problem, self.problems
        return twin

    def _migrate(self) -> None:
        """Bring the file to this version's format in one transaction, re-auditing every row
        the upgrade changed, so the file stays writable and its trail verifies."""
        with self.db.atomic():
            migrations.apply(self.db)
            if self.db["audit"].exists():
                audit.reaudit(self.db, at=now(), user=self.user,
                              action=f"{audit.UPGRADE_ACTION} to v{SCHEMA_VERSION}")
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

    def load(self, lots: Iterable[str] | None = None, *, scores: bool = True) -> TenderData:
        """The tender as domain objects: every lot, or only those in `lots` (in file order);
        without the lots' individual and agreed scores when `scores` is False (enough to
        check an edit against the model, and a fraction of the reading on a large tender)."""
        try:
            # One snapshot: a writer elsewhere may commit meanwhile.
            with audit.one_snapshot(self.db), gc_pause.paused():
                data = head_of({table: self.rows(table) for table in HEAD_TABLES})
                wanted = None if lots is None else set(lots)
                data.lots = [self._lot(row, scores)
                             for row in sorted(self.rows("lots"), key=lambda r: r["position"])
                             if wanted is None or row["id"] in wanted]
                return data
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise StorageError(damaged(self.path.name, exc, "cannot be read")) from None
        except UnknownName as exc:  # a formula or method this version does not know
            raise StorageError(f"{self.path.name} cannot be read: {exc}") from None
        except (ArithmeticError, ValueError, LookupError, TypeError) as exc:
            if not self.integrity_problem and not self.verification_pending:
                raise  # the file checked out, so this is a bug, not damage
            raise StorageError(f"{self.path.name} cannot be read: it was changed outside the "
                               f"workbench ({self.integrity_problem or exc})") from exc

    def _lot(self, row: Row, scores: bool) -> Lot:
        lot_id = row["id"]
        parts = {table: self.rows(table, "lot_id = ?", [lot_id]) for table in LOT_TABLES}
        if not scores:
            return lot_of(row, parts, [], [])
        return lot_of(row, parts, self._tuples("scores", SCORE_COLUMNS, lot_id),
                      self._tuples("moderated", MODERATED_COLUMNS, lot_id))

    def _tuples(self, table: str, columns: tuple[str, ...], lot_id: str) -> list[tuple[Any, ...]]:
        """One lot's rows of a large table as tuples, in key order (the key's index gives it)."""
        order = ", ".join(PROTECTED[table])
        return self.db.conn.execute(
            f"SELECT {', '.join(columns)} FROM [{table}] WHERE lot_id = ? ORDER BY {order}",
            [lot_id]).fetchall()
    def tender(self) -> Tender:
        """The tender's header (details, seal, panel and moderation rules), one row read."""
        try:
            return tender_of(self.rows("tender")[0])
        except UnknownName as exc:
            raise StorageError(f"{self.path.name}: tender: {exc}; it may come from a newer "
                               "version of the workbench") from None
        except KeyError as exc:  # a column the schema promises is gone: damage
            raise StorageError(damaged(self.path.name, f"the tender has no {exc} column")) \
                from None

    def _check_names(self) -> None:
        """Refuse, naming it, a status or unit this version does not know. (A missing tender
        row is for the audit check to report.)"""
        if self.rows("tender"):
            self.tender()
        try:  # the formulas and award methods each criterion and lot names
            check_names(self.rows("criteria"), self.rows("lots"))
        except UnknownName as exc:
            raise StorageError(f"{self.path.name} cannot be opened: {exc}; it may come from a "
                               "newer version of the workbench") from None

    @property
    def uid(self) -> str:
        return str(self.rows("tender")[0]["uid"])

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
        self._before_write()
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
            self._watch.after_write(self.path)
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
        if self._pending is None:
            self._before_write()
        self.db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                        "SET value = excluded.value", [key, value])
        if self._pending is None:
            self._watch.after_write(self.path)

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
