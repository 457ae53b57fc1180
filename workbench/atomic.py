"""Every file the app writes appears whole or not at all.

An export, a pack or a backup is written to a hidden temporary name in the target's folder
(`.NAME.PID.part`), flushed to disk, then renamed over the target in one step. A full disk, a
failure or an exception leaves the old file (or nothing) and removes the temporary file; a
kill leaves only the hidden part file, which the next write to the same target removes.
Several files that belong together (a set of scoring packs) are built in a `scratch_folder`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from workbench.errors import StorageError

#: A part file older than this was left by a killed process (no write takes an hour).
STALE_SECONDS = 3600


def part_name(target: Path) -> Path:
    """The temporary name a write to `target` uses in this process."""
    return target.with_name(f".{target.name}.{os.getpid()}.part")


def sweep(target: Path) -> None:
    """Remove part files of `target` left by killed writes (`.NAME.PID.part`, with any
    SQLite journal beside it)."""
    for leftover in target.parent.glob(f".{_glob_escape(target.name)}.*.part*"):
        if _abandoned(leftover, leftover.name[len(target.name) + 2:].split(".")[0]):
            with suppress(OSError):
                leftover.unlink()


def _abandoned(path: Path, pid_text: str) -> bool:
    """True for a temporary file or folder whose writer is gone: its process is no longer
    running (told only on POSIX), or it is older than STALE_SECONDS."""
    if os.name == "posix" and pid_text.isdigit() and not _running(int(pid_text)):
        return True
    try:
        return time.time() - path.stat().st_mtime > STALE_SECONDS
    except OSError:
        return False


@contextmanager
def scratch_folder(parent: Path) -> Iterator[Path]:
    """A private folder in `parent` (`.scratch-PID-…`) for files that are moved into place
    only once all of them are complete; removed afterwards, and by the next caller if the
    process was killed."""
    for leftover in parent.glob(".scratch-*"):
        if leftover.is_dir() and _abandoned(leftover, leftover.name.split("-")[1]):
            shutil.rmtree(leftover, ignore_errors=True)
    try:
        folder = Path(tempfile.mkdtemp(dir=parent, prefix=f".scratch-{os.getpid()}-"))
    except OSError as exc:
        raise StorageError(f"cannot write in {parent}: {exc.strerror}") from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # POSIX only: signal 0 checks existence (on Windows it would be Ctrl+C)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside `target`; when the block ends without an error the file
    written there is flushed and renamed onto `target`, else removed. OSError (a full disk, a
    read-only folder) becomes a one-line StorageError naming the file."""
    final = Path(target)
    part = part_name(final)
    sweep(final)
    try:
        yield part
        _flush(part)
        os.replace(part, final)
    except OSError as exc:
        raise StorageError(f"cannot write {final.name}: {exc.strerror or exc}") from None
    finally:
        with suppress(OSError):
            part.unlink(missing_ok=True)


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    with atomic_path(target) as part:
        part.write_bytes(data)


def write_text(target: str | os.PathLike[str], text: str) -> None:
    with atomic_path(target) as part:
        part.write_text(text, encoding="utf-8")


def _flush(path: Path) -> None:
    """Make the bytes durable before the rename makes them visible."""
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())
