"""The one way to reach files in `resources/`, from a source tree or an installed wheel."""

from __future__ import annotations

from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path


def resource(*parts: str) -> Traversable:
    """A file or folder inside `resources/` (e.g. resource("demo", "demo.json"))."""
    node = files("resources")
    for part in parts:
        node = node / part
    return node


def read_text(*parts: str) -> str:
    return resource(*parts).read_text(encoding="utf-8")


def real_path(*parts: str) -> Path:
    """A filesystem path for libraries that need one (fonts); wheels unpack to disk anyway."""
    with as_file(resource(*parts)) as path:
        return Path(path)
