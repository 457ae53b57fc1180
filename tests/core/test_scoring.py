"""The scoring engine: published worked examples, each formula, exclusions, ties, rounding."""

from __future__ import annotations

from decimal import localcontext

import pytest
from tests.core.test_scoring_support import (
    D,
    bidder,
    gate,
    group,
    price,
    quantity,
    range_scale,
    scored,
    shown,
    tender,
)

from workbench.domain import Rounding, TenderData
from workbench.scoring.results import compute, compute_lot

# -- published worked examples ------------------------------------------------------------


def test_crown_commercial_service_fixed_quotes() -> None:
    """Crown Commercial Service, Digital Marketplace buyers' guidance, "Fixed quotes": divide
    the cheapest quote by each supplier's quote. A £15,000 scores 0.667, B £10,000 scores 1,
    C £30,000 scores 0.333.

    Source: quoted in "Evaluating price in tenders: new guidance on new practices", Stephens
    Scown (SHMA), https://www.shma.co.uk/our-thoughts/evaluating-price-in-tenders-new-guidance-on-new-practices/
    and in "Evaluating and Scoring Price – Questionable Advice from Crown Commercial
    Service?", Public Spend Forum Europe, http://publicspendforumeurope.com/2016/05/17/evaluating-and-scoring-price-questionable-advice-from-crown-commercial-service/
    Reproduced as a tender of total points 1, rounded to 3 decimals as published.
    """
    data = tender([price(100)], [bidder("A", 15000), bidder("B", 10000), bidder("C", 30000)],
                  total=1, rounding=Rounding(decimals=3))
    result = compute_lot(data, data.lots[0])
    assert [(b.bidder.id, b.total_text, b.rank) for b in result.bidders] == [
        ("B", "1.000", 1), ("A", "0.667", 2), ("C", "0.333", 3)]
    assert result.bidder("A").criteria["P"].working == (
        "lowest £10,000 / this bid £15,000 × 1 = 0.667")


def test_negometrix_low_bid_scoring_example_out_of_200() -> None:
    """Negometrix support, "Low bid scoring formula": 200 points; Experience 60 (30%),
    quality assurance 40 (20%), time to completion 30 (15%), price 70 (35%). Bidder A scores
    40, 30, 20 and bids $10,000; bidder B scores 32, 20, 22 and bids $8,000. Price: A
    8,000 / 10,000 × 70 = 56, B 70. Totals A 146, B 144: A wins.

    Source: https://support-us.negometrix.com/support/solutions/articles/44001761046-low-bid-scoring-formula
    The quality marks are points out of each criterion's maximum, so each criterion gets a
    0–max range scale and normalise "max" reproduces the published points exactly.
    """
    criteria = [scored("EXP", 30, scale="pts60"), scored("QA", 20, scale="pts40"),
                scored("TIME", 15, scale="pts30"), price(35)]
    data = tender(
        criteria, [bidder("A", 10000), bidder("B", 8000)], total=200,
        scales=[range_scale("pts60", 60), range_scale("pts40", 40), range_scale("pts30", 30)],
        moderated={("A", "EXP"): 40, ("A", "QA"): 30, ("A", "TIME"): 20,
                   ("B", "EXP"): 32, ("B", "QA"): 20, ("B", "TIME"): 22})
    result = compute_lot(data, data.lots[0])
    a, b = result.bidder("A"), result.bidder("B")
    assert [a.criteria[c].points_text for c in ("EXP", "QA", "TIME", "P")] == [
        "40.00", "30.00", "20.00", "56.00"]
    assert [b.criteria[c].points_text for c in ("EXP", "QA", "TIME", "P")] == [
        "32.00", "20.00", "22.00", "70.00"]
    assert (a.total_text, a.rank, b.total_text, b.rank) == ("146.00", 1, "144.00", 2)


