"""One writer per tender file: an OS lock on a small side file that names who holds it.

The OS releases the lock when the holding process dies, so a crash never leaves a stale lock.
The tender file itself is locked too (`flock`, which SQLite's own byte-range locks do not
touch), so deleting the side file does not let a second process in. Not on a network drive,
where `flock` becomes a byte-range lock that SQLite's own would release; nor on Windows, where
the side file cannot be deleted while it is held open.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any


class FileLock:
    """Holds `<file>.lock` for writing; `holder` describes who has it when we could not."""

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(path.name + ".lock")
        self.tender = path
        self._handle: IO[str] | None = None
        self._tender_handle: IO[bytes] | None = None

    def acquire(self, user: str, *, lock_tender: bool = True) -> bool:
        """Take the lock without waiting; False (and nothing held) when another process has it.

        `lock_tender` also locks the tender file itself (off on network drives)."""
        try:
            handle = open(self.path, "a+", encoding="utf-8")
        except OSError:
            return False
        if not _try_lock(handle):
            handle.close()
            return False
        if lock_tender and sys.platform != "win32":
            tender = _lock_tender(self.tender)
            if tender is None:  # the side file was deleted while another process held it
                _unlock(handle)
                handle.close()
                return False
            self._tender_handle = tender
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({
            "user": user, "host": socket.gethostname(), "pid": os.getpid(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }))
        handle.flush()
        self._handle = handle
        return True

    def holder(self) -> str:
        """'Jane (jsmith) on LAPTOP-12 since 2026-11-25T09:10:00+00:00', or 'another process'."""
        try:
            info = json.loads(self.path.read_text(encoding="utf-8"))
            return f"{info['user']} on {info['host']} since {info['since']}"
        except (OSError, ValueError, KeyError, TypeError):
            return "another process"

    @property
    def holds_tender(self) -> bool:
        return self._tender_handle is not None

    def release(self) -> None:
        if self._handle is None:
            return
        # Emptied, not deleted: deleting would let a waiting process lock a file that is about
        # to vanish while a third creates a new one, and then two processes would both write.
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.flush()
        _unlock(self._handle)
        self._handle.close()
        self._handle = None
        if self._tender_handle is not None:
            # Closed after SQLite's connection: closing another descriptor of the tender
            # while SQLite holds its own locks on it would drop them (POSIX locks are per
            # process), so TenderFile closes its database first.
            self._tender_handle.close()
            self._tender_handle = None


def _lock_tender(path: Path) -> IO[bytes] | None:
    try:
        handle = open(path, "rb")
    except OSError:
        return None
    if not _try_lock(handle):
        handle.close()
        return None
    return handle


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: IO[Any]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[Any]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
