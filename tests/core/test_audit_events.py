"""The pack's audit summary lists what an approver needs, read from the real trail and PDF."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.core import stage_support as walk
from tests.core.test_stage import pdf_text
from tests.core.test_storage_upgrade import FIXTURE

from workbench import audit_events
from workbench.award_record import set_award_notice
from workbench.demo import create_demo
from workbench.domain import TenderData
from workbench.model.seal import seal, unseal
from workbench.panel.roster import set_score
from workbench.reports.facts import from_file
from workbench.reports.pack import write_pack
from workbench.storage import TenderFile
from workbench.storage.backup import list_backups
from workbench.storage.restore import restore


def pack_text(path: Path, out: Path) -> str:
    with TenderFile.open(path, read_only=True) as tf:
        write_pack(from_file(tf), out)
    text = pdf_text(out)
    return text[text.index("Audit summary The audit trail"):text.index("Sign-off By signing")]


def kinds(path: Path) -> list[str]:
    with TenderFile.open(path, read_only=True) as tf:
        return [e.kind for e in audit_events.read(tf, tf.load()).events]


def test_the_audit_summary_lists_the_approvers_events_in_order(
        tmp_path: Path, demo_data: TenderData) -> None:
    path = walk.sealed_demo(tmp_path / "t.tender", demo_data)
    with TenderFile.open(path, user="lead") as tf:
        unseal(tf, "Q3's descriptor was published with a typing error")
        seal(tf)
    packs = walk.issue_packs(path, tmp_path / "packs")
    walk.return_packs(path, packs)
    walk.override_one(path)
    walk.moderate(path, 0)
    walk.change_first_agreed(path)
    walk.moderate(path, 1)
    walk.award_and_lock(path)
    with TenderFile.open(path, user="lead") as tf:
        set_award_notice(tf, "2026-12-03")
    text = pack_text(path, tmp_path / "pack.pdf")
    expected = [
        "The audit trail verifies.",
        "When (UTC) Who What Reason given",
        "Tender file created",
        "lead Evaluation plan sealed, fingerprint",
        "Evaluation plan unsealed Q3's descriptor was published with a typing error",
        "Scoring packs (xlsx) issued to Priya Raman, Gareth Llewellyn, Funmi Adeyemi",
        "Scoring pack from Priya Raman merged: 45 scores, submitted",
        "Scoring pack from Gareth Llewellyn merged: 35 scores, submitted",
        "Priya Raman's score on Q1 for Café Connect CIC (Lot 1: Social prescribing link "
        "workers): 3 → 4 (entered by lead) Evaluator confirmed by email that appendix C was "
        "missed",
        "Moderation meeting on Lot 1: Social prescribing link workers opened, chaired by Priya "
        "Raman; attending: Priya Raman, Gareth Llewellyn, Funmi Adeyemi",
        "Agreed score on Q1 for Café Connect CIC (Lot 1: Social prescribing link workers): 3 → "
        "4 The panel re-read the mobilisation plan after the break",
        "Moderation meeting on Lot 2",
        "Recommend award — L1: Café Connect CIC",
        "Tender locked Award approved at the commissioning board",
        "Set award notice date to 2026-12-03",
        "Besides these, 45 routine actions (45 records)",
    ]
    at = 0
    for line in expected:
        found = text.find(line, at)
        assert found >= 0, f"{line!r} not found after {text[at - 80:at]!r}"
        at = found + len(line)
    assert "Rows changed" not in text and "grouped" not in text


def test_many_overrides_are_grouped_per_person(tmp_path: Path, demo_data: TenderData) -> None:
    path = walk.sealed_demo(tmp_path / "t.tender", demo_data)
    walk.return_packs(path, walk.issue_packs(path, tmp_path / "packs"))
    with TenderFile.open(path, user="lead") as tf:
        lot = tf.load().lots[0]
        for n, (bidder, question) in enumerate(
                (b.id, q) for b in lot.bidders for q in ("Q1", "Q2", "Q3")):
            if n < audit_events.CAP + 3:
                set_score(tf, lot.id, "E1", bidder, question, 4, "The lead's own reading of "
                          "the evidence offered.", entered_by="lead",
                          reason="Panel chair's note: the evaluator misread the scale")
    text = pack_text(path, tmp_path / "pack.pdf")
    assert "15 score overrides (whose scores: Priya Raman 15) see the audit trail" in text
    assert (f"More than {audit_events.CAP} events of some kinds (score overrides) are grouped, "
            "one line per person who made them; each is listed in the audit trail (Audit view, "
            "or workbench-cli audit), and every override with its reason in the appendix.") \
        in text
    assert "Priya Raman's score on Q1" not in text


def test_a_change_to_a_submitted_score_is_listed(tmp_path: Path,
                                                 demo_data: TenderData) -> None:
    path = walk.sealed_demo(tmp_path / "t.tender", demo_data)
    with TenderFile.open(path, user="lead") as tf:
        for score in (3, 2):  # entered by the lead for the evaluator, then changed
            set_score(tf, "L1", "E2", "B1", "Q1", score, f"Read from the paper form: {score}.",
                      entered_by="lead")
        events = audit_events.read(tf, tf.load()).events
    change = events[-1]
    assert change.kind == "changed_after_submission"
    assert change.what == ("Gareth Llewellyn's submitted score on Q1 for Café Connect CIC "
                           "(Lot 1: Social prescribing link workers): 3 → 2")


def test_upgrades_and_restores_are_events(tmp_path: Path, demo_data: TenderData) -> None:
    old = tmp_path / "homecare.tender"
    shutil.copyfile(FIXTURE, old)
    TenderFile.open(old, user="lead").close()
    assert "upgrade" in kinds(old)
    path = walk.sealed_demo(tmp_path / "t.tender", demo_data)
    walk.return_packs(path, walk.issue_packs(path, tmp_path / "packs"))  # backs up first
    restore(path, list_backups(path)[0], "lead")
    assert kinds(path)[-1] == "restore"


def test_a_tender_created_sealed_says_since_when(tmp_path: Path) -> None:
    create_demo(tmp_path / "demo.tender", user="lead").close()
    with TenderFile.open(tmp_path / "demo.tender", read_only=True) as tf:
        first = audit_events.read(tf, tf.load()).events[0]
    assert first.what == ("Tender file created (Create demo tender); evaluation plan sealed on "
                          "30 Oct 2026 16:00")