def test_hand_worked_example_with_groups_means_and_social_value() -> None:
    """Our own hand-worked example (not from a publication), checked on paper:

    Quality 60 (Q1 50% → W 30, Q2 50% → W 30), price 30, social value 10 (higher is better).
    A: Q1 moderated 4 → 4/5 × 30 = 24; Q2 moderated 3 → 18; price 100,000 (lowest) → 30;
       SV 20,000 of highest 40,000 → 5. Total 77.
    B: Q1 moderated 5 → 30; Q2 mean of (3, 4, 4) = 11/3 → 11/3 / 5 × 30 = 22; price
       120,000 → 100,000 / 120,000 × 30 = 25; SV 40,000 → 10. Total 87 (provisional).
    """
    data = tender(
        [group("Q", 60, scored("Q1", 50), scored("Q2", 50)), price(30),
         quantity("SV", 10)],
        [bidder("A", 100000, values={"SV": 20000}), bidder("B", 120000, values={"SV": 40000})],
        moderated={("A", "Q1"): 4, ("A", "Q2"): 3, ("B", "Q1"): 5},
        scores=[("E1", "B", "Q2", 3), ("E2", "B", "Q2", 4), ("E3", "B", "Q2", 4)])
    result = compute_lot(data, data.lots[0])
    a, b = result.bidder("A"), result.bidder("B")
    assert (a.total, b.total) == (D(77), D(87))
    assert [x.bidder.id for x in result.bidders] == ["B", "A"]
    assert b.criteria["Q"].points == D(52) and b.criteria["Q"].score is None
    assert b.criteria["Q2"].working == (
        "mean of 3 submitted scores (3, 4, 4) = 3.67 / scale max 5 × 30 = 22.00 (provisional)")
    assert b.criteria["Q2"].provisional and b.criteria["Q"].provisional
    assert not a.criteria["Q"].provisional
    assert a.criteria["SV"].working == "this 20,000 / highest 40,000 × 10 = 5.00"
    assert result.provisional and result.notes == ["1 score not yet moderated"]
    assert result.top_level == {"A": {"Q": D(42), "P": D(30), "SV": D(5)},
                                "B": {"Q": D(52), "P": D(25), "SV": D(10)}}


# -- each formula ---------------------------------------------------------------------------


def test_price_lowest_over_bid_working_and_points() -> None:
    data = tender([price(40), scored("Q", 60)], [bidder("A", 100000), bidder("B", 120000)])
    cell = compute_lot(data, data.lots[0]).bidder("B").criteria["P"]
    assert cell.working == "lowest £100,000 / this bid £120,000 × 40 = 33.33"
    assert (cell.score, cell.points_text, cell.provisional) == (D(120000), "33.33", False)


def test_price_linear_deduction_loses_one_percent_per_percent_and_stops_at_zero() -> None:
    data = tender([price(40, "linear_deduction"), scored("Q", 60)],
                  [bidder("A", 100000), bidder("B", 120000), bidder("C", 250000)])
    result = compute_lot(data, data.lots[0])
    assert result.bidder("A").criteria["P"].points == D(40)
    assert result.bidder("B").criteria["P"].points == D(32)
    assert result.bidder("C").criteria["P"].points == 0
    assert "0 points" in result.bidder("C").criteria["P"].working


def test_fixed_price_carries_no_points_for_anyone() -> None:
    data = tender([price(0, "fixed"), scored("Q", 100)], [bidder("A", 5), bidder("B", 9)],
                  moderated={("A", "Q"): 5, ("B", "Q"): 4})
    result = compute_lot(data, data.lots[0])
    assert {b.criteria["P"].points for b in result.bidders} == {D(0)}
    assert result.bidder("A").criteria["P"].working == (
        "price is fixed: this criterion carries no points")


def test_missing_or_zero_price_scores_nothing_with_a_note() -> None:
    data = tender([price(100)], [bidder("A", 100), bidder("B"), bidder("C", 0)])
    result = compute_lot(data, data.lots[0])
    assert result.bidder("B").criteria["P"].working == "no price entered: 0 points (provisional)"
    assert result.bidder("C").criteria["P"].points == 0
    assert result.bidder("A").criteria["P"].points == 100  # a zero bid does not set "lowest"


def test_quantitative_higher_and_lower_is_better() -> None:
    data = tender([quantity("SV", 50), quantity("DAYS", 50, "lower_is_better")],
                  [bidder("A", values={"SV": 40, "DAYS": 10}),
                   bidder("B", values={"SV": 10, "DAYS": 40}), bidder("C", values={"SV": 0})])
    result = compute_lot(data, data.lots[0])
    a, b, c = (result.bidder(x) for x in "ABC")
    assert (a.criteria["SV"].points, b.criteria["SV"].points) == (D(50), D("12.5"))
    assert (a.criteria["DAYS"].points, b.criteria["DAYS"].points) == (D(50), D("12.5"))
    assert b.criteria["DAYS"].working == "lowest 10 / this 40 × 50 = 12.50"
    assert c.criteria["SV"].points == 0 and "0 points" in c.criteria["SV"].working
    assert c.criteria["DAYS"].working == "no value given: 0 points"


