"""Editing the evaluation model on a real tender file: each edit one audited action, bad edits
refused with a message naming the criterion and nothing written, undo snapshots exact."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from workbench.domain import Criterion
from workbench.errors import ReadOnlyError, ValidationError
from workbench.model import edit, tree
from workbench.model.seal import seal
from workbench.model.store import LINKED_TABLES
from workbench.model_rules import errors
from workbench.scoring.weights import effective_percent
from workbench.storage import TenderFile
from workbench.storage.changes import revert
from workbench.storage.schema import PROTECTED


def _all_rows(tf: TenderFile) -> dict[str, list[dict]]:
    return {table: tf.rows(table) for table in PROTECTED}


def _audit_count(tf: TenderFile) -> int:
    return len(list(tf.db.query("SELECT seq FROM audit")))


@pytest.fixture
def demo(demo_tender: Path):
    with TenderFile.open(demo_tender, user="tester") as tf:
        yield tf


def _lot(tf: TenderFile, lot_id: str = "L1"):
    lot = tf.load().lot(lot_id)
    assert lot is not None
    return lot


def test_weight_edit_changes_effective_weights_and_is_one_audited_action(demo) -> None:
    before = _audit_count(demo)
    edit.update_criterion(demo, "L1", "Q2", weight="20")
    lot = _lot(demo)
    assert tree.find(lot.criteria, "Q2").weight == 20
    assert effective_percent(lot)["Q2"] == Decimal("11")  # 55% × 20%
    actions = list(demo.db.query("SELECT DISTINCT action_id, action FROM audit WHERE seq > ?",
                                 [before]))
    assert [a["action"] for a in actions] == ["Set weight of Q2 to 20%"]
    # the group no longer adds up: allowed in the editor, but an error that blocks sealing
    assert "weights in group Q add up to 95%, not 100%" in str(errors(demo.load())[0])


@pytest.mark.parametrize(("value", "message"), [
    ("-5", "Q2: a weight is a percentage from 0 to 100, not -5"),
    ("140", "Q2: a weight is a percentage from 0 to 100, not 140"),
    ("lots", "Q2: the weight must be a number, not 'lots'"),
])
def test_bad_weight_is_refused_and_nothing_written(demo, value: str, message: str) -> None:
    before = _all_rows(demo)
    with pytest.raises(ValidationError, match=message):
        edit.update_criterion(demo, "L1", "Q2", weight=value)
    assert _all_rows(demo) == before


def test_gateway_carries_no_weight_and_minimum_must_fit_the_scale(demo) -> None:
    with pytest.raises(ValidationError, match="G1: a pass/fail gateway carries no weight"):
        edit.update_criterion(demo, "L1", "G1", weight="5")
    with pytest.raises(ValidationError, match=r"Q1: the minimum 7 is outside its scale \(0–5\)"):
        edit.update_criterion(demo, "L1", "Q1", minimum="7")
    with pytest.raises(ValidationError, match="Q1: there is no scale 'nope'"):
        edit.update_criterion(demo, "L1", "Q1", scale="nope")


def test_add_criterion_where_asked_and_refuse_duplicates_or_non_groups(demo) -> None:
    new = Criterion("Q5", "Value for money", "scored", Decimal(0), scale="0-5")
    edit.add_criterion(demo, "L1", new, "Q", 1)
    assert [c.id for c in tree.find(_lot(demo).criteria, "Q").children] == [
        "Q1", "Q5", "Q2", "Q3", "Q4"]
    with pytest.raises(ValidationError, match="lot L1 already has a criterion Q5"):
        edit.add_criterion(demo, "L1", new, None, None)
    with pytest.raises(ValidationError, match="Q1 is a scored criterion; only a group"):
        edit.add_criterion(demo, "L1", Criterion("Z", "z", "price", Decimal(0)), "Q1")
    with pytest.raises(ValidationError, match="'bad code!' cannot be a criterion code"):
        edit.add_criterion(demo, "L1", Criterion("bad code!", "z"), None)


def test_moves_by_step_and_back_restore_the_rows_exactly(demo) -> None:
    before = demo.rows("criteria")
    roots = _lot(demo).criteria
    assert tree.step_target(roots, "Q2", "up") == ("Q", 0)
    assert tree.step_target(roots, "Q1", "up") is None
    assert tree.step_target(roots, "P", "indent") == ("Q", 4)
    assert tree.step_target(roots, "SV", "indent") is None  # P above it is not a group
    assert tree.step_target(roots, "Q3", "outdent") == (None, 1)
    edit.move_criterion(demo, "L1", "Q3", None, 1)
    assert [c.id for c in _lot(demo).criteria] == ["Q", "Q3", "P", "SV", "G1"]
    edit.move_criterion(demo, "L1", "Q3", "Q", 2)  # the old parent and index
    assert demo.rows("criteria") == before


def test_a_group_cannot_move_inside_itself(demo) -> None:
    with pytest.raises(ValidationError, match="Q cannot go inside itself"):
        edit.move_criterion(demo, "L1", "Q", "Q", 0)


def test_delete_takes_linked_records_and_restore_brings_everything_back(demo) -> None:
    before = _all_rows(demo)
    counts = edit.linked(demo, "L1", "Q")
    assert counts["scores"] > 0 and counts["moderated"] > 0 and counts["assignments"] > 0
    edit.delete_criterion(demo, "L1", "Q")
    deleting = demo.last_change
    lot = _lot(demo)
    assert [c.id for c in lot.criteria] == ["P", "SV", "G1"]
    assert not [s for s in lot.scores if s.criterion.startswith("Q")]
    deleted = list(demo.db.query(
        "SELECT entity FROM audit WHERE after IS NULL AND action LIKE 'Delete criterion Q%'"))
    assert {row["entity"] for row in deleted} >= {"criteria", "scores", "moderated",
                                                  "assignments"}
    revert(demo, deleting, "Undo: delete criterion Q")
    after = _all_rows(demo)
    for table in ("criteria", *LINKED_TABLES):
        key = PROTECTED[table]
        assert sorted(after[table], key=lambda r: [r[k] for k in key]) == \
            sorted(before[table], key=lambda r: [r[k] for k in key]), table


def test_rename_carries_linked_records(demo) -> None:
    scores = len([s for s in _lot(demo).scores if s.criterion == "Q1"])
    edit.rename_criterion(demo, "L1", "Q1", "Q1a")
    lot = _lot(demo)
    assert tree.find(lot.criteria, "Q1a").title == "Service model and mobilisation"
    assert len([s for s in lot.scores if s.criterion == "Q1a"]) == scores > 0
    with pytest.raises(ValidationError, match="lot L1 already has a criterion Q2"):
        edit.rename_criterion(demo, "L1", "Q1a", "Q2")


def test_kind_changes_that_would_contradict_records_are_refused(demo) -> None:
    with pytest.raises(ValidationError, match="Q1 already has results recorded against it"):
        edit.update_criterion(demo, "L1", "Q1", kind="price")
    with pytest.raises(ValidationError, match="Q contains other criteria"):
        edit.update_criterion(demo, "L1", "Q", kind="scored")
    edit.update_criterion(demo, "L1", "P", kind="pass_fail")
    price = tree.find(_lot(demo).criteria, "P")
    assert price.kind == "pass_fail" and price.weight is None
    edit.update_criterion(demo, "L1", "P", kind="price", weight="30")
    assert tree.find(_lot(demo).criteria, "P").weight == 30


def test_normalise_rescales_to_exactly_one_hundred(demo) -> None:
    edit.set_weights(demo, "L1", {"Q1": Decimal(1), "Q2": Decimal(1), "Q3": Decimal(1),
                                  "Q4": Decimal(0)})
    edit.normalise(demo, "L1", "Q")
    weights = [c.weight for c in tree.find(_lot(demo).criteria, "Q").children]
    assert weights == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33"), Decimal(0)]
    assert sum(w for w in weights if w is not None) == 100
    assert not [p for p in errors(demo.load()) if p.criterion == "Q"]


def test_to_hundred_shares_an_all_zero_group_equally() -> None:
    assert tree.to_hundred({"a": Decimal(0), "b": Decimal(0)}) == {"a": 50, "b": 50}


def test_copy_model_to_lot_and_refuse_dropping_scored_criteria(demo) -> None:
    edit.delete_criterion(demo, "L2", "Q3")
    edit.copy_model(demo, "L1", "L2")  # L2's criteria all exist in L1 with the same kinds
    assert _lot(demo, "L2").criteria == _lot(demo, "L1").criteria
    edit.delete_criterion(demo, "L2", "Q4")
    before = _all_rows(demo)
    with pytest.raises(ValidationError, match=r"lot L1 has .* on Q4, which the copied "
                                              r"model would drop"):
        edit.copy_model(demo, "L2", "L1")  # L2 has no Q4 any more: lot 1's scores would go
    assert _all_rows(demo) == before


def test_shared_model_edits_every_lot(demo) -> None:
    edit.share_model(demo, "L1")
    edit.update_criterion(demo, "L1", "Q1", title="Service model")
    assert tree.find(_lot(demo, "L2").criteria, "Q1").title == "Service model"
    with pytest.raises(ValidationError, match="share one model already"):
        edit.copy_model(demo, "L1", "L2")
    edit.stop_sharing(demo)
    edit.update_criterion(demo, "L1", "Q1", title="Only lot 1")
    assert tree.find(_lot(demo, "L2").criteria, "Q1").title == "Service model"


def test_every_edit_is_refused_while_sealed(demo) -> None:
    edit.update_criterion(demo, "L1", "Q1", title="Service model")
    renamed = demo.last_change  # made before the seal: its undo is refused after it
    seal(demo)
    before = _all_rows(demo)
    for call in (
        lambda: edit.update_criterion(demo, "L1", "Q1", weight="10"),
        lambda: edit.add_criterion(demo, "L1", Criterion("Z1", "z", "price", Decimal(0))),
        lambda: edit.delete_criterion(demo, "L1", "Q1"),
        lambda: edit.move_criterion(demo, "L1", "Q1", None, 0),
        lambda: edit.normalise(demo, "L1", None),
        lambda: edit.copy_model(demo, "L1", "L2"),
        lambda: revert(demo, renamed, "Undo"),
    ):
        with pytest.raises(ReadOnlyError, match="the evaluation plan is sealed"):
            call()
    assert _all_rows(demo) == before


def test_add_rename_and_remove_a_lot(demo) -> None:
    edit.add_lot(demo, "L3", "Lot 3: Befriending")
    assert [lot.id for lot in demo.load().lots] == ["L1", "L2", "L3"]
    with pytest.raises(ValidationError, match="there is already a lot L3"):
        edit.add_lot(demo, "L3", "Again")
    with pytest.raises(ValidationError, match="'L 4' cannot be a lot code"):
        edit.add_lot(demo, "L 4", "Bad")
    edit.rename_lot(demo, "L3", "  Lot 3:   Befriending and   peer support ")
    assert demo.load().lot("L3").title == "Lot 3: Befriending and peer support"
    with pytest.raises(ValidationError, match="give the lot a title"):
        edit.rename_lot(demo, "L3", "   ")
    with pytest.raises(ValidationError, match="Lot 1: Social prescribing link workers has 70 "
                       r"score\(s\) and 25 agreed score\(s\) on file"):
        edit.remove_lot(demo, "L1")
    edit.copy_model(demo, "L1", "L3")
    edit.remove_lot(demo, "L3")  # with its copied model: nothing was scored on it
    assert [lot.id for lot in demo.load().lots] == ["L1", "L2"]
    assert not demo.rows("criteria", "lot_id = 'L3'")
