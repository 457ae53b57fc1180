"""Every user setting, declared once (key, type, default) over QSettings."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings

ORGANISATION = "Tender Workbench"
APPLICATION = "Tender Evaluation Workbench"


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any


RECENT_FILES = Setting("files/recent", list, [])
USER_NAME = Setting("user/name", str, "")
LAST_FOLDER = Setting("files/last_folder", str, "")
WINDOW_GEOMETRY = Setting("window/geometry", bytes, b"")
PRESENTATION_ZOOM = Setting("moderation/zoom", int, 150)


def layout_setting(view: str, widget: str) -> Setting:
    """A splitter's sizes or a table's column widths in a view, as Qt saved them."""
    return Setting(f"layout/{view}/{widget}", bytes, b"")

#: Tests point this at a temporary folder (QSettings.setPath) before any window exists.
_store: QSettings | None = None
_scratch: tempfile.TemporaryDirectory[str] | None = None


#: An INI file to use instead of the user's settings (the test suite sets it for the app
#: processes it starts, so that no test run touches a real user's settings).
SETTINGS_FILE_ENV = "WORKBENCH_SETTINGS_FILE"


def store() -> QSettings:
    global _store
    if _store is None:
        path = os.environ.get(SETTINGS_FILE_ENV)
        _store = QSettings(path, QSettings.Format.IniFormat) if path else QSettings(
            ORGANISATION, APPLICATION)
    return _store


def use_scratch_store() -> None:
    """Settings that vanish with the process (a --screenshot run): the user's recent files,
    window layout and name stay as they were."""
    global _scratch
    _scratch = tempfile.TemporaryDirectory(prefix="workbench-settings-")  # removed at exit
    use_store(QSettings(os.path.join(_scratch.name, "settings.ini"), QSettings.Format.IniFormat))


def use_store(settings: QSettings | None) -> None:
    """Replace the backing store (tests use an INI file in tmp_path)."""
    global _store
    _store = settings


def get(setting: Setting) -> Any:
    value: Any = store().value(setting.key, setting.default)
    if setting.type is list:
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)
    if setting.type is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            return setting.default
    if setting.type is bytes:
        return bytes(value) if value else b""
    return setting.type(value) if value is not None else setting.default


def put(setting: Setting, value: Any) -> None:
    store().setValue(setting.key, value)


def add_recent(path: str, keep: int = 8) -> None:
    recent = [p for p in get(RECENT_FILES) if p != path]
    put(RECENT_FILES, [path, *recent][:keep])
