"""Conflicts are about bidders: an evaluator who is a trustee of one bidder takes no part on
that bidder, and everything else she does counts.

Funmi Adeyemi (E3) is a trustee of Riverside Neighbourhood Trust (L2/B2). The tender is sealed
and unscored; packs go out; she declares in her pack and scores the rest.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.core.test_packs_support import new_tender, rationale_for, unscored

from workbench.checklist import checklist
from workbench.domain import TenderData
from workbench.errors import ValidationError
from workbench.model.seal import seal_state
from workbench.moderation.consensus import agree, open_meeting, start_meeting
from workbench.moderation.flags import Rules, lot_items
from workbench.panel import roster
from workbench.panel.merge import merge_packs
from workbench.panel.packs import create_packs, pack_data, pack_identity, pack_items, submit_pack
from workbench.scoring.results import compute_lot
from workbench.storage import TenderFile

TRUSTEE = "Trustee of Riverside Neighbourhood Trust since 2021"


@pytest.fixture
def tender(tmp_path: Path, demo_data: TenderData) -> Path:
    return new_tender(tmp_path / "hubs.tender", unscored(demo_data))


def _declare_in_pack(pack: Path, blind_code: str | None = None) -> None:
    with TenderFile.open(pack, user="funmi") as tf:
        roster.declare_conflict(tf, "L1", "E3", "none", declared_on="2026-12-01")
        roster.declare_conflict(tf, "L2", "E3", "declared", TRUSTEE, "Takes no part on it",
                                "2026-12-01", [blind_code or "B2"])


def _score_all_and_submit(pack: Path) -> int:
    with TenderFile.open(pack, user="funmi") as tf:
        identity = pack_identity(tf)
        assert identity is not None
        owed = pack_items(tf.load(), "E3")
        for item in owed:
            roster.set_score(tf, item.lot_id, "E3", item.bidder_id, item.criterion_id, 3,
                             rationale_for("E3", item.criterion_id, item.bidder_label),
                             entered_by="E3")
        submit_pack(tf)
        return len(owed)


def test_a_bidder_conflict_declared_in_the_pack_follows_it_everywhere(tender: Path,
                                                                      tmp_path: Path) -> None:
    with TenderFile.open(tender, user="lead") as tf:
        pack = create_packs(tf, tmp_path, "tender", ["E3"])[0]
    _declare_in_pack(pack)
    with TenderFile.open(pack, user="funmi") as tf:
        # The conflicted bidder is out of what she owes and cannot be scored...
        assert not [i for i in pack_items(tf.load(), "E3") if (i.lot_id, i.bidder_id) ==
                    ("L2", "B2")]
        with pytest.raises(ValidationError, match="Funmi Adeyemi declared a conflict with "
                           "Riverside Neighbourhood Trust on Lot 2"):
            roster.set_score(tf, "L2", "E3", "B2", "Q1", 3, rationale_for("E3", "Q1", "B2"),
                             entered_by="E3")
    # ...and submitting does not wait for it: every other mark she owes counts.
    owed = _score_all_and_submit(pack)
    assert owed == 25 + 4 * 4  # lot 1 in full; lot 2 without Riverside
    with TenderFile.open(tender, user="lead") as tf:
        report = merge_packs(tf, [pack])
        assert report.results[0].problems == []
        register = roster.conflicts(tf)
        assert register[("L2", "E3")].bidders == ("B2",)
        assert register[("L1", "E3")].status == "none"
        recorded = [r["after"] for r in tf.db.query(
            "SELECT after FROM audit WHERE entity = 'lot_conflicts' AND action = "
            "'Merge scoring pack from Funmi Adeyemi'")]
        assert any('"bidders":"[\\"B2\\"]"' in after and TRUSTEE in after for after in recorded)
        data = tf.load()
        lot2 = data.lot("L2")
        assert lot2 is not None and lot2.recused("E3", "B2") and not lot2.recused("E3", "B1")
        # The checklist counts what is really owed: her Riverside marks are not missing.
        scores_in = next(i for i in checklist(data, seal_state(tf, data)) if
                         i.label == "Scores are in")
        assert scores_in.detail.startswith(f"{owed} of ")


def test_the_lead_declares_first_and_the_pack_leaves_the_bidder_out(tender: Path,
                                                                    tmp_path: Path) -> None:
    with TenderFile.open(tender, user="lead") as tf:
        roster.declare_conflict(tf, "L2", "E3", "declared", TRUSTEE, "", "2026-11-20", ["B2"])
        data = tf.load()
        view = pack_data(data, "E3", blind=False)
        assert [b.name for b in view.lot("L2").bidders] == [
            "Café Connect CIC", "Meridian Care Group plc", "Northbridge College",
            "Greenway Hubs Ltd"]
        # Coverage names who is left on the question for that bidder.
        warnings = roster.coverage_warnings(data, roster.conflicts(tf), min_evaluators=3)
        assert ("Lot 2: Community wellbeing hubs: only 2 evaluator(s) score Q1 for Riverside "
                "Neighbourhood Trust (Funmi Adeyemi: conflict declared); the tender asks for "
                "at least 3") in warnings
        pack = create_packs(tf, tmp_path, "xlsx", ["E3"])[0]
    assert b"Riverside" not in pack.read_bytes()  # nowhere in the workbook, not even zipped
    import zipfile
    with zipfile.ZipFile(pack) as z:
        assert not any(b"Riverside" in z.read(name) for name in z.namelist())


def test_a_conflict_cannot_be_declared_after_scoring_the_bidder(tender: Path) -> None:
    with TenderFile.open(tender, user="lead") as tf:
        roster.set_score(tf, "L2", "E3", "B2", "Q1", 3, rationale_for("E3", "Q1", "B2"),
                         entered_by="lead")
        with pytest.raises(ValidationError, match="Funmi Adeyemi has already scored Riverside "
                           "Neighbourhood Trust on Lot 2"):
            roster.declare_conflict(tf, "L2", "E3", "declared", TRUSTEE, "", bidders=["B2"])
        with pytest.raises(ValidationError, match="there is no bidder B9"):
            roster.declare_conflict(tf, "L2", "E3", "declared", TRUSTEE, "", bidders=["B9"])


def test_moderation_shows_her_as_not_taking_part_and_records_it(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, user="lead") as tf:
        start = tf.load()
        before = compute_lot(start, start.lots[1])
        # An old declaration, recorded now against the bidder (her marks stay on file).
        with tf.action("Record the trustee conflict"):
            tf.put("lot_conflicts", {"lot_id": "L2", "evaluator_id": "E3", "status": "declared",
                                     "declared_on": "2026-11-03", "nature": TRUSTEE,
                                     "mitigation": "", "bidders": '["B2"]'})
        data = tf.load()
        lot = data.lot("L2")
        assert lot is not None
        items = {i.key: i for i in lot_items(data, lot, Rules())}
        riverside = items[("B2", "Q1")]
        assert riverside.recused == ("E3",)
        assert "E3" not in [m.evaluator for m in riverside.marks]
        assert "E3" in [m.evaluator for m in items[("B1", "Q1")].marks]
        # Her marks on Riverside no longer count towards its provisional result.
        after = compute_lot(data, lot)
        assert before != after
        if open_meeting(tf, "L2") is None:
            start_meeting(tf, "L2", "Dr Amara Okafor", ["Dr Amara Okafor", "Priya Raman"])
        opened = open_meeting(tf, "L2")
        assert opened is not None
        todo = next(i for i in items.values() if i.bidder.id == "B2" and i.agreed is None)
        agree(tf, opened.id, "B2", todo.criterion.id, "3", "Sound plan for accessible venues, "
              "agreed by the panel.")
        row = tf.rows("moderated", "lot_id = 'L2' AND bidder_id = 'B2' AND criterion_id = ?",
                      [todo.criterion.id])[0]
        assert row["recused"] == '["E3"]'


def test_the_interchange_json_carries_the_bidders_of_a_conflict(tender: Path,
                                                                 tmp_path: Path) -> None:
    from workbench.errors import InterchangeError
    from workbench.exchange.interchange import dumps, loads

    with TenderFile.open(tender, user="lead") as tf:
        roster.declare_conflict(tf, "L2", "E3", "declared", TRUSTEE, "", "2026-11-20", ["B2"])
        text = dumps(tf.load())
    assert '"bidders": [\n            "B2"\n          ]' in text or '"bidders": ["B2"]' in text
    copy = new_tender(tmp_path / "copy.tender", loads(text))
    with TenderFile.open(copy, read_only=True) as tf:
        assert roster.conflicts(tf)[("L2", "E3")].bidders == ("B2",)
        assert dumps(tf.load()) == text
    with pytest.raises(InterchangeError, match=r"lots\[L2\]\.conflicts\[E3\]: .*B9"):
        loads(text.replace('"B2"\n', '"B9"\n', 1) if '"B2"\n' in text else
              text.replace('["B2"]', '["B9"]', 1))
