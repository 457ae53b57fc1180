"""Shared fixtures: headless Qt, isolated settings and data dir, small real tender files."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import pytest

from workbench.domain import TenderData
from workbench.exchange import interchange
from workbench.storage import TenderFile

FIXTURES = Path(__file__).parent / "fixtures"


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
    from workbench.resources import read_text
    return interchange.loads(read_text("demo", "demo.json"))


@pytest.fixture
def demo_tender(tmp_path: Path, demo_data: TenderData) -> Path:
    path = tmp_path / "demo.tender"
    TenderFile.create(path, demo_data, user="tester").close()
    return path
