"""Where unexpected errors are written: one log file in the user's data directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def data_dir() -> Path:
    """The per-user data directory (settings live in Qt's; logs and crash dumps here)."""
    override = os.environ.get("WORKBENCH_DATA_DIR")
    if override:
        base = Path(override)
    elif sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home())) / "TenderWorkbench"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support" / "TenderWorkbench"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
        base = base / "tender-workbench"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        base = Path.cwd()
    return base


def crash_log_path() -> Path:
    return data_dir() / "crash.log"
