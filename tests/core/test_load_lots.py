"""Reading a tender lot by lot, and applying a score edit to a lot in memory, give exactly what
reading the whole file gives."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from workbench.domain import ModeratedScore
from workbench.panel import roster
from workbench.storage import TenderFile
from workbench.storage.records import moderated_row, patched_lot, score_row


def test_one_lot_is_the_same_as_in_the_whole_tender(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf:
        whole = tf.load()
        assert len(whole.lots) == 2
        for lot in whole.lots:
            alone = tf.load([lot.id])
            assert alone.lots == [lot]
            assert (alone.tender, alone.scales, alone.evaluators) == \
                (whole.tender, whole.scales, whole.evaluators)
            assert tf.load([lot.id], scores=False).lots == [replace(lot, scores=[],
                                                                    moderated=[])]
        assert tf.load([]).lots == []
        assert tf.load(["nope"]).lots == []


@pytest.mark.parametrize("edit", ["new score", "changed score", "deleted score", "new agreed",
                                  "deleted agreed"])
def test_a_patched_lot_equals_the_lot_read_again(demo_tender: Path, edit: str) -> None:
    with TenderFile.open(demo_tender, user="tester") as tf:
        first = tf.load(["L2"]).lots[0].scores[3]
        if edit == "new score":  # a score not there yet: its row is new, mid-list
            with tf.action("Make room"):
                tf.delete("scores", score_row("L2", first))
        lot = tf.load(["L2"]).lots[0]
        as_read = (list(lot.scores), list(lot.moderated))
        with tf.action(edit):
            if edit == "new score":
                tf.put("scores", score_row("L2", first))
            elif edit == "changed score":
                tf.put("scores", score_row("L2", replace(first, rationale="Changed.")))
            elif edit == "deleted score":
                tf.delete("scores", score_row("L2", first))
            elif edit == "new agreed":
                tf.put("moderated", moderated_row("L2", ModeratedScore(
                    first.bidder, first.criterion, first.score, "Agreed.", "Chair",
                    "2026-11-19T10:00:00", ["A", "B"])))
            else:
                agreed = lot.moderated[0] if lot.moderated else None
                if agreed is None:
                    pytest.skip("the demo's lot 2 has no agreed score")
                tf.delete("moderated", moderated_row("L2", agreed))
        changes = [(c.table, c.before, c.after) for c in tf.last_change.changes]
        assert changes, "the edit changed nothing"
        patched = patched_lot(lot, changes)
        assert patched == tf.load(["L2"]).lots[0]
        assert (lot.scores, lot.moderated) == as_read  # shared with views: never changed


def test_anything_but_scores_means_reading_the_lot_again(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, user="tester") as tf:
        lot = tf.load(["L1"]).lots[0]
        bidder = lot.bidders[0]
        with tf.action("Rename"):
            tf.update("bidders", {"lot_id": "L1", "id": bidder.id}, name="Renamed Ltd")
        changes = [(c.table, c.before, c.after) for c in tf.last_change.changes]
        assert patched_lot(lot, changes) is None


def test_set_score_checks_against_its_lot_only(demo_tender: Path) -> None:
    """The score edit is validated as before (scale, assignment) from its lot alone."""
    with TenderFile.open(demo_tender, user="tester") as tf:
        lot = tf.load(["L1"]).lots[0]
        s = lot.scores[0]
        with pytest.raises(Exception, match="not on the"):
            roster.set_score(tf, "L1", s.evaluator, s.bidder, s.criterion, "9",
                             "A long enough rationale for the test.", entered_by="t")
        roster.set_score(tf, "L1", s.evaluator, s.bidder, s.criterion, "1",
                         "A long enough rationale for the test.", entered_by="t",
                         reason="Corrected after the panel's review")
        changed = next(x for x in tf.load(["L1"]).lots[0].scores
                       if (x.evaluator, x.bidder, x.criterion) == (s.evaluator, s.bidder,
                                                                   s.criterion))
        assert str(changed.score) == "1"
