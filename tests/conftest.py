"""Shared fixtures: headless Qt, isolated settings and data dir, small real tender files."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import jsonschema
import pytest

from workbench.domain import TenderData
from workbench.exchange import interchange
from workbench.storage import TenderFile

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = Path(__file__).parent.parent / "docs" / "interchange.schema.json"


@cache
def interchange_validator() -> jsonschema.Draft202012Validator:
    """The validator of docs/interchange.schema.json, the documented format."""
    return jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


@pytest.fixture(autouse=True)
def _exports_match_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every interchange JSON a test makes (CLI `export-json` included) is checked against the
    JSON Schema, so the documented format cannot drift from what is written."""
    to_dict = interchange.to_dict

    def checked(data: TenderData) -> dict[str, Any]:
        out = to_dict(data)
        interchange_validator().validate(json.loads(json.dumps(out)))
        return out

    monkeypatch.setattr(interchange, "to_dict", checked)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(data))
    # Any app process a test starts keeps its settings here, never in the user's own.
    monkeypatch.setenv("WORKBENCH_SETTINGS_FILE", str(data / "settings.ini"))


@pytest.fixture
def small_json() -> str:
    """A one-lot, one-bidder tender in interchange JSON (tests/fixtures/small.json)."""
    return (FIXTURES / "small.json").read_text(encoding="utf-8")


@pytest.fixture
def small_data(small_json: str) -> TenderData:
    return interchange.loads(small_json)


@pytest.fixture
def small_tender(tmp_path: Path, small_data: TenderData) -> Path:
    """A real .tender file on disk holding the small tender (closed; open it yourself)."""
    path = tmp_path / "small.tender"
    TenderFile.create(path, small_data, user="tester").close()
    return path


@pytest.fixture
def demo_data() -> TenderData:
    """The demo's tender, unsealed so that tests may edit its model (`create_demo` writes it
    sealed, as its JSON says)."""
    from workbench.resources import read_text
    data = interchange.loads(read_text("demo", "demo.json"))
    data.tender.seal = None
    return data


@pytest.fixture
def demo_tender(tmp_path: Path, demo_data: TenderData) -> Path:
    path = tmp_path / "demo.tender"
    TenderFile.create(path, demo_data, user="tester").close()
    return path
