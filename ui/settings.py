"""Every user setting, declared once (key, type, default) over QSettings."""

from __future__ import annotations

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

#: Tests point this at a temporary folder (QSettings.setPath) before any window exists.
_store: QSettings | None = None


def store() -> QSettings:
    global _store
    if _store is None:
        _store = QSettings(ORGANISATION, APPLICATION)
    return _store


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
