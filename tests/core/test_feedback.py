"""Bidder feedback: written only for agreed scores, one audited and revertible action, and the
one check that warns where a bidder would read what it must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.domain import TenderData
from workbench.errors import ValidationError
from workbench.moderation.feedback import check, missing, review, set_feedback
from workbench.storage import TenderFile
from workbench.storage.changes import revert


def kinds(text: str, data: TenderData, bidder: str = "B1") -> list[str]:
    return [w.kind for w in check(text, data, data.lots[0], bidder)]


@pytest.mark.parametrize(("text", "kind"), [
    ("Priya Raman thought the plan thin.", "evaluator"),
    ("Gareth was not persuaded by the costing.", "evaluator"),
    ("The finance evaluator's venue risk was discussed.", "role"),
    ("Both evaluators' marks agreed.", "role"),
    ("The chair reviewed the lower mark.", "role"),
    ("The Finance Business Partner queried the costs.", "role"),
    ("A conflict of interest was managed.", "conflict"),
    ("The declared mark was reviewed.", "conflict"),
    ("Meridian Care Group plc offered more local jobs.", "other bidder"),
    ("Unlike Meridian Care Group, you did not say how.", "other bidder"),
    ("Riverside Neighbourhood Trust (lot 2) was stronger.", "other bidder"),
    ("The lowest price was £648,000.", "other price"),
    ("Another bid came in at 648000.", "other price"),
    ("A bid of £648k was cheaper.", "other price"),
])
def test_each_pattern_warns(demo_data: TenderData, text: str, kind: str) -> None:
    assert kind in kinds(text, demo_data)


def test_plain_feedback_raises_no_warning(demo_data: TenderData) -> None:
    text = ("A strong, well-staffed model with evening access. Absence cover was less developed. "
            "Your price of £684,000 was scored on the published formula; the wheelchair access "
            "plan at Café Connect CIC venues is good.")
    assert kinds(text, demo_data) == []


def test_the_demo_feedback_is_clean_and_its_rationales_are_not(demo_data: TenderData) -> None:
    items = review(demo_data)
    assert len(items) == sum(len(lot.moderated) for lot in demo_data.lots) == 35
    assert not any(item.warnings or item.missing for item in items)
    flagged = [m for lot in demo_data.lots for m in lot.moderated
               if check(m.rationale, demo_data, lot, m.bidder)]
    assert len(flagged) >= 4  # the declared evaluator, the finance evaluator...


def test_feedback_is_written_for_agreed_scores_only_and_reverts(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, user="chair") as tf:
        with pytest.raises(ValidationError, match="not agreed a score yet"):
            set_feedback(tf, "L2", "B1", "Q3", "Good.")
        before = tf.get("moderated", {"lot_id": "L1", "bidder_id": "B2", "criterion_id": "Q1"})
        set_feedback(tf, "L1", "B2", "Q1", "  Clear plan; caseloads high.  ")
        change = tf.last_change
        assert change.description == ("Write feedback to Hartley & Moss Community Health Ltd "
                                      "on Q1 (lot L1)")
        lot = tf.load().lots[0]
        assert next(m.feedback for m in lot.moderated
                    if (m.bidder, m.criterion) == ("B2", "Q1")) == "Clear plan; caseloads high."
        assert tf.last_action_on("moderated", before) == change.description
        revert(tf, change, "Undo: write feedback")
        assert tf.get("moderated", {"lot_id": "L1", "bidder_id": "B2",
                                    "criterion_id": "Q1"}) == before
        set_feedback(tf, "L1", "B2", "Q1", "")
        assert missing(tf.load().lots[0], "B2") == ["Q1"]
