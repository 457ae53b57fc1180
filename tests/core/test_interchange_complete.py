"""The interchange JSON carries the whole tender: settings, seal, moderation, award, monitoring.

The demo is taken through the rest of the workflow with the core functions a user's clicks
call (moderated, award recommended, commitments seeded, deliveries entered), then exported,
imported and exported again: the two exports must be the same bytes.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import FIXTURES

from workbench.cli import main
from workbench.demo import create_demo
from workbench.domain import SPREAD_UNITS, TENDER_STATUSES, ModerationRules, PanelRules
from workbench.errors import InterchangeError, StorageError
from workbench.exchange import interchange
from workbench.model.seal import seal_state
from workbench.moderation import consensus
from workbench.moderation.flags import lot_items
from workbench.panel import roster
from workbench.resources import read_text
from workbench.storage import TenderFile
from workbench.storage.schema import PROTECTED


def test_finished_demo_round_trips_byte_for_byte(finished_demo: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert main(["export-json", str(finished_demo), "-o", str(first)]) == 0
    assert main(["import", str(first), str(tmp_path / "again.tender")]) == 0
    assert main(["export-json", str(tmp_path / "again.tender"), "-o", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()

    doc = json.loads(first.read_text(encoding="utf-8"))
    tender = doc["tender"]
    assert tender["status"] == "award_recommended"
    assert tender["panel"] == {"blind_scoring": False, "min_evaluators": 3,
                               "rationale_min_length": 25}
    assert tender["moderation"] == {"spread_threshold": 40, "spread_unit": "percent"}
    assert len(tender["seal"]["hash"]) == 64
    lots = {lot["id"]: lot for lot in doc["lots"]}
    assert lots["L2"]["conflicts"] == [{
        "evaluator": "E2", "status": "declared", "declared_on": "2026-11-03",
        "nature": "Former trustee of a charity partner of one bidder",
        "mitigation": "Chair reviews E2's marks"}]
    assert lots["L2"]["meetings"][0]["chair"] == "Priya Raman"  # L1 came moderated
    assert all(lot["commitments"] and lot["deliveries"] for lot in lots.values())
    assert {d["period"] for d in lots["L1"]["deliveries"]} == {"2027 Q1", "2027 Q2"}


def test_imported_file_keeps_the_seal_and_every_setting(finished_demo: Path,
                                                        tmp_path: Path) -> None:
    with TenderFile.open(finished_demo, read_only=True) as tf:
        original = tf.load()
        original_seal = seal_state(tf, original)
    copy = tmp_path / "copy.tender"
    TenderFile.create(copy, interchange.loads(interchange.dumps(original))).close()
    with TenderFile.open(copy) as tf:
        assert tf.load() == original
        state = seal_state(tf)
        assert (state.sealed_at, state.fingerprint, state.intact) == \
            (original_seal.sealed_at, original_seal.fingerprint, True)
        assert roster.panel_settings(tf).min_evaluators == 3
        assert consensus.read_rules(tf).describe() == "40% of the scale"


def test_parked_items_and_meetings_in_progress_round_trip(tmp_path: Path) -> None:
    with create_demo(tmp_path / "meeting.tender", user="tester") as tf:
        data = tf.load()
        item = next(i for i in lot_items(data, data.lots[1], consensus.read_rules(tf))
                    if i.agreed is None)
        consensus.start_meeting(tf, "L2", "Priya Raman", [])
        consensus.park(tf, "L2", item.bidder.id, item.criterion.id, "Ask for the staffing plan")
        text = interchange.dumps(tf.load())
    doc = json.loads(text)
    l2 = doc["lots"][1]
    assert l2["parked"][0]["note"] == "Ask for the staffing plan"
    assert l2["meetings"][-1]["ended_at"] is None
    assert interchange.dumps(interchange.loads(text)) == text


def test_demo_json_carries_its_seal() -> None:
    """The demo command imports the seal with the plan; it does not seal afterwards."""
    data = interchange.loads(read_text("demo", "demo.json"))
    assert data.tender.seal is not None and data.tender.seal.sealed_at.startswith("2026-")


def test_a_seal_that_does_not_match_the_plan_is_refused() -> None:
    doc = json.loads(read_text("demo", "demo.json"))
    doc["lots"][0]["criteria"][0]["weight"] += 5
    doc["lots"][0]["criteria"][1]["weight"] -= 5
    with pytest.raises(InterchangeError, match=r"^tender\.seal: the fingerprint does not match"):
        interchange.loads(json.dumps(doc))
    del doc["tender"]["seal"]
    assert interchange.loads(json.dumps(doc)).tender.seal is None


def _mutated(change) -> str:
    doc = json.loads(read_text("demo", "demo.json"))
    change(doc)
    return json.dumps(doc)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["tender"].update(status="frozen"),
     r"^tender: 'status' must be one of setup, .*, not 'frozen'$"),
    (lambda d: d["tender"].update(panel={"min_evaluators": 0}),
     r"^tender\.panel: 'min_evaluators' must be a whole number from 1 to 20$"),
    (lambda d: d["tender"].update(panel={"blind": True}), r"^tender\.panel: unknown key 'blind'"),
    (lambda d: d["tender"].update(moderation={"spread_unit": "stars"}),
     r"^tender\.moderation: 'spread_unit' must be one of points, percent, not 'stars'$"),
    (lambda d: d["tender"].update(moderation={"spread_threshold": 150, "spread_unit": "percent"}),
     r"^tender\.moderation: the flag threshold must be more than 0 and at most 100%$"),
    (lambda d: d["tender"]["seal"].update(hash="abc"), r"^tender\.seal: 'hash' must be a SHA"),
    (lambda d: d["tender"].update(shared_model="yes"),
     r"^tender: 'shared_model' must be true or false$"),
    (lambda d: d["lots"][0].update(commitments=[{"bidder": "B9", "criterion": "SV2",
                                                 "committed": 5}]),
     r"^lots\[L1\]\.commitments\[B9/SV2\]: unknown bidder 'B9'$"),
    (lambda d: d["lots"][0].update(commitments=[{"bidder": "B4", "criterion": "Q1",
                                                 "committed": 5}]),
     r"^lots\[L1\]\.commitments\[B4/Q1\]: 'Q1' is not a quantitative criterion of the lot$"),
    (lambda d: d["lots"][0].update(deliveries=[{"bidder": "B4", "criterion": "SV2",
                                                "period": "Q1", "delivered": 1,
                                                "recorded_on": "2027-01-01", "colour": 1}]),
     r"^lots\[L1\]\.deliveries\[0\]: unknown key 'colour'$"),
    (lambda d: d["lots"][0].update(meetings=[{"id": "M1", "started_at": "x"}] * 2),
     r"^meetings: the id 'M1' is used twice$"),
    (lambda d: d["lots"][0].update(parked=[{"bidder": "B1", "criterion": "ZZ",
                                            "parked_at": "x"}]),
     r"^lots\[L1\]\.parked\[B1/ZZ\]: unknown criterion 'ZZ'$"),
    (lambda d: d["lots"][0].update(conflicts=[{"evaluator": "E9"}]),
     r"^lots\[L1\]\.conflicts\[E9\]: unknown evaluator 'E9'$"),
])
def test_bad_new_keys_are_refused_naming_the_place(change, message: str) -> None:
    with pytest.raises(InterchangeError, match=message):
        interchange.loads(_mutated(change))


def test_json_without_the_newer_keys_still_imports(small_json: str) -> None:
    data = interchange.loads(small_json)
    assert data.tender.seal is None and data.tender.panel.min_evaluators == 2
    assert data.lots[0].commitments == [] and data.lots[0].meetings == []


def test_a_file_with_an_unknown_status_is_refused_on_open(demo_tender: Path) -> None:
    with sqlite3.connect(demo_tender) as conn:  # a newer version's status, say
        conn.execute("UPDATE tender SET status = 'under_review'")
    conn.close()
    with pytest.raises(StorageError, match=r"demo\.tender: tender: unknown tender status "
                                           r"'under_review' \(known: setup, "):
        TenderFile.open(demo_tender, read_only=True).close()


@settings(max_examples=60, deadline=None)
@given(
    panel=st.builds(PanelRules, st.booleans(), st.integers(1, 20), st.integers(0, 2000)),
    threshold=st.decimals(min_value="0.01", max_value="100", places=2),
    unit=st.sampled_from(SPREAD_UNITS),
    shared=st.booleans(),
    status=st.sampled_from(TENDER_STATUSES),
)
def test_any_settings_round_trip(panel, threshold, unit, shared, status) -> None:
    data = interchange.loads((FIXTURES / "small.json").read_text(encoding="utf-8"))
    data.tender = replace(data.tender, panel=panel, status=status, shared_model=shared,
                          moderation=ModerationRules(threshold, unit))
    text = interchange.dumps(data)
    again = interchange.loads(text)
    assert again.tender == data.tender
    assert interchange.dumps(again) == text


def test_every_table_but_the_packs_issued_survives_the_round_trip(finished_demo: Path,
                                                                  tmp_path: Path) -> None:
    """Row for row, column for column, apart from the file's own identity (`uid`) and the
    scoring packs it issued (a pack can only return to the file it came from)."""
    with TenderFile.open(finished_demo, read_only=True) as tf:
        text = interchange.dumps(tf.load())
    copy = tmp_path / "copy.tender"
    TenderFile.create(copy, interchange.loads(text)).close()
    with sqlite3.connect(finished_demo) as a, sqlite3.connect(copy) as b:
        for table in PROTECTED:
            if table == "packs":
                continue
            query = f"SELECT * FROM [{table}]"
            columns = [d[0] for d in a.execute(query).description]
            kept = [i for i, name in enumerate(columns) if name != "uid"]
            rows_a, rows_b = ([tuple(r[i] for i in kept) for r in db.execute(query)]
                              for db in (a, b))
            assert sorted(rows_a, key=repr) == sorted(rows_b, key=repr), table
    a.close()
    b.close()
