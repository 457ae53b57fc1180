"""Sealing the evaluation plan: fingerprint, refusal while broken, unsealing with a reason, and
the social value policy warning from `workbench-cli check`."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from workbench import cli
from workbench.details import update_details
from workbench.domain import Criterion
from workbench.errors import ReadOnlyError, ValidationError
from workbench.model import edit
from workbench.model.scales import put_scale, template
from workbench.model.seal import (
    canonical_plan,
    plan_hash,
    seal,
    seal_blockers,
    seal_state,
    unseal,
)
from workbench.storage import TenderFile


@pytest.fixture
def demo(demo_tender: Path):
    with TenderFile.open(demo_tender, user="tester") as tf:
        yield tf


def test_seal_records_fingerprint_time_and_status(small_tender: Path) -> None:
    with TenderFile.open(small_tender) as tf:
        fingerprint = seal(tf)
        row = tf.rows("tender")[0]
        assert row["seal_hash"] == fingerprint == plan_hash(tf.load())
        assert len(fingerprint) == 64 and row["sealed_at"] and row["status"] == "sealed"
        state = seal_state(tf)
        assert state.sealed and state.intact and state.short == fingerprint[:12]
        with pytest.raises(ValidationError, match="already sealed"):
            seal(tf)


def test_canonical_form_is_deterministic_and_covers_weights_scales_rounding(demo) -> None:
    data = demo.load()
    text = canonical_plan(data)
    assert text == canonical_plan(demo.load())
    plan = json.loads(text)
    assert set(plan) == {"lots", "rounding", "scales", "social_value_minimum_weight",
                         "total_points"}
    before = plan_hash(data)
    data.lots[0].criteria[0].weight = data.lots[0].criteria[0].weight + 1  # type: ignore
    assert plan_hash(data) != before
    data = demo.load()
    data.scales[0].levels[0].descriptor += "!"
    assert plan_hash(data) != before


def test_sealing_is_refused_while_the_model_has_errors(demo) -> None:
    edit.update_criterion(demo, "L1", "Q2", weight="20")
    with pytest.raises(ValidationError, match=r"cannot seal the evaluation plan: lot L1, "
                                              r"criterion Q: weights in group Q add up to 95%"):
        seal(demo)
    assert demo.rows("tender")[0]["seal_hash"] is None


def test_sealed_plan_freezes_model_scales_and_rounding(demo) -> None:
    seal(demo)
    with pytest.raises(ReadOnlyError, match="the evaluation plan is sealed"):
        edit.update_criterion(demo, "L1", "Q1", title="x")
    with pytest.raises(ReadOnlyError, match="scales cannot change"):
        put_scale(demo, template("0-10"))
    with pytest.raises(ReadOnlyError):
        update_details(demo, rounding_decimals=3)


def test_unseal_needs_a_written_reason_which_is_audited(demo) -> None:
    status = demo.rows("tender")[0]["status"]
    seal(demo)
    with pytest.raises(ValidationError, match="give a written reason"):
        unseal(demo, "  oops ")
    unseal(demo, "Clarification 4 changed the weight of Q2")
    row = demo.rows("tender")[0]
    assert row["seal_hash"] is None and row["sealed_at"] is None
    assert row["status"] == status  # the demo is past setup: its status is kept
    audit = list(demo.db.query("SELECT action, reason FROM audit WHERE action = "
                               "'Unseal evaluation plan'"))
    assert audit == [{"action": "Unseal evaluation plan",
                      "reason": "Clarification 4 changed the weight of Q2"}]
    edit.update_criterion(demo, "L1", "Q1", title="Editable again")
    with pytest.raises(ValidationError, match="not sealed"):
        unseal(demo, "a long enough reason")


def test_a_plan_changed_behind_the_seal_is_reported(small_tender: Path) -> None:
    with TenderFile.open(small_tender) as tf:
        seal(tf)
        tf.db.execute("UPDATE criteria SET weight = '61' WHERE id = 'Q'")  # outside the app
        assert not seal_state(tf).intact


def test_check_warns_when_social_value_is_below_the_policy(
        demo_tender: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with TenderFile.open(demo_tender) as tf:
        edit.set_weights(tf, "L2", {"Q": 65, "SV": 5})  # type: ignore[dict-item]
    assert cli.main(["check", str(demo_tender)]) == 0
    out = capsys.readouterr().out
    assert ("warning: lot L2: social value carries 5% of the total, below the policy minimum "
            "of 10%") in out
    assert "0 model error(s), 1 warning(s)" in out


def test_sealing_names_every_blocker_and_the_cli_seals(tmp_path: Path, capsys) -> None:
    from workbench.model.templates import blank_tender

    data = blank_tender("Homecare framework")
    assert [s.id for s in data.scales] == ["0-5"]  # a new tender starts with the 0–5 scale
    path = tmp_path / "homecare.tender"
    TenderFile.create(path, data, user="lead").close()
    assert cli.main(["seal", str(path)]) == 1
    assert capsys.readouterr().err.strip().endswith("the tender has no lots yet")
    with TenderFile.open(path, user="lead") as tf:
        edit.add_lot(tf, "L1", "Lot 1: Home care")
        edit.add_lot(tf, "L2", "Lot 2: Night sitting")
        edit.add_criterion(tf, "L1", Criterion("Q1", "Quality", "scored", Decimal(60)))
        blockers = seal_blockers(tf.load())
    assert blockers == [
        "lot L2: the evaluation model has no criteria yet",
        "lot L1, criterion Q1: a scored criterion needs a scale",
        "lot L1: weights in the top level add up to 60%, not 100%",
    ]
    assert cli.main(["seal", str(path)]) == 1
    assert "cannot seal the evaluation plan: lot L2: the evaluation model has no criteria " \
           "yet (and 2 more problem(s))" in capsys.readouterr().err
    with TenderFile.open(path, user="lead") as tf:
        edit.update_criterion(tf, "L1", "Q1", weight="100", scale="0-5")
        edit.add_criterion(tf, "L2", Criterion("Q1", "Quality", "scored", Decimal(100),
                                               scale="0-5"))
        assert seal_blockers(tf.load()) == []
    assert cli.main(["seal", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"sealed the evaluation plan of {path}")
