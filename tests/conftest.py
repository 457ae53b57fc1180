"""Shared fixtures: headless Qt, isolated settings and data dir, small real tender files."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import jsonschema
import pytest

from workbench import award_record, monitoring, tender_lock
from workbench.demo import create_demo
from workbench.domain import TenderData
from workbench.exchange import interchange
from workbench.moderation import consensus
from workbench.moderation.flags import lot_items
from workbench.monitoring.returns import create_return
from workbench.panel import roster
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


@pytest.fixture(autouse=True)
def _every_ocds_export_validates(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every OCDS release package any test makes is checked against the real OCDS 1.1.5 schema
    with its declared extensions (tests/ocds_schema.py); skipped where those are absent."""
    from tests import ocds_schema

    from workbench.exchange import ocds

    root = ocds_schema.reference()
    made: list[dict[str, Any]] = []
    original = ocds.release_package

    def recording(*args: Any, **kwargs: Any) -> dict[str, Any]:
        package = original(*args, **kwargs)
        made.append(package)
        return package

    if root is not None:
        monkeypatch.setattr(ocds, "release_package", recording)
    yield
    for package in made:
        assert root is not None
        assert ocds_schema.problems(package, root) == []


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


def _moderate_everything(tf: TenderFile) -> None:
    """Agree every item still open, one meeting per lot, each at its first evaluator's mark."""
    data = tf.load()
    for lot in data.lots:
        open_items = [i for i in lot_items(data, lot, consensus.read_rules(tf))
                      if i.agreed is None and i.marks]
        if not open_items:
            continue
        consensus.start_meeting(tf, lot.id, "Priya Raman", ["Gareth Llewellyn", "Ama Mensah"])
        meeting = consensus.open_meeting(tf, lot.id)
        assert meeting is not None
        for item in open_items:
            consensus.agree(tf, meeting.id, item.bidder.id, item.criterion.id,
                            item.marks[0].score, "Agreed after discussing the evidence given.")
        consensus.end_meeting(tf, meeting.id)


@pytest.fixture
def finished_demo(tmp_path: Path) -> Iterator[Path]:
    """The demo taken on as its users would: panel rules and the flag rule changed, a conflict
    declared, every item moderated, the award recommended (its notice dated); lot 1 came
    monitored, lot 2's commitments are taken from the winning bid with two quarters of
    deliveries entered, a supplier return issued and the rating made value-based (closed; open
    it yourself)."""
    path = tmp_path / "finished.tender"
    with create_demo(path, user="tester") as tf:
        roster.update_panel_settings(tf, min_evaluators=3, rationale_min_length=25)
        consensus.set_flag_rule(tf, "40", "percent")
        roster.declare_conflict(tf, "L2", "E2", "declared", "Former trustee of a charity "
                                "partner of one bidder", "Chair reviews E2's marks", "2026-11-03")
        _moderate_everything(tf)
        tender_lock.recommend_award(tf)
        award_record.set_award_notice(tf, "2026-12-03")
        supplier = monitoring.monitor_lot(monitoring.ledger(tf), "L2").supplier
        assert supplier is not None
        for code in monitoring.commitments_from_bid(tf, "L2", supplier.id):
            monitoring.edit_commitment(tf, "L2", supplier.id, code, target="8", periods="4",
                                       proxy_value="12.5")
            for quarter in ("2027 Q1", "2027 Q2"):
                monitoring.record_delivery(tf, "L2", supplier.id, code, quarter, "1",
                                           f"{quarter} return, page 3", narrative="On plan",
                                           recorded_on="2027-07-01")
        create_return(tf, "L2", "2027 Q3", tmp_path / "q3.xlsx")
        monitoring.set_rating_rules(tf, "value", "85", "70", "40")
    yield path


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `slow` run only when asked for (`-m slow`)."""
    if "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