def test_normalise_best_gives_the_best_score_in_the_competition_full_points() -> None:
    data = tender([scored("Q", 100, normalise="best", minimum=1)],
                  [bidder("A"), bidder("B"), bidder("C", withdrawn=True)],
                  moderated={("A", "Q"): 4, ("B", "Q"): 2, ("C", "Q"): 5})
    result = compute_lot(data, data.lots[0])
    assert shown(data) == {"A": "100.00", "B": "50.00", "C": None}
    assert result.bidder("B").criteria["Q"].working == "moderated 2 / best 4 × 100 = 50.00"


def test_lowest_price_is_taken_over_bidders_still_in_the_competition() -> None:
    data = tender([price(100), gate()], [bidder("A", 80), bidder("B", 100), bidder("C", 120)],
                  gateways={("A", "G1"): "fail", ("B", "G1"): "pass", ("C", "G1"): "pass"})
    assert shown(data) == {"B": "100.00", "C": "83.33", "A": None}


# -- exclusions and provisional results -----------------------------------------------------


def test_exclusions_name_criterion_score_and_rule() -> None:
    data = tender(
        [scored("Q1.2", 100, minimum=2, title="Safeguarding"), gate("G1", "Insurance")],
        [bidder("A"), bidder("B"), bidder("C"), bidder("D", withdrawn=True, reason="merged")],
        moderated={("A", "Q1.2"): 3, ("B", "Q1.2"): 1, ("C", "Q1.2"): 4, ("D", "Q1.2"): 5},
        gateways={("A", "G1"): "pass", ("B", "G1"): "pass", ("C", "G1"): "fail",
                  ("D", "G1"): "pass"})
    result = compute_lot(data, data.lots[0])
    assert [b.bidder.id for b in result.bidders] == ["A", "B", "C", "D"]
    reasons = {b.bidder.id: b.reasons for b in result.bidders}
    assert reasons == {
        "A": [], "B": ["Q1.2 Safeguarding: moderated score 1 is below the minimum of 2"],
        "C": ["G1 Insurance: failed gateway"], "D": ["withdrawn: merged"]}
    for ident in "BCD":
        b = result.bidder(ident)
        assert (b.excluded, b.total, b.total_text, b.rank, b.tied) == (True, None, None, None,
                                                                       False)
        assert b.criteria["Q1.2"].points is None and "excluded" in b.criteria["Q1.2"].working
    assert result.bidder("B").excluded_by == ["Q1.2"]
    assert result.winners == [result.bidder("A")] and not result.provisional
    assert set(result.top_level) == {"A"}


def test_exclusion_on_a_mean_score_is_provisional() -> None:
    data = tender([scored("Q", 100, minimum=2)], [bidder("A"), bidder("B")],
                  moderated={("A", "Q"): 3}, scores=[("E1", "B", "Q", 1), ("E2", "B", "Q", 2)])
    result = compute_lot(data, data.lots[0])
    assert result.bidder("B").reasons == ["Q Question Q: mean score 1.5 is below the minimum "
                                          "of 2 (provisional)"]
    assert result.provisional


def test_missing_gateway_excludes_nobody_but_keeps_the_lot_provisional() -> None:
    data = tender([scored("Q", 100), gate()], [bidder("A"), bidder("B")],
                  moderated={("A", "Q"): 3, ("B", "Q"): 4}, gateways={("A", "G1"): "pass"})
    result = compute_lot(data, data.lots[0])
    cell = result.bidder("B").criteria["G1"]
    assert not result.bidder("B").excluded
    assert (cell.result, cell.provisional, cell.working) == (
        None, True, "gateway not yet assessed (provisional)")
    assert result.provisional and result.notes == ["1 gateway result not yet recorded"]


def test_provisional_uses_the_mean_of_submitted_scores_and_ignores_drafts() -> None:
    data = tender([scored("Q", 100)], [bidder("A"), bidder("B"), bidder("C")],
                  scores=[("E1", "A", "Q", 3), ("E2", "A", "Q", 4)],
                  drafts=[("E3", "A", "Q", 0), ("E1", "C", "Q", 5)],
                  moderated={("B", "Q"): 2})
    result = compute_lot(data, data.lots[0])
    a, b, c = (result.bidder(x) for x in "ABC")
    assert (a.criteria["Q"].score, a.total_text, a.criteria["Q"].provisional) == (
        D("3.5"), "70.00", True)
    assert (b.criteria["Q"].score, b.criteria["Q"].provisional) == (D(2), False)
    assert c.criteria["Q"].working == "not yet scored: 0 points (provisional)"
    assert (c.total, c.criteria["Q"].score) == (D(0), None)
    assert result.notes == ["1 score not yet moderated", "1 score not yet given"]


