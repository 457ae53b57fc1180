"""The tender's stage follows what the file holds, and every report prints that one stage."""

from __future__ import annotations

import subprocess
from pathlib import Path

from openpyxl import load_workbook
from tests.core import stage_support as walk

from workbench.checklist import checklist
from workbench.demo import create_demo
from workbench.domain import TenderData
from workbench.exchange.results_xlsx import write_results_xlsx
from workbench.model.seal import seal_state, unseal
from workbench.panel.roster import add_evaluator, set_assignments
from workbench.reports.facts import from_file
from workbench.reports.pack import write_pack
from workbench.stage import Stage
from workbench.storage import TenderFile


def stage_of(path: Path) -> Stage:
    with TenderFile.open(path, read_only=True) as tf:
        return from_file(tf).stage


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def test_an_unsealed_plan_is_being_set_up(demo_tender: Path) -> None:
    now = stage_of(demo_tender)
    assert (now.key, now.label) == ("setup", "Setting up")
    assert "the plan was unsealed after scoring began" in now.detail  # the demo has scores


def test_each_stage_is_read_from_the_file(tmp_path: Path, demo_data: TenderData) -> None:
    path = walk.sealed_demo(tmp_path / "t.tender", demo_data)
    assert stage_of(path).key == "sealed"
    packs = walk.issue_packs(path, tmp_path / "packs")
    now = stage_of(path)
    assert (now.key, now.label, now.missing) == ("scoring", "Scoring in progress", 125)
    assert now.detail == "0 of 125 assigned scores submitted, 125 to come"
    walk.return_packs(path, packs, rows=5)  # drafts merged: nothing submitted yet
    assert stage_of(path).missing == 125
    walk.return_packs(path, packs)
    now = stage_of(path)
    assert (now.key, now.label, now.missing) == ("scoring", "Scores in, moderation not started",
                                                 0)
    walk.moderate(path, 0)
    now = stage_of(path)
    assert now.key == "moderation"
    assert now.text == "Moderation in progress (25 of 45 consensus scores agreed)"
    walk.moderate(path, 1)
    now = stage_of(path)
    assert now.text == ("Results final (every lot's results are final; award not yet "
                        "recommended)")
    with TenderFile.open(path, read_only=True) as tf:
        assert tf.tender().status == "scoring"  # as stored when the packs went out
    walk.award_and_lock(path)
    assert stage_of(path).key == "locked"


def test_a_price_reviewer_owes_no_scores(tmp_path: Path, demo_data: TenderData) -> None:
    path = walk.sealed_demo(tmp_path / "t.tender", demo_data)
    walk.return_packs(path, walk.issue_packs(path, tmp_path / "packs"))
    with TenderFile.open(path, user="lead") as tf:
        add_evaluator(tf, "Dana Okafor", "Price reviewer", evaluator_id="E9")
        set_assignments(tf, "L1", True, evaluators=["E9"], criteria=["P"])
        data = tf.load()
        scores_in = next(i for i in checklist(data, seal_state(tf, data))
                         if i.label == "Scores are in")
    assert scores_in.done, scores_in.detail
    now = stage_of(path)
    assert (now.key, now.missing, now.label) == ("scoring", 0,
                                                 "Scores in, moderation not started")


def test_unsealing_after_scoring_is_set_up_again(tmp_path: Path, demo_data: TenderData) -> None:
    path = walk.sealed_demo(tmp_path / "t.tender", demo_data)
    walk.issue_packs(path, tmp_path / "packs")
    with TenderFile.open(path, user="lead") as tf:
        unseal(tf, "Q3's descriptor was published with a typing error")
    now = stage_of(path)
    assert now.key == "setup" and "seal it again" in now.detail


def test_a_moderated_tender_never_says_scoring_beside_final_results(
        tmp_path: Path, demo_data: TenderData) -> None:
    path = walk.sealed_demo(tmp_path / "t.tender", demo_data)
    walk.return_packs(path, walk.issue_packs(path, tmp_path / "packs"))
    walk.moderate(path, 0)
    walk.moderate(path, 1)
    with TenderFile.open(path, read_only=True) as tf:
        facts = from_file(tf)
        write_pack(facts, tmp_path / "pack.pdf")
        write_results_xlsx(facts, tmp_path / "results.xlsx")
    text = pdf_text(tmp_path / "pack.pdf")
    assert "Scoring in progress" not in text and "PROVISIONAL" not in text
    assert "Status Results final (every lot's results are final; award not yet recommended)" \
        in text  # the cover
    assert "Status of the tender: Results final" in text  # the tender summary
    sheet = load_workbook(tmp_path / "results.xlsx", read_only=True).worksheets[0]
    cells = {row[0]: row[1] for row in sheet.iter_rows(max_row=8, max_col=2, values_only=True)}
    assert cells["Status"].startswith("Results final")
    assert cells["Results"] == "Final"


def test_the_part_moderated_demo_is_in_moderation(tmp_path: Path) -> None:
    """The demo as bundled: lot 1 agreed, lot 2 not; its plan sealed."""
    with create_demo(tmp_path / "demo.tender", user="lead") as tf:
        facts = from_file(tf)
        write_pack(facts, tmp_path / "pack.pdf")
    assert facts.stage.text == "Moderation in progress (35 of 45 consensus scores agreed)"
    text = pdf_text(tmp_path / "pack.pdf")
    assert "Status of the tender: Moderation in progress" in text
    assert "Scoring in progress" not in text
