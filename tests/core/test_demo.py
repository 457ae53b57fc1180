"""The bundled demo tender: every screen, report and screenshot is demonstrated on it, so it must
stay a complete, valid, realistic tender."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from workbench.domain import SOCIAL_VALUE_THEMES, Lot, TenderData
from workbench.exchange.interchange import dumps, loads
from workbench.model_rules import problems
from workbench.resources import read_text
from workbench.scoring.weights import social_value_percent
from workbench.storage import TenderFile


@pytest.fixture(scope="module")
def text() -> str:
    return read_text("demo", "demo.json")


@pytest.fixture(scope="module")
def demo(text: str) -> TenderData:
    return loads(text)


def _scored(lot: Lot) -> list[str]:
    return [c.id for c in lot.all_criteria() if c.kind == "scored"]


def _lot(demo: TenderData, lot_id: str) -> Lot:
    return next(lot for lot in demo.lots if lot.id == lot_id)


def test_demo_parses_with_two_lots_and_three_evaluators(demo: TenderData) -> None:
    assert demo.tender.title
    assert demo.tender.currency == "GBP"
    assert len(demo.lots) == 2
    assert len(demo.evaluators) == 3
    for lot in demo.lots:
        assert 4 <= len(lot.bidders) <= 6, lot.id


def test_demo_model_has_no_problems_at_all(demo: TenderData) -> None:
    # no errors, and no warnings either: the social value policy is met in every lot
    assert problems(demo) == []


def test_demo_social_value_meets_policy(demo: TenderData) -> None:
    policy = demo.tender.social_value_minimum_weight
    for lot in demo.lots:
        assert social_value_percent(lot) >= policy, lot.id
        themes = {c.theme for c in lot.all_criteria() if c.theme}
        assert themes and themes <= set(SOCIAL_VALUE_THEMES), lot.id


def test_demo_round_trips_identically(text: str, demo: TenderData) -> None:
    once = dumps(demo)
    assert dumps(loads(once)) == once
    # the bundled file is stored in the canonical form the exporter writes
    assert once == text


def test_demo_survives_the_tender_file_identically(tmp_path: Path, text: str,
                                                  demo: TenderData) -> None:
    path = tmp_path / "demo.tender"
    TenderFile.create(path, demo, action="Create demo tender").close()
    with TenderFile.open(path, read_only=True) as tf:
        assert dumps(tf.load()) == text


def test_every_assigned_score_is_present_with_a_rationale(demo: TenderData) -> None:
    for lot in demo.lots:
        given = {(s.evaluator, s.bidder, s.criterion) for s in lot.scores}
        expected = {(a.evaluator, b.id, cid) for a in lot.assignments for cid in a.criteria
                    for b in lot.bidders}
        assert given == expected, lot.id
        assert all(s.rationale.strip() and s.status == "submitted" for s in lot.scores)


def test_lot_one_is_fully_moderated(demo: TenderData) -> None:
    lot = _lot(demo, "L1")
    names = sorted(e.name for e in demo.evaluators)
    moderated = {(m.bidder, m.criterion) for m in lot.moderated}
    assert moderated == {(b.id, cid) for b in lot.bidders for cid in _scored(lot)}
    for m in lot.moderated:
        assert m.rationale.strip() and m.agreed_by and m.agreed_at.startswith("2026-11-")
        assert sorted(m.attendees) == names


def test_lot_two_is_only_partly_moderated(demo: TenderData) -> None:
    lot = _lot(demo, "L2")
    all_pairs = {(b.id, cid) for b in lot.bidders for cid in _scored(lot)}
    moderated = {(m.bidder, m.criterion) for m in lot.moderated}
    assert moderated and moderated < all_pairs


def test_demo_shows_an_exclusion_in_each_lot(demo: TenderData) -> None:
    lot1 = _lot(demo, "L1")
    minimums = {c.id: c.minimum for c in lot1.all_criteria() if c.minimum is not None}
    below = [m for m in lot1.moderated if m.criterion in minimums
             and m.score < minimums[m.criterion]]
    assert [m.bidder for m in below] == ["B5"]
    lot2 = _lot(demo, "L2")
    assert [g.bidder for g in lot2.gateways if g.result == "fail"] == ["B5"]
    for lot in demo.lots:
        gateways = [c.id for c in lot.all_criteria() if c.kind == "pass_fail"]
        assert {(g.bidder, g.criterion) for g in lot.gateways} == {
            (b.id, gid) for b in lot.bidders for gid in gateways}


def test_demo_has_disagreements_for_moderation_to_flag(demo: TenderData) -> None:
    for lot in demo.lots:
        marks: dict[tuple[str, str], list[Decimal]] = {}
        for s in lot.scores:
            marks.setdefault((s.bidder, s.criterion), []).append(s.score)
        assert any(max(v) - min(v) >= 2 for v in marks.values()), lot.id


def test_demo_declares_one_conflict_with_mitigation(demo: TenderData) -> None:
    declared = [e for e in demo.evaluators if e.conflict.status == "declared"]
    assert len(declared) == 1
    assert declared[0].conflict.nature and declared[0].conflict.mitigation
    assert all(e.conflict.declared_on for e in demo.evaluators)