def test_moderated_score_replaces_the_individual_scores_and_makes_the_lot_final() -> None:
    data = tender([scored("Q", 100)], [bidder("A")], moderated={("A", "Q"): 2},
                  scores=[("E1", "A", "Q", 5), ("E2", "A", "Q", 5)])
    result = compute_lot(data, data.lots[0])
    assert (result.bidders[0].total_text, result.provisional, result.notes) == (
        "40.00", False, [])


def test_bidders_out_for_a_recorded_reason_do_not_hold_the_lot_provisional() -> None:
    data = tender([scored("Q", 100), gate()],
                  [bidder("A"), bidder("B"), bidder("C", withdrawn=True)],
                  moderated={("A", "Q"): 3}, gateways={("A", "G1"): "pass", ("B", "G1"): "fail"})
    assert not compute_lot(data, data.lots[0]).provisional


# -- ranking and rounding -------------------------------------------------------------------


def test_equal_totals_share_a_rank_and_the_next_is_skipped() -> None:
    data = tender([scored("Q", 100)], [bidder(x) for x in "ABCD"],
                  moderated={("A", "Q"): 5, ("B", "Q"): 4, ("C", "Q"): 4, ("D", "Q"): 2})
    result = compute_lot(data, data.lots[0])
    assert [(b.bidder.id, b.rank, b.tied) for b in result.bidders] == [
        ("A", 1, False), ("B", 2, True), ("C", 2, True), ("D", 4, False)]


def test_totals_equal_as_shown_are_tied_even_if_the_exact_sums_differ() -> None:
    # A earns 20 exactly, B 300 / 300.01 × 20 = 19.9993…: both read "20.00".
    data = tender([price(100)], [bidder("A", "300"), bidder("B", "300.01")], total=20)
    result = compute_lot(data, data.lots[0])
    assert result.bidder("A").total != result.bidder("B").total
    assert [(b.rank, b.tied, b.total_text) for b in result.bidders] == [
        (1, True, "20.00"), (1, True, "20.00")]
    assert len(result.winners) == 2


@pytest.mark.parametrize(("mode", "expected"), [("half_up", "12.35"), ("half_even", "12.34")])
def test_rounding_mode_applies_to_what_is_shown(mode: str, expected: str) -> None:
    data = tender([scored("Q", 100, scale="pts10")], [bidder("A")], total="24.69",
                  scales=[range_scale("pts10", 10)], moderated={("A", "Q"): 5},
                  rounding=Rounding(2, mode))
    b = compute_lot(data, data.lots[0]).bidders[0]
    assert b.total == D("12.345")  # stage final: exact inside, rounded only when shown
    assert (b.total_text, b.criteria["Q"].points_text) == (expected, expected)


@pytest.mark.parametrize(("stage", "expected"), [("final", "33.33"), ("each_step", "33.34")])
def test_rounding_stage_each_step_rounds_each_leaf_before_adding(stage: str,
                                                                 expected: str) -> None:
    data = tender([scored("Q1", 50, scale="pts3"), scored("Q2", 50, scale="pts3")],
                  [bidder("A")], scales=[range_scale("pts3", 3)],
                  moderated={("A", "Q1"): 1, ("A", "Q2"): 1}, rounding=Rounding(stage=stage))
    b = compute_lot(data, data.lots[0]).bidders[0]
    assert b.total_text == expected
    if stage == "each_step":
        assert b.criteria["Q1"].points == D("16.67") and b.total == D("33.34")


def test_zero_decimals() -> None:
    data = tender([price(100)], [bidder("A", 2), bidder("B", 3)], rounding=Rounding(0))
    assert shown(data) == {"A": "100", "B": "67"}


def test_the_callers_decimal_context_neither_limits_nor_is_changed_by_scoring() -> None:
    data = tender([price(100)], [bidder("A", 3), bidder("B", 7)])
    expected = compute_lot(data, data.lots[0]).bidder("B").total
    with localcontext() as ctx:
        ctx.prec = 3
        assert compute_lot(data, data.lots[0]).bidder("B").total == expected
        assert ctx.prec == 3


def test_compute_gives_every_lot_in_order_and_every_criterion_per_bidder(
        demo_data: TenderData) -> None:
    results = compute(demo_data)
    assert [r.lot_id for r in results] == [lot.id for lot in demo_data.lots]
    for lot, result in zip(demo_data.lots, results, strict=True):
        ids = [c.id for c in lot.all_criteria()]
        for b in result.bidders:
            assert list(b.criteria) == ids
            assert all(cell.working for cell in b.criteria.values())
