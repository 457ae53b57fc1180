"""Merging returned packs: both formats round-trip; a pack is checked whole before anything is
written; merging twice changes nothing; a newer pack supersedes; moderation asks first."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.core.test_packs_support import (
    declare_in_workbook,
    fill_tender_pack,
    fill_workbook,
    new_tender,
    rationale_for,
    sealed_copy,
    state,
    unscored,
)

from workbench.domain import TenderData
from workbench.errors import ReadOnlyError
from workbench.panel.merge import merge_packs, read_pack
from workbench.panel.packs import create_packs, pack_items
from workbench.panel.returns import criterion_returns, returns_dashboard
from workbench.panel.roster import conflicts
from workbench.storage import TenderFile


@pytest.fixture
def sealed(tmp_path: Path, demo_data: TenderData) -> Path:
    return new_tender(tmp_path / "sealed.tender", unscored(demo_data))


def issue(tender: Path, out: Path, fmt: str = "tender",
          evaluators: list[str] | None = None) -> list[Path]:
    out.mkdir(exist_ok=True)
    sealed_copy(tender)  # packs go out once the plan is sealed
    with TenderFile.open(tender, user="lead") as tf:
        return create_packs(tf, out, fmt, evaluators)


def merge(tender: Path, paths: list[Path], **kwargs: bool):  # type: ignore[no-untyped-def]
    with TenderFile.open(tender, user="lead") as tf:
        return merge_packs(tf, paths, **kwargs)


def test_tender_packs_round_trip(sealed: Path, tmp_path: Path) -> None:
    paths = issue(sealed, tmp_path / "out")
    for n, path in enumerate(paths):
        fill_tender_pack(path, score=n + 2)
    report = merge(sealed, paths)
    assert [r.problems for r in report.results] == [[], [], []]
    assert [(r.evaluator, r.added, r.changed, r.submitted, r.declarations)
            for r in report.results] == [("Priya Raman", 45, 0, True, 2),
                                         ("Gareth Llewellyn", 35, 0, True, 2),
                                         ("Funmi Adeyemi", 45, 0, True, 2)]
    with TenderFile.open(sealed, read_only=True) as tf:
        assert tf.integrity_problem == ""
        rows = tf.rows("scores")
        assert len(rows) == 125
        gareth = [r for r in rows if r["evaluator_id"] == "E2"]
        assert {(r["score"], r["status"], r["entered_by"]) for r in gareth} == {
            ("3", "submitted", "E2")}
        one = next(r for r in gareth if (r["lot_id"], r["bidder_id"], r["criterion_id"])
                   == ("L1", "B2", "Q3"))
        assert one["rationale"] == rationale_for("E2", "Q3", "Hartley & Moss Community Health Ltd")
        assert all(p["returned_at"] and p["submitted"] == 1 for p in tf.rows("packs"))
        register = conflicts(tf)
        assert register[("L1", "E2")].declared_on == "2026-12-01"
        actions = tf.db.execute("SELECT DISTINCT action FROM audit WHERE action LIKE 'Merge%'")
        assert [a[0] for a in actions] == ["Merge scoring pack from Priya Raman",
                                           "Merge scoring pack from Gareth Llewellyn",
                                           "Merge scoring pack from Funmi Adeyemi"]
    dashboard = merge_dashboard(sealed)
    assert dashboard == [("E1", 45, 45, True), ("E2", 35, 35, True), ("E3", 45, 45, True)]


def merge_dashboard(tender: Path) -> list[tuple[str, int, int, bool]]:
    with TenderFile.open(tender, read_only=True) as tf:
        return [(r.evaluator_id, r.complete, r.required, r.submitted)
                for r in returns_dashboard(tf.load(), tf.rows("packs"))]


def test_workbooks_round_trip_and_merging_twice_changes_nothing(sealed: Path,
                                                                tmp_path: Path) -> None:
    paths = issue(sealed, tmp_path / "out", "xlsx")
    for path in paths:
        fill_workbook(path, score=4)
    report = merge(sealed, paths)
    assert [(r.added, r.problems) for r in report.results] == [(45, []), (35, []), (45, [])]
    tables, audit = state(sealed)
    assert {(r["score"], r["status"]) for r in tables["scores"]} == {("4", "submitted")}
    again = merge(sealed, paths)
    assert [(r.added, r.changed, r.unchanged) for r in again.results] == [
        (0, 0, 45), (0, 0, 35), (0, 0, 45)]
    assert state(sealed) == (tables, audit)  # not one new audit row


def test_a_draft_workbook_merges_what_is_scored(sealed: Path, tmp_path: Path) -> None:
    path = issue(sealed, tmp_path / "out", "xlsx", ["E1"])[0]
    fill_workbook(path, score=2, final=False, rows=10)
    result = merge(sealed, [path]).results[0]
    assert (result.added, result.unscored, result.submitted) == (10, 35, False)
    assert ("10 added, 0 changed, 0 unchanged, 35 not scored yet, 2 conflict declaration(s); "
            "draft") in result.summary()
    tables, _ = state(sealed)
    assert {r["status"] for r in tables["scores"]} == {"draft"}
    with TenderFile.open(sealed, read_only=True) as tf:
        rows = {r.criterion_id: (r.assigned, r.scored, r.started)
                for r in criterion_returns(tf.load()) if r.lot_id == "L1"}
        assert rows["Q1"] == (3, 1, 0) and rows["Q2"] == (3, 1, 0) and rows["Q3"] == (3, 0, 0)
    assert merge_dashboard(sealed)[0] == ("E1", 10, 45, False)


def test_a_newer_pack_supersedes_and_the_change_is_recorded(sealed: Path, tmp_path: Path) -> None:
    first = issue(sealed, tmp_path / "one", "xlsx", ["E2"])[0]
    fill_workbook(first, score=3)
    assert merge(sealed, [first]).results[0].added == 35
    second = issue(sealed, tmp_path / "two", "tender", ["E2"])[0]
    with TenderFile.open(second, read_only=True) as pack:  # their merged scores went with it
        assert len(pack.load().lots[0].scores) == 20
    fill_tender_pack(second, score=5)
    result = merge(sealed, [second]).results[0]
    assert (result.added, result.changed, result.problems) == (0, 35, [])
    with TenderFile.open(sealed, read_only=True) as tf:
        before, after = tf.db.execute(
            "SELECT before, after FROM audit WHERE entity = 'scores' AND entity_key = ? "
            "ORDER BY seq DESC LIMIT 1", ['["L1","E2","B1","Q1"]']).fetchone()
    assert '"score":"3"' in before and '"score":"5"' in after
    tables = state(sealed)
    stale = merge(sealed, [first]).results[0]
    assert stale.problems and "replaced by a newer one issued to Gareth Llewellyn (E2)" \
        in stale.problems[0]
    assert state(sealed) == tables


def test_merging_after_moderation_has_started_asks_first(demo_tender: Path,
                                                         tmp_path: Path) -> None:
    path = issue(demo_tender, tmp_path / "out", "xlsx", ["E1"])[0]
    fill_workbook(path, score=5)
    before = state(demo_tender)
    report = merge(demo_tender, [path])
    assert report.needs_confirmation and report.refused
    assert "moderation has started for Lot 1: Social prescribing link workers, Lot 2: " \
           "Community wellbeing hubs" in report.results[0].problems[0]
    assert state(demo_tender) == before
    confirmed = merge(demo_tender, [path], after_moderation=True).results[0]
    assert confirmed.problems == [] and confirmed.changed > 0


def test_an_unchanged_pack_after_moderation_needs_no_confirmation(demo_tender: Path,
                                                                  tmp_path: Path) -> None:
    path = issue(demo_tender, tmp_path / "out", "xlsx", ["E3"])[0]
    wb = load_workbook(path)
    declare_in_workbook(wb)  # the scores returned as they went out
    wb.save(path)
    result = merge(demo_tender, [path]).results[0]
    assert (result.problems, result.changed, result.unchanged) == ([], 0, 45)


def test_a_draft_return_never_unsubmits_the_same_scores(demo_tender: Path, tmp_path: Path) -> None:
    path = issue(demo_tender, tmp_path / "out", "tender", ["E1"])[0]
    merge(demo_tender, [path])
    tables, _ = state(demo_tender)
    assert {r["status"] for r in tables["scores"]} == {"submitted"}


def test_blind_packs_map_codes_back_to_bidders(sealed: Path, tmp_path: Path) -> None:
    with TenderFile.open(sealed) as tf, tf.action("Blind scoring"):
        tf.update("tender", {"id": 1}, blind_scoring=1)
    paths = issue(sealed, tmp_path / "out", "xlsx", ["E1"])
    paths += issue(sealed, tmp_path / "out2", "tender", ["E2"])
    fill_workbook(paths[0], score=1)
    fill_tender_pack(paths[1], score=2)
    assert [r.problems for r in merge(sealed, paths).results] == [[], []]
    tables, _ = state(sealed)
    assert {r["bidder_id"] for r in tables["scores"]} == {"B1", "B2", "B3", "B4", "B5"}
    e1 = next(r for r in tables["scores"] if r["evaluator_id"] == "E1" and r["lot_id"] == "L1"
              and r["bidder_id"] == "B3" and r["criterion_id"] == "Q1")
    assert e1["rationale"] == rationale_for("xlsx", "Q1", "Bidder C")


def test_read_pack_reports_what_a_workbook_holds(sealed: Path, tmp_path: Path) -> None:
    path = issue(sealed, tmp_path / "out", "xlsx", ["E2"])[0]
    fill_workbook(path, score=2.5, final=False, rows=1)
    pack = read_pack(path)
    assert (pack.format, pack.identity.evaluator_id, pack.submitted) == ("xlsx", "E2", False)
    assert len(pack.items) == len(pack.entries) == 35
    first = pack.entries[0]
    assert (first.score, first.score_at, first.rationale_at) == (
        Decimal("2.5"), "Scores!E2", "Scores!F2")
    problem = merge(sealed, [path]).results[0].problems
    assert problem == ["Scores!E2: score 2.5 is not on the 0–5 scale (choose 0, 1, 2, 3, 4 or 5)"]


def test_merge_items_match_the_lead_assignments(sealed: Path, tmp_path: Path) -> None:
    path = issue(sealed, tmp_path / "out", "tender", ["E3"])[0]
    with TenderFile.open(sealed, read_only=True) as tf:
        owed = pack_items(tf.load(), "E3")
    assert [(i.lot_id, i.criterion_id, i.bidder_id) for i in read_pack(path).items] == \
        [(i.lot_id, i.criterion_id, i.bidder_id) for i in owed]


def test_a_pack_tampered_with_outside_the_app_is_refused(sealed: Path, tmp_path: Path) -> None:
    path = issue(sealed, tmp_path / "out", "tender", ["E1"])[0]
    fill_tender_pack(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE scores SET score = '5' WHERE bidder_id = 'B1'")
    conn.commit()
    conn.close()
    before = state(sealed)
    problems = merge(sealed, [path]).results[0].problems
    assert len(problems) == 1 and "was changed outside the workbench" in problems[0]
    assert state(sealed) == before


def test_a_locked_tender_neither_issues_nor_merges(sealed: Path, tmp_path: Path) -> None:
    path = issue(sealed, tmp_path / "out", "xlsx", ["E1"])[0]
    fill_workbook(path)
    with TenderFile.open(sealed) as tf, tf.action("Lock"):
        tf.update("tender", {"id": 1}, status="locked")
    before = state(sealed)
    with pytest.raises(ReadOnlyError, match="the tender is locked"):
        issue(sealed, tmp_path / "more", "xlsx")
    assert list((tmp_path / "more").iterdir()) == []
    with pytest.raises(ReadOnlyError, match="the tender is locked"):
        merge(sealed, [path])
    assert state(sealed) == before



def test_a_merge_that_changes_the_file_backs_it_up_first(demo_tender: Path,
                                                         tmp_path: Path) -> None:
    """No snapshot for a merge that changes nothing; one, before the change, otherwise."""
    from workbench.storage.backup import backups

    sealed_copy(demo_tender)
    with TenderFile.open(demo_tender) as tf:
        paths = create_packs(tf, tmp_path / "packs", "tender")
        merge_packs(tf, paths, after_moderation=True)  # returned exactly as issued
        assert backups(demo_tender) == []
        fill_tender_pack(paths[0], score=2, submit=False)
        fill_tender_pack(paths[1], score=2, submit=False)
        report = merge_packs(tf, paths, after_moderation=True)
        assert all(not r.problems for r in report.results)
    assert len(backups(demo_tender)) == 1
