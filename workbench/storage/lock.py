"""One writer per tender file: an OS lock on a small side file that names who holds it.

The OS releases the lock when the holding process dies, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO


class FileLock:
    """Holds `<file>.lock` for writing; `holder` describes who has it when we could not."""

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(path.name + ".lock")
        self._handle: IO[str] | None = None

    def acquire(self, user: str) -> bool:
        """Take the lock without waiting; False (and nothing held) when another process has it."""
        try:
            handle = open(self.path, "a+", encoding="utf-8")
        except OSError:
            return False
        if not _try_lock(handle):
            handle.close()
            return False
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


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
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

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
