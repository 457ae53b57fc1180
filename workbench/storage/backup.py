"""Consistent snapshots of a tender file into `backups/` beside it, rolling.

A snapshot is taken before anything that changes many rows at once (a migration, a merge of
scoring packs, an import into an existing file, a restore), through SQLite's backup API, so it
is consistent even while the file is open. How many are kept is a setting of each file.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlite_utils import Database

from workbench.errors import ReadOnlyError, StorageError, ValidationError

if TYPE_CHECKING:
    from workbench.storage.tenderfile import TenderFile

#: How many snapshots of one tender are kept unless the file says otherwise; oldest go first.
KEEP = 10
#: `meta` key of the file's own count of snapshots to keep.
KEEP_KEY = "backups_kept"
_STAMP = "%Y%m%d-%H%M%S-%f"


@dataclass(frozen=True)
class BackupInfo:
    """One snapshot on disk: when it was taken (UTC), before what, and its size in bytes."""

    path: Path
    taken_at: datetime
    label: str
    size: int

    @property
    def reason(self) -> str:
        """'before merge' from the file name's 'before-merge'."""
        return self.label.replace("-", " ")


def backup_dir(path: Path) -> Path:
    """The folder holding a tender's snapshots: `backups/` beside it."""
    return path.parent / "backups"


def keep_count(db: Database) -> int:
    """How many snapshots this file keeps (its `backups_kept` setting, else KEEP)."""
    rows = list(db.query("SELECT value FROM meta WHERE key = ?", [KEEP_KEY]))
    try:
        return max(1, int(rows[0]["value"])) if rows else KEEP
    except ValueError:
        return KEEP


def kept(tf: TenderFile) -> int:
    """How many snapshots the open file keeps (see `keep_count`)."""
    return keep_count(tf.db)


def set_keep_count(tf: TenderFile, keep: int) -> None:
    """Change how many snapshots this file keeps (1 to 100); file bookkeeping, not audited."""
    if not 1 <= keep <= 100:
        raise ValidationError("the number of backups to keep must be from 1 to 100")
    if tf.read_only:
        raise ReadOnlyError(f"{tf.path.name} is read-only: {tf.read_only_reason}")
    tf.set_meta(KEEP_KEY, str(keep))


def snapshot(db: Database, path: Path, label: str, keep: int = KEEP) -> Path:
    """Copy the open database through SQLite's backup API (consistent even mid-session),
    then drop the oldest snapshots beyond `keep`. `label` says before what ("before-merge")."""
    folder = backup_dir(path)
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "snapshot"
    target = folder / f"{path.stem}.{datetime.now(UTC).strftime(_STAMP)}.{slug}.tender"
    try:
        folder.mkdir(exist_ok=True)
        dest = sqlite3.connect(target)
        try:
            db.conn.backup(dest)
        finally:
            dest.close()
    except (OSError, sqlite3.Error) as exc:
        with suppress(OSError):  # a half-written copy (disk full) must not pass for a backup
            target.unlink(missing_ok=True)
        raise StorageError(f"could not back up {path.name} {label.replace('-', ' ')}: {exc}; "
                           "nothing was changed") from None
    for old in list_backups(path)[keep:]:
        with suppress(OSError):  # in use or protected: keeping one too many is harmless
            old.unlink(missing_ok=True)
            Path(f"{old}-wal").unlink(missing_ok=True)
    return target


def keep_unreadable(path: Path) -> Path:
    """Copy a file too damaged to open, byte for byte with its journal, into `backups/`."""
    folder = backup_dir(path)
    target = folder / f"{path.stem}.{datetime.now(UTC).strftime(_STAMP)}.damaged.tender"
    try:
        folder.mkdir(exist_ok=True)
        shutil.copy2(path, target)
        if Path(f"{path}-wal").is_file():
            shutil.copy2(f"{path}-wal", f"{target}-wal")
    except OSError as exc:
        raise StorageError(f"could not keep a copy of {path.name}: {exc.strerror}; nothing "
                           "was changed") from None
    return target


def before_bulk_change(tf: TenderFile, label: str) -> Path:
    """Snapshot an open tender before a merge, import or other change of many rows.

    Call it just before the `tf.action(...)` that makes the change; `label` names the change
    ("before-merge", "before-import"). Refused, with nothing written, on a read-only file.
    """
    if tf.read_only:
        raise ReadOnlyError(f"{tf.path.name} is read-only: {tf.read_only_reason}")
    return snapshot(tf.db, tf.path, label, keep_count(tf.db))


def _pattern(path: Path) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(path.stem)}\.(\d{{8}}-\d{{6}}-\d{{6}})\.([a-z0-9-]+)\.tender")


def backups(path: Path) -> list[BackupInfo]:
    """Snapshots of this tender, newest first."""
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    pattern = _pattern(path)
    found = []
    for candidate in folder.iterdir():
        match = pattern.fullmatch(candidate.name)
        if match is None:
            continue
        try:
            size = candidate.stat().st_size
        except OSError:
            continue
        taken = datetime.strptime(match[1], _STAMP).replace(tzinfo=UTC)
        found.append(BackupInfo(candidate, taken, match[2], size))
    return sorted(found, key=lambda info: info.taken_at, reverse=True)


def list_backups(path: Path) -> list[Path]:
    """Paths of this tender's snapshots, newest first."""
    return [info.path for info in backups(path)]
