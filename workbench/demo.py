"""The bundled demo tender: a part-moderated council tender everything demonstrates on."""

from __future__ import annotations

import os

from workbench.exchange import interchange
from workbench.resources import read_text
from workbench.storage import TenderFile


def create_demo(path: str | os.PathLike[str], *, user: str | None = None) -> TenderFile:
    """Write the demo tender to `path` and open it. Its plan is sealed (the seal travels in
    the demo's JSON, as it was before scoring began)."""
    data = interchange.loads(read_text("demo", "demo.json"))
    return TenderFile.create(path, data, user=user, action="Create demo tender")
