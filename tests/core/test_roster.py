"""The panel core: evaluators, per-lot conflicts, assignments, coverage and individual scores."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from workbench.domain import Conflict, LotConflict, PanelRules
from workbench.errors import ReadOnlyError, ValidationError
from workbench.panel import roster
from workbench.storage import TenderFile
from workbench.storage.changes import revert

RATIONALE = "Clear mobilisation plan with named staff and dates."


@pytest.fixture
def demo(demo_tender: Path):
    with TenderFile.open(demo_tender, user="lead") as tf:
        yield tf


def _pack(tmp_path: Path, demo_tender: Path, evaluator: str = "E2") -> Path:
    """A scoring pack built by hand from the demo: one evaluator, their own rows only."""
    with TenderFile.open(demo_tender, read_only=True) as tf:
        data = tf.load()
    data.evaluators = [e for e in data.evaluators if e.id == evaluator]
    for lot in data.lots:
        lot.assignments = [a for a in lot.assignments if a.evaluator == evaluator]
        lot.scores = []
        lot.moderated = []
    path = tmp_path / f"pack-{evaluator}.tender"
    with TenderFile.create(path, data, user="evaluator",
                           action=f"Create scoring pack for {evaluator}") as tf:
        tf.set_meta("kind", "pack")
        tf.set_meta("pack_evaluator", evaluator)
        tf.set_meta("pack_submitted", "0")
    return path


def _state(tf: TenderFile) -> dict[str, list[dict]]:
    return {table: tf.rows(table) for table in ("evaluators", "assignments", "lot_conflicts",
                                                "scores", "tender")}


def test_add_edit_remove_evaluator_and_undo_each(demo) -> None:
    start = _state(demo)
    roster.add_evaluator(demo, "  Sam   Okafor ", "Clinical lead")
    added = demo.last_change
    sam = demo.load().evaluators[-1]
    assert (sam.id, sam.name, sam.role, sam.conflict.declared_on) == \
        ("E4", "Sam Okafor", "Clinical lead", None)
    roster.update_evaluator(demo, "E4", role="Clinical lead, community nursing")
    edited = demo.last_change
    roster.set_assignments(demo, "L1", True, evaluators=["E4"])
    assigned = demo.last_change
    roster.remove_evaluator(demo, "E4")
    removed = demo.last_change
    assert demo.load().evaluator("E4") is None
    assert not demo.rows("assignments", "evaluator_id = 'E4'")
    revert(demo, removed, "Undo")
    assert len(demo.rows("assignments", "evaluator_id = 'E4'")) == 5
    revert(demo, edited, "Undo")
    assert demo.load().evaluator("E4").role == "Clinical lead"
    revert(demo, assigned, "Undo")
    revert(demo, added, "Undo")
    assert _state(demo) == start
    assert demo.integrity_problem == ""


def test_evaluator_input_is_checked(demo) -> None:
    with pytest.raises(ValidationError, match="needs a name"):
        roster.add_evaluator(demo, "   ")
    with pytest.raises(ValidationError, match="already an evaluator called Priya Raman"):
        roster.add_evaluator(demo, "priya raman")
    with pytest.raises(ValidationError, match="Priya Raman has 45 score"):
        roster.remove_evaluator(demo, "E1")
    with pytest.raises(ValidationError, match="no evaluator E9"):
        roster.update_evaluator(demo, "E9", name="X")


def test_conflict_register_per_lot_keeps_evaluator_summary(demo) -> None:
    roster.add_evaluator(demo, "Sam Okafor")
    assert ("L1", "E4") not in roster.conflicts(demo)
    # An imported declaration at evaluator level stands for every lot.
    assert roster.conflicts(demo)[("L2", "E3")].status == "declared"
    before = _state(demo)
    roster.declare_conflict(demo, "L1", "E4", "declared", "Trustee of bidder B4",
                                   "", "2026-11-04")
    snap = demo.last_change
    sam = demo.load().evaluator("E4")
    assert sam.conflict == Conflict("declared", None, "Lot 1: Social prescribing link "
                                    "workers: Trustee of bidder B4", "")
    roster.declare_conflict(demo, "L2", "E4", "none", "ignored", "ignored",
                                   "2026-11-05")
    lot2 = demo.last_change
    sam = demo.load().evaluator("E4")
    assert sam.conflict == Conflict("declared", "2026-11-05", "Lot 1: Social prescribing link "
                                    "workers: Trustee of bidder B4", "")
    assert roster.conflicts(demo)[("L2", "E4")] == LotConflict("E4", "none", "2026-11-05", "", "")
    roster.declare_conflict(demo, "L2", "E4", "declared", "Same", "Left")
    revert(demo, demo.last_change, "Undo")
    revert(demo, lot2, "Undo")
    revert(demo, snap, "Undo")
    assert _state(demo) == before


def test_conflict_input_is_checked(demo) -> None:
    with pytest.raises(ValidationError, match="describe the conflict"):
        roster.declare_conflict(demo, "L1", "E1", "declared", "  ")
    with pytest.raises(ValidationError, match="not a date"):
        roster.declare_conflict(demo, "L1", "E1", "none", declared_on="3 Nov")
    with pytest.raises(ValidationError, match="'none' or 'declared'"):
        roster.declare_conflict(demo, "L1", "E1", "maybe")
    with pytest.raises(ValidationError, match="no lot L9"):
        roster.declare_conflict(demo, "L9", "E1", "none")
    assert demo.rows("lot_conflicts") == []


def test_assignments_single_row_column_all_and_undo(demo) -> None:
    roster.add_evaluator(demo, "Sam Okafor")
    start = _state(demo)
    roster.set_assignments(demo, "L1", True, evaluators=["E4"], criteria=["Q2"])
    one = demo.last_change
    assert demo.load().lot("L1").assignments[-1].criteria == ["Q2"]
    roster.set_assignments(demo, "L1", True, evaluators=["E4"])
    row = demo.last_change
    assert _assigned(demo, "L1", "E4") == ["Q1", "Q2", "Q3", "Q4", "SV1"]
    roster.set_assignments(demo, "L1", False, evaluators=["E4"], criteria=["Q3"])
    gap = demo.last_change
    roster.set_assignments(demo, "L1", True, criteria=["Q3"])
    column = demo.last_change
    assert "E4" in _assigned_to(demo, "L1", "Q3")
    roster.set_assignments(demo, "L2", True)  # the whole panel, every quality question
    assert len(demo.rows("assignments", "lot_id = 'L2'")) == 4 * 4
    roster.set_assignments(demo, "L1", True, evaluators=["E2"], criteria=["P"])  # price review
    with pytest.raises(ValidationError, match="G1 is not a question"):
        roster.set_assignments(demo, "L1", True, criteria=["G1"])
    with pytest.raises(ValidationError, match="Priya Raman has already scored Q1"):
        roster.set_assignments(demo, "L1", False, criteria=["Q1"])
    revert(demo, column, "Undo")
    assert "E4" not in _assigned_to(demo, "L1", "Q3")
    with pytest.raises(ValidationError, match=r"the assignment of Q3 by Sam Okafor .* was changed "
                       "by a later action"):
        revert(demo, row, "Undo")  # skipping the undo of `gap` would overwrite it
    revert(demo, gap, "Undo")
    revert(demo, row, "Undo")
    assert _assigned(demo, "L1", "E4") == ["Q2"]
    revert(demo, one, "Undo")
    assert not any(a.evaluator == "E4" for a in demo.load().lot("L1").assignments)
    audit = [r["action"] for r in demo.db.query("SELECT DISTINCT action FROM audit")]
    assert "Assign Sam Okafor to Q2 Safeguarding and risk management (Lot 1: Social " \
        "prescribing link workers)" in audit
    assert "Assign the whole panel to every quality question (Lot 2: Community wellbeing " \
        "hubs)" in audit
    assert _state(demo) != start  # lot 2 and the price review remain


def _assigned(tf: TenderFile, lot: str, evaluator: str) -> list[str]:
    return next(a.criteria for a in tf.load().lot(lot).assignments if a.evaluator == evaluator)


def _assigned_to(tf: TenderFile, lot: str, criterion: str) -> list[str]:
    return [a.evaluator for a in tf.load().lot(lot).assignments if criterion in a.criteria]


def test_coverage_warnings_name_gaps_shortfalls_and_unmitigated_conflicts(demo) -> None:
    data = demo.load()
    assert roster.coverage_warnings(data, roster.conflicts(demo)) == []
    warnings = roster.coverage_warnings(data, roster.conflicts(demo), min_evaluators=3)
    assert warnings == [
        "Lot 1: Social prescribing link workers: only 2 evaluator(s) score Q4 Outcomes and "
        "service-user involvement; the tender asks for at least 3",
        "Lot 2: Community wellbeing hubs: only 2 evaluator(s) score Q3 Inclusion and "
        "accessibility; the tender asks for at least 3",
    ]
    roster.add_evaluator(demo, "Sam Okafor")
    roster.set_assignments(demo, "L2", True, evaluators=["E4"], criteria=["Q3"])
    roster.declare_conflict(demo, "L2", "E4", "declared", "Trustee of Greenway Hubs Ltd")
    roster.set_assignments(demo, "L1", True, evaluators=["E4"], criteria=["Q4"])
    with demo.action("Add an unscored question"):
        demo.put("criteria", {"lot_id": "L1", "id": "Q5", "parent_id": "Q", "position": 9,
                              "title": "Staff wellbeing", "kind": "scored", "scale_id": "0-5"})
    warnings = roster.coverage_warnings(demo.load(), roster.conflicts(demo))
    assert warnings == [
        "Lot 1: Social prescribing link workers: nobody is assigned to score Q5 Staff "
        "wellbeing",
        "Lot 2: Community wellbeing hubs: Sam Okafor declared a conflict with no mitigation "
        "recorded, yet is assigned to Q3",
    ]


def test_set_score_records_who_entered_it_and_undoes(demo) -> None:
    roster.add_evaluator(demo, "Sam Okafor")
    roster.set_assignments(demo, "L1", True, evaluators=["E4"], criteria=["Q1"])
    roster.set_score(demo, "L1", "E4", "B2", "Q1", "4", RATIONALE,
                     entered_by=roster.entered_for("lead", "Sam Okafor"))
    first = demo.last_change
    row = demo.rows("scores", "evaluator_id = 'E4'")[0]
    assert (row["score"], row["status"], row["entered_by"]) == ("4", "submitted",
                                                                "lead for Sam Okafor")
    roster.set_score(demo, "L1", "E4", "B2", "Q1", Decimal(3), RATIONALE + " Revised.",
                     entered_by="lead for Sam Okafor")
    revised = demo.last_change
    with pytest.raises(ValidationError, match=r"the score of Q1 for .* by Sam Okafor \(lot L1\) "
                       "was changed by a later action"):
        revert(demo, first, "Undo")
    assert demo.rows("scores", "evaluator_id = 'E4'")[0]["score"] == "3"
    revert(demo, revised, "Undo")
    revert(demo, first, "Undo")
    assert demo.rows("scores", "evaluator_id = 'E4'") == []


@pytest.mark.parametrize(("score", "rationale", "message"), [
    ("7", RATIONALE, "7 is not on the 0–5 scale of Q1"),
    ("2.5", RATIONALE, "2.5 is not on the 0–5 scale of Q1"),
    ("good", RATIONALE, "the score on Q1 for Café Connect CIC must be a number"),
    ("3", "  too short ", "needs at least 20 characters \\(it has 9\\)"),
    ("3", "", "needs at least 20 characters"),
])
def test_bad_scores_are_refused_and_change_nothing(demo, score, rationale, message) -> None:
    before = _state(demo)
    with pytest.raises(ValidationError, match=message):
        roster.set_score(demo, "L1", "E1", "B1", "Q1", score, rationale, entered_by="lead")
    assert _state(demo) == before


def test_set_score_refuses_unassigned_unknown_and_locked(demo) -> None:
    with pytest.raises(ValidationError, match="Gareth Llewellyn is not assigned to score Q4"):
        roster.set_score(demo, "L1", "E2", "B1", "Q4", "3", RATIONALE, entered_by="lead")
    with pytest.raises(ValidationError, match="P is not a scored question"):
        roster.set_score(demo, "L1", "E2", "B1", "P", "3", RATIONALE, entered_by="lead")
    with pytest.raises(ValidationError, match="bidder B9 is not in the competition"):
        roster.set_score(demo, "L1", "E2", "B9", "Q1", "3", RATIONALE, entered_by="lead")
    with demo.action("Lock"):
        demo.update("tender", {"id": 1}, status="locked")
    with pytest.raises(ReadOnlyError, match="locked"):
        roster.set_score(demo, "L1", "E2", "B1", "Q1", "3", RATIONALE, entered_by="lead")


def test_rationale_minimum_comes_from_the_tender(demo) -> None:
    roster.update_panel_settings(demo, rationale_min_length=60, min_evaluators=3)
    snap = demo.last_change
    assert roster.panel_settings(demo) == PanelRules(False, 3, 60)
    with pytest.raises(ValidationError, match="at least 60 characters"):
        roster.set_score(demo, "L1", "E1", "B1", "Q1", "3", RATIONALE, entered_by="lead")
    revert(demo, snap, "Undo")
    assert roster.panel_settings(demo) == PanelRules(False, 2, 20)
    with pytest.raises(ValidationError, match="from 1 to 20"):
        roster.update_panel_settings(demo, min_evaluators=0)


def test_pack_needs_declaration_first_and_stops_after_submit(tmp_path, demo_tender) -> None:
    with TenderFile.open(_pack(tmp_path, demo_tender, "E2"), user="gareth") as tf:
        with pytest.raises(ValidationError, match="declare any conflict of interest for Lot 1"):
            roster.set_score(tf, "L1", "E2", "B1", "Q1", "3", RATIONALE, entered_by="Gareth")
        with pytest.raises(ReadOnlyError, match="set by the procurement lead"):
            roster.add_evaluator(tf, "Someone")
        roster.declare_conflict(tf, "L1", "E2", "none")
        roster.set_score(tf, "L1", "E2", "B1", "Q1", "3", RATIONALE, entered_by="Gareth")
        assert tf.rows("scores")[0]["status"] == "draft"
        tf.set_meta("pack_submitted", "1")
        with pytest.raises(ReadOnlyError, match="has been submitted"):
            roster.set_score(tf, "L1", "E2", "B1", "Q1", "4", RATIONALE, entered_by="Gareth")
        with pytest.raises(ReadOnlyError, match="has been submitted"):
            roster.declare_conflict(tf, "L2", "E2", "none")


def test_changing_a_submitted_score_is_an_override_with_a_reason(demo) -> None:
    lead = roster.entered_for("lead", "Priya Raman")
    original = demo.rows("scores", "evaluator_id = 'E1' AND bidder_id = 'B1' AND "
                         "criterion_id = 'Q1' AND lot_id = 'L1'")[0]
    with pytest.raises(ValidationError, match="Priya Raman submitted this score; changing it "
                       "needs a written reason"):
        roster.set_score(demo, "L1", "E1", "B1", "Q1", "2", RATIONALE, entered_by=lead)
    with pytest.raises(ValidationError, match="in your own words"):
        roster.set_score(demo, "L1", "E1", "B1", "Q1", "2", original["rationale"],
                         entered_by=lead, reason="Misread the mobilisation plan")
    roster.set_score(demo, "L1", "E1", "B1", "Q1", "2", RATIONALE, entered_by=lead,
                     reason="Misread the mobilisation plan")
    row = demo.rows("scores", "evaluator_id = 'E1' AND bidder_id = 'B1' AND "
                    "criterion_id = 'Q1' AND lot_id = 'L1'")[0]
    assert (row["score"], row["entered_by"], row["override_reason"]) == \
        ("2", lead, "Misread the mobilisation plan")
    entry = next(demo.db.query("SELECT action, reason FROM audit ORDER BY seq DESC LIMIT 1"))
    assert entry["action"].startswith("Override Priya Raman's score Q1")
    assert entry["reason"] == "Misread the mobilisation plan"
    # The lead correcting their own override needs no new reason, and it stays an override.
    roster.set_score(demo, "L1", "E1", "B1", "Q1", "3", RATIONALE + " Revised.", entered_by=lead)
    assert demo.load().lot("L1").scores[0].override_reason == "Misread the mobilisation plan"
