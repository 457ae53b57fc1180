"""The consensus record on a real tender file: meetings, agreeing, changing, parking, undo."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.details import set_status
from workbench.errors import ReadOnlyError, ValidationError
from workbench.moderation.consensus import (
    agree,
    change_agreed,
    end_meeting,
    meetings,
    open_meeting,
    park,
    parked_items,
    progress,
    read_rules,
    set_flag_rule,
    start_meeting,
    unpark,
)
from workbench.storage import TenderFile
from workbench.storage.changes import revert

RATIONALE = "Clear plan for step-free venues; outreach is thin, so not excellent."
PANEL = ["Priya Raman", "Gareth Llewellyn", "Funmi Adeyemi"]


@pytest.fixture
def tf(demo_tender: Path) -> Iterator[TenderFile]:
    with TenderFile.open(demo_tender, user="tester") as opened:
        yield opened


@pytest.fixture
def meeting(tf: TenderFile) -> str:
    start_meeting(tf, "L2", "Priya Raman", PANEL[1:])
    found = open_meeting(tf, "L2")
    assert found is not None
    return found.id


def _audit(tf: TenderFile, entity: str) -> list[dict]:
    return list(tf.db.query("SELECT * FROM audit WHERE entity = ? ORDER BY seq", [entity]))


def test_meeting_records_chair_and_attendees(tf: TenderFile, meeting: str) -> None:
    (m,) = meetings(tf, "L2")
    assert (m.id, m.chair, m.open) == (meeting, "Priya Raman", True)
    assert m.attendees == tuple(PANEL)  # the chair counts among the attendees, once
    with pytest.raises(ValidationError, match="already in progress"):
        start_meeting(tf, "L2", "Someone", [])
    with pytest.raises(ValidationError, match="name the chair"):
        start_meeting(tf, "L1", "  ", PANEL)
    with pytest.raises(ValidationError, match="no lot 'L9'"):
        start_meeting(tf, "L9", "Priya Raman", PANEL)
    end_meeting(tf, meeting)
    assert open_meeting(tf, "L2") is None
    start_meeting(tf, "L2", "Gareth Llewellyn", [])
    assert [x.id for x in meetings(tf, "L2")] == [meeting, "M2"]


def test_agree_records_who_when_why_and_leaves_originals(tf: TenderFile, meeting: str) -> None:
    originals = tf.rows("scores")
    agree(tf, meeting, "B3", "Q3", "3", RATIONALE)
    (row,) = tf.rows("moderated", "lot_id = 'L2' AND bidder_id = 'B3' AND criterion_id = 'Q3'")
    assert (row["score"], row["rationale"], row["agreed_by"]) == ("3", RATIONALE, "Priya Raman")
    assert json.loads(row["attendees"]) == PANEL
    assert row["agreed_at"].startswith("20")
    assert tf.rows("scores") == originals
    last = _audit(tf, "moderated")[-1]
    assert last["action"] == "Agree Meridian Care Group plc on Q3: 3"
    assert last["before"] is None and json.loads(last["after"])["score"] == "3"


@pytest.mark.parametrize(("score", "rationale", "message"), [
    ("", RATIONALE, "Meridian Care Group plc on Q3: type the score the panel agreed"),
    ("7", RATIONALE, "7 is not on the scale Standard 0–5 (0, 1, 2, 3, 4, 5)"),
    ("three", RATIONALE, "the agreed score must be a number"),
    ("3", "  ", "write why the panel agreed this score"),
    ("3", "Fine.", "at least 20 characters; 5 so far"),
])
def test_bad_consensus_is_refused_and_nothing_written(tf: TenderFile, meeting: str, score: str,
                                                     rationale: str, message: str) -> None:
    before = tf.db.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    with pytest.raises(ValidationError, match=re.escape(message)):
        agree(tf, meeting, "B3", "Q3", score, rationale)
    assert tf.db.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == before
    assert not tf.rows("moderated", "lot_id = 'L2' AND criterion_id = 'Q3'")


def test_agree_needs_an_open_meeting_and_a_scored_item(tf: TenderFile, meeting: str) -> None:
    with pytest.raises(ValidationError, match="only scored criteria"):
        agree(tf, meeting, "B3", "P", "3", RATIONALE)
    with pytest.raises(ValidationError, match="no bidder 'B9'"):
        agree(tf, meeting, "B9", "Q3", "3", RATIONALE)
    with pytest.raises(ValidationError, match="already agreed at 4; give a reason"):
        agree(tf, meeting, "B1", "Q1", "4", RATIONALE)
    end_meeting(tf, meeting)
    with pytest.raises(ValidationError, match="has ended"):
        agree(tf, meeting, "B3", "Q3", "3", RATIONALE)
    with pytest.raises(ValidationError, match="no meeting 'M7'"):
        agree(tf, "M7", "B3", "Q3", "3", RATIONALE)


def test_change_needs_a_reason_and_keeps_the_history(tf: TenderFile, meeting: str) -> None:
    agree(tf, meeting, "B3", "Q3", "3", RATIONALE)
    with pytest.raises(ValidationError, match="say why the agreed score is changing"):
        change_agreed(tf, meeting, "B3", "Q3", "4", RATIONALE, " ")
    with pytest.raises(ValidationError, match="nothing to change"):
        change_agreed(tf, meeting, "B3", "Q3", "3", RATIONALE, "typo")
    with pytest.raises(ValidationError, match="no agreed score yet"):
        change_agreed(tf, meeting, "B4", "Q3", "3", RATIONALE, "typo")
    change_agreed(tf, meeting, "B3", "Q3", "4", RATIONALE + " Revisited.", "Mixed up with B4")
    last = _audit(tf, "moderated")[-1]
    assert last["reason"] == "Mixed up with B4"
    assert last["action"] == "Change agreed score of Meridian Care Group plc on Q3: 3 → 4"
    assert (json.loads(last["before"])["score"], json.loads(last["after"])["score"]) == ("3", "4")


def test_park_unpark_and_agreeing_a_parked_item(tf: TenderFile, meeting: str) -> None:
    park(tf, "L2", "B3", "Q3", "  waiting for HR on TUPE ")
    (parked,) = parked_items(tf, "L2").values()
    assert (parked.bidder, parked.criterion, parked.note) == ("B3", "Q3", "waiting for HR on TUPE")
    unpark(tf, "L2", "B3", "Q3")
    assert parked_items(tf, "L2") == {}
    park(tf, "L2", "B3", "Q3")
    agree(tf, meeting, "B3", "Q3", "3", RATIONALE)
    assert parked_items(tf, "L2") == {}
    with pytest.raises(ValidationError, match="already agreed; there is nothing to park"):
        park(tf, "L2", "B3", "Q3")


def test_revert_undoes_agree_and_change_exactly(tf: TenderFile, meeting: str) -> None:
    park(tf, "L2", "B3", "Q3", "later")
    agree(tf, meeting, "B3", "Q3", "3", RATIONALE)
    revert(tf, tf.last_change, "Undo: agree")
    assert not tf.rows("moderated", "lot_id = 'L2' AND criterion_id = 'Q3'")
    assert parked_items(tf, "L2")[("B3", "Q3")].note == "later"
    agree(tf, meeting, "B3", "Q3", "3", RATIONALE)
    first = tf.rows("moderated", "lot_id = 'L2' AND criterion_id = 'Q3'")
    change_agreed(tf, meeting, "B3", "Q3", "2", RATIONALE, "re-read the answer")
    revert(tf, tf.last_change, "Undo: change")
    assert tf.rows("moderated", "lot_id = 'L2' AND criterion_id = 'Q3'") == first
    assert _audit(tf, "moderated")[-1]["action"] == "Undo: change"


def test_progress_counts_agreed_items_per_lot_and_question(tf: TenderFile, meeting: str) -> None:
    whole, *per = progress(tf.load().lot("L2"))
    assert (whole.agreed, whole.total, whole.done) == (10, 20, False)
    assert [(p.criterion.id, p.agreed, p.total) for p in per if p.criterion] == [
        ("Q1", 5, 5), ("Q2", 5, 5), ("Q3", 0, 5), ("SV1", 0, 5)]
    for bidder in ("B1", "B2", "B3", "B4", "B5"):
        for criterion in ("Q3", "SV1"):
            agree(tf, meeting, bidder, criterion, "3", RATIONALE)
    assert progress(tf.load().lot("L2"))[0].done


def test_flag_rule_is_validated_and_audited(tf: TenderFile) -> None:
    set_flag_rule(tf, "25", "percent")
    rules = read_rules(tf)
    assert (str(rules.spread_threshold), rules.spread_unit) == ("25", "percent")
    for value, unit, message in (("0", "points", "more than 0"), ("120", "percent", "at most"),
                                 ("x", "points", "must be a number"),
                                 ("2", "stones", "points or percent")):
        with pytest.raises(ValidationError, match=message):
            set_flag_rule(tf, value, unit)


def test_a_locked_tender_refuses_moderation(tf: TenderFile, meeting: str) -> None:
    set_status(tf, "locked", reason="award approved")
    with pytest.raises(ReadOnlyError, match="the tender is locked"):
        agree(tf, meeting, "B3", "Q3", "3", RATIONALE)
    with pytest.raises(ReadOnlyError, match="the tender is locked"):
        park(tf, "L2", "B3", "Q3")
