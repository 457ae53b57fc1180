"""This run of the app: its rotating log, the crash log kept to a bounded size, and a run
marker that tells the next start the app closed unexpectedly.

The marker is a `QLockFile` per running app in the data folder: Qt records the process id in
it and removes it on a clean exit, so a marker whose process is gone means a crash (or a kill),
while a second app running at the same time is not mistaken for one.
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import QLockFile

from workbench.crashlog import crash_log_path, data_dir

LOG_NAME = "workbench.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 3
CRASH_LOG_BYTES = 1_000_000

log = logging.getLogger("workbench.app")
_marker: QLockFile | None = None


def app_log_path() -> Path:
    return data_dir() / LOG_NAME


def start_log() -> Path:
    """Send the app's log records to a file in the data folder (1 MB, then rotated, 3 kept)."""
    path = app_log_path()
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        try:
            handler = RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS,
                                          encoding="utf-8", delay=True)
        except OSError:
            return path
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path


def rotate_crash_log() -> None:
    """Keep crash.log small: past 1 MB it becomes crash.log.1 (replacing the older one)."""
    path = crash_log_path()
    try:
        if path.stat().st_size > CRASH_LOG_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
    except OSError:
        pass


def mark_running() -> bool:
    """Put down this run's marker; True if an earlier run ended without removing its own."""
    global _marker
    crashed = False
    folder = data_dir()
    for old in folder.glob("running-*.lock"):
        stale = QLockFile(str(old))
        stale.setStaleLockTime(0)  # stale only when its process is gone, however old
        if stale.tryLock(0):  # taken over: Qt removed the dead process's marker
            crashed = True
            stale.unlock()
    if _marker is None:
        _marker = QLockFile(str(folder / f"running-{os.getpid()}.lock"))
        _marker.setStaleLockTime(0)
        _marker.tryLock(0)
    return crashed


def mark_stopped() -> None:
    """A clean exit: remove this run's marker."""
    global _marker
    if _marker is not None:
        _marker.unlock()
        _marker = None
