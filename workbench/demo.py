"""The bundled example tenders: the part-moderated council demo everything demonstrates on, and
a small tender awarded on price per quality point with a quality threshold."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import StorageError
from workbench.exchange import interchange
from workbench.resources import read_text
from workbench.storage import TenderFile


@dataclass(frozen=True)
class Example:
    """A bundled tender: its file name stem, what it shows, and its JSON in resources/demo/."""

    name: str
    title: str
    source: str


#: Every bundled example, the main demo first. `demo --all DIR` writes each as DIR/NAME.tender.
EXAMPLES = (
    Example("demo", "Demo tender (weighted points, part-moderated)", "demo.json"),
    Example("price-per-quality-point",
            "Example: price per quality point with a quality threshold",
            "price-per-quality-point.json"),
)


def create_example(example: Example, path: str | os.PathLike[str], *,
                   user: str | None = None) -> TenderFile:
    """Write a bundled example to `path` and open it. Its plan is sealed (the seal travels in
    the example's JSON, as it was before scoring began)."""
    data = interchange.loads(read_text("demo", example.source))
    return TenderFile.create(path, data, user=user, action=f"Create {example.name} tender")


def create_demo(path: str | os.PathLike[str], *, user: str | None = None) -> TenderFile:
    """Write the main demo tender to `path` and open it."""
    return create_example(EXAMPLES[0], path, user=user)


def create_all(folder: str | os.PathLike[str], *, user: str | None = None) -> list[Path]:
    """Write every bundled example into `folder` (created if missing) as NAME.tender; refused,
    writing nothing, if any of those files already exists."""
    folder = Path(folder)
    paths = [folder / f"{example.name}.tender" for example in EXAMPLES]
    taken = [p.name for p in paths if p.exists()]
    if taken:
        raise StorageError(f"{taken[0]} already exists in {folder}; choose another folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create folder {folder}: {exc.strerror}") from None
    for example, path in zip(EXAMPLES, paths, strict=True):
        create_example(example, path, user=user).close()
    return paths
