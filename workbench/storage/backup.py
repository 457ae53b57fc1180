"""Consistent snapshots of a tender file into `backups/` beside it, rolling."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from workbench.errors import StorageError

#: How many snapshots of one tender are kept; the oldest go first.
KEEP = 10


def backup_dir(path: Path) -> Path:
    return path.parent / "backups"


def snapshot(db: Database, path: Path, label: str, keep: int = KEEP) -> Path:
    """Copy the open database through SQLite's backup API (consistent even mid-session)."""
    folder = backup_dir(path)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}.{stamp}.{label}.tender"
    try:
        folder.mkdir(exist_ok=True)
        dest = sqlite3.connect(target)
        try:
            db.conn.backup(dest)
        finally:
            dest.close()
    except (OSError, sqlite3.Error) as exc:
        raise StorageError(f"could not back up {path.name} before {label}: {exc}") from None
    for old in list_backups(path)[keep:]:
        old.unlink(missing_ok=True)
    return target


def list_backups(path: Path) -> list[Path]:
    """Snapshots of this tender, newest first."""
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{path.stem}.*.tender"), reverse=True)
