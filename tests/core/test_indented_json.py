"""`workbench-cli results --json` writes its JSON with its own encoder: the same bytes as the
standard library's `json.dumps(indent=2, ensure_ascii=False)`, whatever the document."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from workbench.cli import indented_json

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.text(), inner, max_size=4), max_leaves=30)


@given(DOCUMENTS)
def test_same_bytes_as_the_standard_library(document: Any) -> None:
    assert indented_json(document) == json.dumps(document, indent=2, ensure_ascii=False)


def test_names_and_empty_containers() -> None:
    document = {"lots": [], "notes": {}, "name": 'Ünïcode "quoted"\n\u2028', "rank": None,
                "tied": False, "excluded": True, "total": "87.10", "n": 3}
    assert indented_json(document) == json.dumps(document, indent=2, ensure_ascii=False)
