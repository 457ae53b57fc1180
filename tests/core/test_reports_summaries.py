"""Assessment summaries: one per assessed bidder per lot, the bidder's own scores and the
winning tender's, reasons for exclusion, and never a word about another losing bidder."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.domain import TenderData
from workbench.errors import ValidationError
from workbench.reports.facts import from_data
from workbench.reports.summaries import assessed, file_name, write_summaries

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is not installed; "
                                       "scripts/setup installs it")


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())  # lines joined: a name may wrap in a table cell


@pytest.fixture
def written(demo_tender: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "summaries"
    assert main(["summaries", str(demo_tender), "-o", str(folder), "--drafts"]) == 0
    return folder


def test_summaries_are_refused_until_ready_naming_what_is_missing(
        demo_tender: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summaries", str(demo_tender), "-o", str(tmp_path / "s")]) == 1
    err = capsys.readouterr().err
    assert "not ready to send: L2 results are provisional" in err
    assert "feedback missing for" in err and "on Q3, SV1" in err
    assert not (tmp_path / "s").exists()


def test_a_finished_lot_gives_summaries_without_draft_marks(demo_data: TenderData,
                                                           tmp_path: Path) -> None:
    facts = from_data(replace(demo_data, lots=demo_data.lots[:1]))
    paths = write_summaries(facts, tmp_path / "out")
    assert len(paths) == 5
    assert not any("DRAFT" in pdf_text(p) for p in paths)


def test_missing_feedback_makes_a_draft(demo_data: TenderData, tmp_path: Path) -> None:
    lot = demo_data.lots[0]
    moderated = [replace(m, feedback="") if (m.bidder, m.criterion) == ("B2", "Q3") else m
                 for m in lot.moderated]
    facts = from_data(replace(demo_data, lots=[replace(lot, moderated=moderated)]))
    with pytest.raises(ValidationError, match="feedback missing for Hartley & Moss "
                                              "Community Health Ltd on Q3"):
        write_summaries(facts, tmp_path / "out")
    paths = write_summaries(facts, tmp_path / "out", drafts=True)
    text = pdf_text(next(p for p in paths if "-B2-" in p.name))
    assert "DRAFT" in text and "Feedback not yet written" in text


def test_no_internal_rationale_reaches_any_summary(written: Path, demo_data: TenderData) -> None:
    """Search the text of every summary for every rationale the panel wrote: agreed scores,
    the evaluators' own scores, and other bidders' gateway notes."""
    internal = {" ".join(m.rationale.split()) for lot in demo_data.lots for m in lot.moderated}
    internal |= {" ".join(s.rationale.split()) for lot in demo_data.lots for s in lot.scores}
    # A stock phrase ("Meets the requirement.") may fairly appear in feedback too.
    internal = {text for text in internal if len(text) > 40}
    assert len(internal) > 100
    texts = {path.name: pdf_text(path) for path in written.iterdir()}
    assert len(texts) == 10
    for name, text in texts.items():
        for rationale in internal:
            assert rationale not in text, (name, rationale[:60])
        for lot in demo_data.lots:
            for g in lot.gateways:
                if not name.startswith(f"{lot.id}-{g.bidder}-"):
                    assert " ".join(g.rationale.split()) not in text, (name, g.bidder)


def test_summary_prints_the_supplier_details_and_where_the_criteria_are(
        written: Path, demo_data: TenderData) -> None:
    lot = demo_data.lots[0]
    bidder = lot.bidders[1]
    text = pdf_text(written / file_name(lot, from_data(demo_data).results[0].bidder("B2")))
    for detail in (bidder.address, bidder.email, bidder.identifier,
                   demo_data.tender.criteria_published):
        assert " ".join(detail.split()) in text
    assert "NOT RECORDED" not in text
    assert "standstill period of eight working days" in text


def test_missing_details_are_printed_as_missing(demo_data: TenderData, tmp_path: Path) -> None:
    lot = demo_data.lots[0]
    bidders = [replace(b, address="", identifier="") for b in lot.bidders]
    data = replace(demo_data, lots=[replace(lot, bidders=bidders)],
                   tender=replace(demo_data.tender, criteria_published=""))
    paths = write_summaries(from_data(data), tmp_path / "out")
    text = pdf_text(paths[0])
    assert text.count("NOT RECORDED") == 3


def test_one_summary_per_assessed_bidder_per_lot_with_safe_names(
        written: Path, demo_data: TenderData) -> None:
    files = sorted(p.name for p in written.iterdir())
    expected = sum(len([b for b in lot.bidders if not b.withdrawn]) for lot in demo_data.lots)
    assert len(files) == expected == 10
    assert all(re.fullmatch(r"[A-Za-z0-9-]+\.pdf", name) for name in files)
    assert "L1-B1-Cafe-Connect-CIC.pdf" in files


def test_losing_bidder_sees_its_own_scores_and_the_winners_but_no_other_loser(
        written: Path, demo_data: TenderData) -> None:
    facts = from_data(demo_data)
    result = facts.results[0]
    winner = result.winners[0]
    losers = [b for b in result.bidders if b.rank != 1]
    for me in losers:
        lot = demo_data.lots[0]
        text = pdf_text(written / file_name(lot, me))
        assert me.name in text
        assert winner.name in text and f"{winner.total_text} points" in text
        if me.total_text:
            assert f"Your tender scored {me.total_text} points out of 100" in text
        for other in losers:
            if other is not me:
                assert other.name not in text, (me.name, other.name)
                if other.total_text:
                    assert other.total_text not in text, (me.name, other.total_text)
        assert "Procurement Act 2023" in text and "regulation 31" in text


def test_summary_gives_each_criterion_score_and_the_panels_reasons(
        written: Path, demo_data: TenderData) -> None:
    lot = demo_data.lots[0]
    facts = from_data(demo_data)
    me = facts.results[0].bidder("B3")
    assert me is not None
    text = pdf_text(written / file_name(lot, me))
    for c in lot.all_criteria():
        assert (f"{c.id} {c.title}" in text) == (c.kind != "pass_fail")
    agreed = next(m for m in lot.moderated if m.bidder == "B3" and m.criterion == "Q1")
    assert " ".join(agreed.feedback.split()) in text
    assert " ".join(agreed.rationale.split()[:8]) not in text
    assert "Relative importance" in text and "How it was scored" in text


def test_winner_summary_names_no_other_bidder(written: Path, demo_data: TenderData) -> None:
    facts = from_data(demo_data)
    result = facts.results[0]
    winner = result.winners[0]
    text = pdf_text(written / file_name(demo_data.lots[0], winner))
    assert "Your tender is the most advantageous tender" in text
    for b in result.bidders:
        if b is not winner:
            assert b.name not in text


def test_bidder_below_a_minimum_is_told_why_in_its_summary(written: Path,
                                                           demo_data: TenderData) -> None:
    facts = from_data(demo_data)
    out = facts.results[0].bidder("B5")
    assert out is not None and out.excluded
    text = pdf_text(written / file_name(demo_data.lots[0], out))
    assert "Your tender was excluded" in text and "section 50" in text
    for reason in out.reasons:
        assert reason[1:] in text


def test_gateway_excluded_bidder_gets_a_notice_not_a_summary(written: Path,
                                                             demo_data: TenderData) -> None:
    lot = demo_data.lots[1]
    out = from_data(demo_data).results[1].bidder("B5")
    assert out is not None and out.excluded
    text = pdf_text(written / file_name(lot, out))
    assert "Notice of exclusion" in text and "Insurance and DBS checks" in text
    gate = next(g for g in lot.gateways if g.bidder == "B5")
    assert " ".join(gate.rationale.split()) in text
    assert "section 50" not in text and "Assessment summary" not in text
    for c in lot.all_criteria():
        if c.kind != "pass_fail":
            assert f"{c.id} {c.title}" not in text


def test_withdrawn_bidders_get_no_summary_and_hostile_names_stay_literal(
        demo_data: TenderData, tmp_path: Path) -> None:
    lot = demo_data.lots[0]
    bidders = [replace(b, name="<b>Care</b> & Co") if b.id == "B3" else
               replace(b, withdrawn=True, withdrawn_reason="left") if b.id == "B5" else b
               for b in lot.bidders]
    data = replace(demo_data, lots=[replace(lot, bidders=bidders)])
    facts = from_data(data)
    assert [b.id for _lot, b in assessed(facts)] == ["B4", "B1", "B3", "B2"]
    paths = write_summaries(facts, tmp_path / "out", drafts=True)
    hostile = next(p for p in paths if "-B3-" in p.name)
    assert hostile.name == "L1-B3-b-Care-b-Co.pdf"
    assert "<b>Care</b> & Co" in pdf_text(hostile)
