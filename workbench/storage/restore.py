"""Put a tender back as it was in one of its backups, keeping the current file as a backup.

The backup is checked first (a tender file, intact, audit trail verified, the same tender),
then copied into the live file through SQLite's backup API, which writes it in one
transaction: a crash part-way leaves the file as it was. The restored trail gets one more
entry saying which backup was restored, by whom, and where the replaced file was kept.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from workbench.errors import ReadOnlyError, StorageError
from workbench.storage import audit, backup
from workbench.storage.lock import FileLock
from workbench.storage.tenderfile import LOCKED_REASON, TenderFile, now


def restore(path: Path, source: Path, user: str) -> Path:
    """Replace the tender at `path` by the backup `source`; returns where the file as it was
    is kept. The file must not be open elsewhere; close it in this process first. A file too
    damaged to open is kept byte for byte and replaced whole."""
    with TenderFile.open(source, read_only=True) as copy:
        if copy.integrity_problem:
            raise StorageError(f"{source.name} cannot be restored: its audit trail is broken "
                               f"({copy.integrity_problem})")
        uid = copy.uid
        try:
            current = TenderFile.open(path, user=user)
        except StorageError:
            if not path.is_file():
                raise
            return _replace_unreadable(path, copy, source, user)
        with current:
            _require_writer(current)
            if _uid(current) not in (uid, None):
                raise StorageError(f"{source.name} is a backup of a different tender; "
                                   f"{path.name} was not changed")
            staged = path.with_name(f".{path.name}.restore.part")
            try:
                _stage(copy, staged)
                # After staging: pruning old snapshots may remove the very backup restored.
                kept = backup.snapshot(current.db, path, "before-restore",
                                       backup.keep_count(current.db))
                _record(staged, source, kept, user)
                _copy_into(staged, current)
            finally:
                for leftover in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm")):
                    leftover.unlink(missing_ok=True)
    return kept


def _replace_unreadable(path: Path, copy: TenderFile, source: Path, user: str) -> Path:
    lock = FileLock(path)
    if not lock.acquire(user):
        raise StorageError(f"cannot restore {path.name}: it is open for writing by "
                           f"{lock.holder()}")
    staged = path.with_name(f".{path.name}.restore.part")
    try:
        _stage(copy, staged)
        kept = backup.keep_unreadable(path)
        _record(staged, source, kept, user)
        # The damaged file's journal goes first: left beside the restored file, SQLite
        # would replay it into it. (It is kept with the damaged copy.)
        for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            side.unlink(missing_ok=True)
        os.replace(staged, path)
    except OSError as exc:
        raise StorageError(f"could not restore {path.name}: {exc.strerror}") from None
    finally:
        for leftover in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm")):
            leftover.unlink(missing_ok=True)
        lock.release()
    return kept


def _require_writer(current: TenderFile) -> None:
    if not current.holds_lock:
        raise StorageError(f"cannot restore {current.path.name}: {current.read_only_reason}")
    if current.read_only_reason == LOCKED_REASON:
        raise ReadOnlyError(f"{current.path.name} is locked; unlock it, giving a reason, "
                            "before restoring a backup")


def _uid(tf: TenderFile) -> str | None:
    """The tender's identity, or None if the file is too damaged to say."""
    try:
        return tf.uid
    except (IndexError, KeyError, sqlite3.Error):
        return None


def _stage(copy: TenderFile, staged: Path) -> None:
    """A private copy of the backup beside the tender (the same disk, so no surprises later)."""
    staged.unlink(missing_ok=True)
    conn = sqlite3.connect(staged)
    try:
        copy.db.conn.backup(conn)
    except sqlite3.Error as exc:
        raise StorageError(f"could not copy {copy.path.name}: {exc}; nothing was changed") \
            from None
    finally:
        conn.close()


def _record(staged: Path, source: Path, kept: Path, user: str) -> None:
    """Add to the staged copy's trail which backup was restored and where the old file went."""
    db = Database(sqlite3.connect(staged))
    try:
        with db.atomic():
            audit.append(
                db, [{
                    "entity": audit.FILE_ENTITY, "entity_key": audit.canonical(["restore"]),
                    "before": audit.canonical({"kept_as": kept.name}),
                    "after": audit.canonical({"restored": source.name}),
                }],
                action_id=audit.last_hash(db)[0] + 1, at=now(), user=user,
                action=f"Restore backup {source.name}",
                reason=f"the file as it was is kept as backups/{kept.name}",
            )
    except sqlite3.Error as exc:
        raise StorageError(f"could not prepare {source.name} for restoring: {exc}; "
                           "nothing was changed") from None
    finally:
        db.close()


def _copy_into(staged: Path, current: TenderFile) -> None:
    conn = sqlite3.connect(staged)
    try:
        conn.backup(current.db.conn)
    except sqlite3.Error as exc:
        raise StorageError(f"could not restore into {current.path.name}: {exc}; the file "
                           "was not changed") from None
    finally:
        conn.close()
