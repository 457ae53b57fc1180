"""docs/interchange.schema.json describes what the workbench writes and reads.

The shared `_exports_match_the_schema` fixture validates every export made anywhere in the
test suite; here the named files are checked explicitly, and the schema's lists of names are
held to the registries in the code.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from tests.conftest import SCHEMA, interchange_validator

from workbench import domain
from workbench.demo import create_demo
from workbench.exchange import interchange
from workbench.monitoring import BASES
from workbench.resources import read_text
from workbench.storage import TenderFile


def _valid(text: str) -> None:
    interchange_validator().validate(json.loads(text))


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_demo_and_its_round_trip_match(tmp_path: Path) -> None:
    source = read_text("demo", "demo.json")
    _valid(source)
    with create_demo(tmp_path / "demo.tender") as tf:
        once = interchange.dumps(tf.load())
    _valid(once)
    TenderFile.create(tmp_path / "again.tender", interchange.loads(once)).close()
    with TenderFile.open(tmp_path / "again.tender") as tf:
        again = interchange.dumps(tf.load())
    _valid(again)
    assert again == once


def test_small_fixture_and_its_export_match(small_json: str) -> None:
    _valid(small_json)
    _valid(interchange.dumps(interchange.loads(small_json)))


def test_moderated_awarded_monitored_demo_matches(finished_demo: Path) -> None:
    with TenderFile.open(finished_demo, read_only=True) as tf:
        text = interchange.dumps(tf.load())
    doc = json.loads(text)
    assert doc["lots"][0]["commitments"] and doc["tender"]["seal"]
    _valid(text)


def test_the_schema_refuses_what_the_import_refuses(small_json: str) -> None:
    doc = json.loads(small_json)
    doc["lots"][0]["criteria"][0]["children"][0]["colour"] = "red"
    with pytest.raises(jsonschema.ValidationError, match="colour"):
        interchange_validator().validate(doc)


def _enum(*path: str) -> list[str]:
    node = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]
    for key in path:
        node = node[key]
    return list(node["enum"])


@pytest.mark.parametrize("path, registry", [
    (("tender", "properties", "status"), domain.TENDER_STATUSES),
    (("moderation", "properties", "spread_unit"), domain.SPREAD_UNITS),
    (("rounding", "properties", "mode"), domain.ROUNDING_MODES),
    (("rounding", "properties", "stage"), domain.ROUNDING_STAGES),
    (("criterion", "properties", "type"), domain.CRITERION_KINDS),
    (("criterion", "properties", "normalise"), domain.NORMALISE_MODES),
    (("criterion", "properties", "formula"), domain.PRICE_FORMULAS),
    (("criterion", "properties", "direction"), domain.DIRECTIONS),
    (("bidder", "properties", "organisation_type"), domain.ORGANISATION_TYPES),
    (("conflict", "properties", "status"), domain.CONFLICT_STATUSES),
    (("gateway", "properties", "result"), domain.GATEWAY_RESULTS),
    (("score", "properties", "status"), domain.SCORE_STATUSES),
    (("commitment", "properties", "period"), BASES),
])
def test_schema_names_match_the_registries(path: tuple[str, ...], registry) -> None:
    assert _enum(*path) == list(registry), f"update docs/interchange.schema.json {path}"


def test_the_documented_example_imports(tmp_path: Path) -> None:
    page = (SCHEMA.parent / "interchange.md").read_text(encoding="utf-8")
    example = page.split("```json\n", 1)[1].split("```", 1)[0]
    _valid(example)
    data = interchange.loads(example)
    conflict = data.lots[0].conflict("E2")
    assert conflict is not None and conflict.bidders == ("B2",)
    assert data.lots[0].moderated[1].recused == ["E2"]
    text = interchange.dumps(data)
    assert interchange.dumps(interchange.loads(text)) == text
    TenderFile.create(tmp_path / "example.tender", data).close()
    with TenderFile.open(tmp_path / "example.tender") as tf:
        assert tf.tender().seal == data.tender.seal
        stored = tf.load().lots[0]
        assert stored.deliveries == data.lots[0].deliveries
        assert stored.conflicts == data.lots[0].conflicts
