"""Properties of the scoring methods of issue 13, for every model, score and price."""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from tests.core.test_scoring_support import random_tenders

from workbench.domain import Criterion, TenderData
from workbench.scoring.formulas import exact
from workbench.scoring.results import LotResult, compute_lot

PROPERTIES = settings(max_examples=120, deadline=None)
METHODS = st.sampled_from(["weighted_points", "price_per_quality_point"])
FORMULAS = st.sampled_from(["lowest_over_bid", "linear_deduction", "price_range"])


def _result(data: TenderData) -> LotResult:
    return compute_lot(data, data.lots[0])


def _places(result: LotResult) -> dict[str, tuple[int | None, bool]]:
    return {b.id: (b.rank, b.tied) for b in result.bidders}


def _with(data: TenderData, method: str) -> TenderData:
    data.lots[0] = replace(data.lots[0], award_method=method)
    return data


@PROPERTIES
@given(random_tenders(gateways=True), METHODS, st.randoms(use_true_random=False))
def test_ranking_does_not_depend_on_the_order_bidders_are_listed(
        data: TenderData, method: str, shuffle: object) -> None:
    data = _with(data, method)
    before = _places(_result(data))
    lot = data.lots[0]
    order = list(lot.bidders)
    shuffle.shuffle(order)  # type: ignore[attr-defined]
    data.lots[0] = replace(lot, bidders=order)
    assert _places(_result(data)) == before


def _price_criteria(data: TenderData) -> list[Criterion]:
    return [c for c in data.lots[0].all_criteria() if c.kind == "price"]


@PROPERTIES
@given(random_tenders(gateways=True), FORMULAS, st.data())
def test_a_better_price_never_lowers_a_bidders_points(
        data: TenderData, formula: str, pick: st.DataObject) -> None:
    prices = _price_criteria(data)
    for c in prices:
        c.formula = formula
    lot = data.lots[0]
    who = pick.draw(st.sampled_from(lot.bidders))
    assert who.price is not None
    before = _result(data).bidder(who.id)
    # The better price stays above £0: a £0 bid earns no points under any formula (only a
    # price above 0 can, see `formulas`), so it is no better price in this sense.
    assume(who.price > 1)
    cut = pick.draw(st.integers(1, int(who.price) - 1))
    lot.bidders[lot.bidders.index(who)] = replace(who, price=who.price - cut)
    after = _result(data).bidder(who.id)
    assert before is not None and after is not None
    for c in prices:
        old, new = before.criteria[c.id].points, after.criteria[c.id].points
        if old is not None and new is not None:
            assert new >= old


@PROPERTIES
@given(random_tenders(normalise=("max",), minimums=False), METHODS, st.data())
def test_a_threshold_never_raises_a_bidder(data: TenderData, method: str,
                                           pick: st.DataObject) -> None:
    """A quality threshold only ever takes bidders out: with it, and with a higher one, the
    bidders in the competition are a subset of those without it."""
    data = _with(data, method)
    groups = [c for c in data.lots[0].all_criteria() if c.kind == "group"]
    if not groups:
        return
    target = pick.draw(st.sampled_from(groups))

    def ranked(percent: int | None) -> set[str]:
        target.minimum_percent = None if percent is None else Decimal(percent)
        return {b.id for b in _result(data).bidders if b.rank is not None}

    low = pick.draw(st.integers(1, 100))
    high = pick.draw(st.integers(low, 100))
    assert ranked(high) <= ranked(low) <= ranked(None)


@PROPERTIES
@given(random_tenders(gateways=True))
def test_price_per_quality_point_totals_leave_price_out_and_ranks_follow_the_ratio(
        data: TenderData) -> None:
    weighted = _result(data)
    result = _result(_with(data, "price_per_quality_point"))
    prices = [c.id for c in _price_criteria(data)]
    for b in result.ranked:
        w = weighted.bidder(b.id)
        assert w is not None and w.total is not None
        with exact():  # the engine's digits
            price_points = sum((w.criteria[p].points or Decimal(0) for p in prices), Decimal(0))
            assert b.total == w.total - price_points
    shown = [(b.rank, Decimal(b.ratio_text)) for b in result.ranked if b.ratio_text]
    for (rank_a, ratio_a), (rank_b, ratio_b) in itertools.pairwise(shown):
        assert rank_a is not None and rank_b is not None
        assert ratio_a <= ratio_b and (rank_a == rank_b) == (ratio_a == ratio_b)
