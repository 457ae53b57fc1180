"""Properties of the scoring maths that must hold for every model, score and price."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.core.test_scoring_support import random_tenders

from workbench.domain import Rounding, TenderData
from workbench.numbers import round_to
from workbench.scoring.results import LotResult, compute_lot
from workbench.scoring.weights import points_available

settings.register_profile("scoring", max_examples=150, deadline=None)
SCORING = settings.get_profile("scoring")


def _result(data: TenderData) -> LotResult:
    return compute_lot(data, data.lots[0])


@SCORING
@given(random_tenders())
def test_points_available_to_the_leaves_add_up_to_the_total_points(data: TenderData) -> None:
    lot = data.lots[0]
    available = points_available(lot, data.tender.total_points)
    leaves = [c for c in lot.all_criteria() if c.kind not in ("group", "pass_fail")]
    assert sum(available[c.id] for c in leaves) == data.tender.total_points


@SCORING
@given(random_tenders(gateways=True), st.data())
def test_raising_a_score_never_lowers_that_total_nor_raises_another(
        data: TenderData, pick: st.DataObject) -> None:
    lot = data.lots[0]
    if not lot.moderated:
        return
    mark = pick.draw(st.sampled_from(lot.moderated))
    higher = pick.draw(st.integers(int(mark.score), 5))
    raised = replace(lot, moderated=[replace(m, score=Decimal(higher)) if m is mark else m
                                     for m in lot.moderated])
    before, after = compute_lot(data, lot), compute_lot(data, raised)
    for old in before.bidders:
        new = after.bidder(old.bidder.id)
        assert new is not None
        if old.total is None or new.total is None:
            continue
        if old.bidder.id == mark.bidder:
            assert new.total >= old.total
        else:
            assert new.total <= old.total


@SCORING
@given(random_tenders(minimums=False), st.data())
def test_a_lower_price_never_earns_fewer_price_points(data: TenderData,
                                                      pick: st.DataObject) -> None:
    lot = data.lots[0]
    prices = [c for c in lot.all_criteria() if c.kind == "price"]
    if not prices:
        return
    who = pick.draw(st.sampled_from(lot.bidders))
    cheaper = pick.draw(st.integers(1, int(who.price or 1)))
    lowered = replace(lot, bidders=[replace(b, price=Decimal(cheaper)) if b is who else b
                                    for b in lot.bidders])
    old = compute_lot(data, lot).bidder(who.id)
    new = compute_lot(data, lowered).bidder(who.id)
    assert old is not None and new is not None
    for c in prices:
        assert (new.criteria[c.id].points or 0) >= (old.criteria[c.id].points or 0)


@SCORING
@given(random_tenders(gateways=True))
def test_ranks_follow_the_totals_as_shown(data: TenderData) -> None:
    result = _result(data)
    shown = {b.bidder.id: round_to(b.total, result.rounding)
             for b in result.bidders if b.total is not None}
    for b in result.bidders:
        if b.total is None:
            assert b.rank is None and b.excluded and b.reasons
            continue
        mine = shown[b.bidder.id]
        assert b.rank == 1 + sum(total > mine for total in shown.values())
        assert b.tied == (sum(total == mine for total in shown.values()) > 1)
        assert b.total_text == format(mine, "f")
    ranks = [b.rank for b in result.bidders]
    ranked = [r for r in ranks if r is not None]
    assert ranked == sorted(ranked) and ranks == ranked + [None] * (len(ranks) - len(ranked))


@SCORING
@given(random_tenders(gateways=True))
def test_each_step_and_final_rounding_stay_within_the_documented_bound(
        data: TenderData) -> None:
    """With n leaves and unit u = 10^-decimals: the each_step total is within n × u/2 of the
    exact total, and the two shown totals within (n + 1) × u/2 of each other."""
    policy = data.tender.rounding
    leaves = sum(1 for c in data.lots[0].all_criteria() if c.kind not in ("group", "pass_fail"))
    unit = Decimal(1).scaleb(-policy.decimals)
    final = replace(data, tender=replace(data.tender, rounding=replace(policy, stage="final")))
    step = replace(data, tender=replace(data.tender,
                                        rounding=replace(policy, stage="each_step")))
    exact, stepped = _result(final), _result(step)
    for b in exact.bidders:
        s = stepped.bidder(b.bidder.id)
        assert s is not None and (b.total is None) == (s.total is None)
        if b.total is None or s.total is None:
            continue
        assert abs(s.total - b.total) <= leaves * unit / 2
        shown_gap = abs(round_to(s.total, policy) - round_to(b.total, policy))
        assert shown_gap <= (leaves + 1) * unit / 2


@SCORING
@given(random_tenders(), st.sampled_from(["half_up", "half_even"]))
def test_every_shown_number_has_the_tenders_decimals(data: TenderData, mode: str) -> None:
    data = replace(data, tender=replace(data.tender, rounding=Rounding(2, mode)))
    for b in _result(data).bidders:
        texts = [b.total_text, *(c.points_text for c in b.criteria.values())]
        for text in filter(None, texts):
            assert len(text.split(".")[1]) == 2
