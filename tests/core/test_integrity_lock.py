"""Recommend the award, lock the tender (everything refused), unlock with a reason (audited)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from workbench.details import set_status, update_details
from workbench.domain import ModeratedScore
from workbench.errors import ReadOnlyError, ValidationError
from workbench.storage import TenderFile, audit
from workbench.storage.records import moderated_row
from workbench.tender_lock import lock_tender, recommend_award, status, unlock_tender

STAMP = "2026-11-20T10:00:00+00:00"


def moderate_everything(tf: TenderFile) -> None:
    """Agree a consensus on every scored cell still open (as a moderation meeting would)."""
    with tf.action("Moderate the rest"):
        done = {(m["lot_id"], m["bidder_id"], m["criterion_id"]) for m in tf.rows("moderated")}
        for score in tf.rows("scores"):
            key = (score["lot_id"], score["bidder_id"], score["criterion_id"])
            if key not in done:
                done.add(key)
                tf.put("moderated", moderated_row(score["lot_id"], ModeratedScore(
                    score["bidder_id"], score["criterion_id"], Decimal(score["score"]),
                    "agreed", "Chair", STAMP, ["Chair"])))


@pytest.fixture
def recommended(demo_tender: Path) -> Path:
    with TenderFile.open(demo_tender) as tf:
        moderate_everything(tf)
        recommend_award(tf, "Panel agreed the ranking on 20 November")
    return demo_tender


def test_recommendation_is_refused_while_results_are_provisional(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        with pytest.raises(ValidationError, match=r"lot L2 .* provisional results"):
            recommend_award(tf)
        assert status(tf) == "moderation"


def test_recommendation_names_each_lots_winner_in_the_audit_trail(recommended: Path) -> None:
    with TenderFile.open(recommended) as tf:
        assert status(tf) == "award_recommended"
        last = audit.entries(tf.db)[-1]
    assert last["action"].startswith("Recommend award — L1: ")
    assert "; L2: " in last["action"]
    assert last["reason"] == "Panel agreed the ranking on 20 November"


def test_lock_needs_a_recommendation_first(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf, \
            pytest.raises(ValidationError, match="recommend the award before locking"):
        lock_tender(tf)


def test_locked_tender_refuses_every_change_even_after_reopening(recommended: Path) -> None:
    with TenderFile.open(recommended) as tf:
        seq, digest = lock_tender(tf, "Approved by the head of service")
        assert (seq, digest) == audit.last_hash(tf.db)
        assert tf.read_only
        with pytest.raises(ReadOnlyError, match="the tender is locked"):
            update_details(tf, title="Changed")
    with TenderFile.open(recommended) as tf:
        before = tf.load()
        assert tf.read_only and "locked" in tf.read_only_reason
        with pytest.raises(ReadOnlyError, match="the tender is locked"):
            set_status(tf, "moderation")
        assert tf.load() == before


def test_storage_refuses_an_unlock_that_smuggles_other_changes(recommended: Path) -> None:
    with TenderFile.open(recommended) as tf:
        lock_tender(tf)
        count = len(audit.entries(tf.db))
        with pytest.raises(ReadOnlyError, match="locked"), \
                tf.action("Unlock and edit", reason="a perfectly good reason"):
            tf.update("tender", {"id": 1}, status="award_recommended", title="Sneaky")
        with pytest.raises(ReadOnlyError, match="locked"), \
                tf.action("Unlock and rescore", reason="a perfectly good reason"):
            tf.update("tender", {"id": 1}, status="award_recommended")
            tf.delete("moderated", tf.rows("moderated")[0])
        assert status(tf) == "locked"
        assert len(audit.entries(tf.db)) == count


def test_unlock_needs_a_written_reason_and_is_audited(recommended: Path) -> None:
    with TenderFile.open(recommended, user="Jane Smith (jsmith)") as tf:
        lock_tender(tf)
        with pytest.raises(ValidationError, match="say why"):
            unlock_tender(tf, "   oops  ")
        with pytest.raises(ReadOnlyError, match="locked: unlocking it needs a written reason"), \
                tf.action("Status: award recommended"):
            tf.update("tender", {"id": 1}, status="award_recommended")
        unlock_tender(tf, "Bidder B2's price was keyed wrongly; correcting it")
        assert status(tf) == "award_recommended"
        assert not tf.read_only
        update_details(tf, title="Now editable again")
        trail = audit.entries(tf.db)
    unlock = next(e for e in trail if e["action"] == "Unlock tender")
    assert unlock["reason"] == "Bidder B2's price was keyed wrongly; correcting it"
    assert unlock["user"] == "Jane Smith (jsmith)"
    with TenderFile.open(recommended) as tf:
        assert tf.integrity_problem == ""


def test_locking_by_a_plain_status_change_also_locks(recommended: Path) -> None:
    with TenderFile.open(recommended) as tf:
        set_status(tf, "locked")
        assert tf.read_only
        with pytest.raises(ReadOnlyError):
            update_details(tf, title="x")


def test_unlocking_an_open_tender_is_refused(recommended: Path) -> None:
    with TenderFile.open(recommended) as tf, \
            pytest.raises(ValidationError, match="not locked"):
        unlock_tender(tf, "no reason to be here at all")
