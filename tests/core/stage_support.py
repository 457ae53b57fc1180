"""A demo tender walked through its stages with the app's core functions, as a lead would:
sealed, packs out (Excel, filled as an evaluator would), merged, one score overridden, every
item agreed in a meeting per lot (one agreed score changed), award recommended, locked."""

from __future__ import annotations

from pathlib import Path

from tests.core.test_packs_support import fill_workbook, new_tender, unscored

from workbench.moderation.consensus import agree, change_agreed, open_meeting, start_meeting
from workbench.panel.merge import merge_packs
from workbench.panel.packs import create_packs
from workbench.panel.roster import set_score
from workbench.storage import TenderFile
from workbench.tender_lock import lock_tender, recommend_award

RATIONALE = "Agreed after discussion of the evidence against the published scale."


def sealed_demo(path: Path, demo_data) -> Path:
    """The demo's panel and model, nothing scored yet, its plan sealed."""
    return new_tender(path, unscored(demo_data))


def issue_packs(path: Path, folder: Path) -> list[Path]:
    with TenderFile.open(path, user="lead") as tf:
        return create_packs(tf, folder, "xlsx")


def return_packs(path: Path, packs: list[Path], rows: int | None = None) -> None:
    """Each evaluator fills their workbook (the first `rows` rows only) and it is merged."""
    for pack in packs:
        fill_workbook(pack, 3, final=rows is None, rows=rows)
    with TenderFile.open(path, user="lead") as tf:
        report = merge_packs(tf, packs)
        assert not [r.problems for r in report.results if r.problems], report


def override_one(path: Path) -> None:
    """The lead changes Priya Raman's submitted mark on Q1 for the first bidder of lot 1."""
    with TenderFile.open(path, user="lead") as tf:
        lot = tf.load().lots[0]
        bidder = lot.bidders[0].id
        set_score(tf, lot.id, "E1", bidder, "Q1", 4, "The lead's own reading: the plan is "
                  "costed in full in appendix C.", entered_by="lead",
                  reason="Evaluator confirmed by email that appendix C was missed")


def moderate(path: Path, lot_index: int) -> None:
    """A meeting agrees every scored item of one lot at 3."""
    with TenderFile.open(path, user="lead") as tf:
        lot = tf.load().lots[lot_index]
        start_meeting(tf, lot.id, "Priya Raman", ["Gareth Llewellyn", "Funmi Adeyemi"])
        meeting = open_meeting(tf, lot.id)
        assert meeting is not None
        for bidder in (b for b in lot.bidders if not b.withdrawn):
            for c in (c for c in lot.all_criteria() if c.kind == "scored"):
                agree(tf, meeting.id, bidder.id, c.id, 3, RATIONALE)


def change_first_agreed(path: Path) -> None:
    """Lot 1's first agreed score is changed to 4, with a reason (its meeting still open)."""
    with TenderFile.open(path, user="lead") as tf:
        lot = tf.load().lots[0]
        meeting = open_meeting(tf, lot.id)
        assert meeting is not None
        change_agreed(tf, meeting.id, lot.bidders[0].id, "Q1", 4, RATIONALE + " Revisited.",
                      "The panel re-read the mobilisation plan after the break")


def award_and_lock(path: Path) -> None:
    with TenderFile.open(path, user="lead") as tf:
        recommend_award(tf, "Results final; approved by the head of procurement")
        lock_tender(tf, "Award approved at the commissioning board")
