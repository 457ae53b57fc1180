"""Hand-computed cases of the scoring methods of issue 13: award methods, price range, quality
thresholds, the price ceiling, abnormally low tenders and missing prices."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tests.core.test_scoring_support import D, bidder, group, price, scored, tender

from workbench.domain import LowBidReview, TenderData
from workbench.scoring.results import LotResult, compute_lot, to_json


def _result(data: TenderData) -> LotResult:
    return compute_lot(data, data.lots[0])


def _lot(data: TenderData, **changes: object) -> TenderData:
    data.lots[0] = replace(data.lots[0], **changes)
    return data


# -- price range --------------------------------------------------------------------------


def test_price_range_places_each_bid_between_the_highest_and_lowest() -> None:
    data = tender([price(100, "price_range")],
                  [bidder("A", 90_000), bidder("B", 100_000), bidder("C", 120_000)], total=30)
    result = _result(data)
    a, b, c = (result.bidder(x) for x in "ABC")
    assert (a.total_text, b.total_text, c.total_text) == ("30.00", "20.00", "0.00")
    assert b.criteria["P"].working == "(£120,000 − £100,000) / (£120,000 − £90,000) × 30 = 20.00"


def test_price_range_gives_every_bidder_full_points_when_all_bids_are_equal() -> None:
    data = tender([price(100, "price_range")], [bidder("A", 5000), bidder("B", 5000)], total=30)
    result = _result(data)
    assert [b.total_text for b in result.bidders] == ["30.00", "30.00"]
    assert result.bidder("A").criteria["P"].working == (
        "every bid still in is £5,000: no range, so all 30 points = 30.00")


def test_price_range_is_taken_over_the_bidders_still_in() -> None:
    data = tender([price(100, "price_range")],
                  [bidder("A", 90_000), bidder("B", 100_000),
                   bidder("C", 150_000, withdrawn=True, reason="late"), bidder("D", 120_000)],
                  total=30)
    assert _result(data).bidder("B").total_text == "20.00"


# -- price per quality point -------------------------------------------------------------------


def _ppqp(a_price: object = 100_000) -> TenderData:
    data = tender([scored("Q1", 70), price(30)],
                  [bidder("A", a_price), bidder("B", 140_000), bidder("C", 98_000)],
                  moderated={("A", "Q1"): 4, ("B", "Q1"): 5, ("C", "Q1"): 3})
    return _lot(data, award_method="price_per_quality_point")


def test_price_per_quality_point_ranks_the_lowest_ratio_first() -> None:
    # quality points: A 4/5 × 70 = 56, B 70, C 42; ratios 100,000/56, 140,000/70, 98,000/42
    result = _result(_ppqp())
    assert [(b.id, b.total_text, b.ratio_text, b.rank) for b in result.bidders] == [
        ("A", "56.00", "1785.71", 1), ("B", "70.00", "2000.00", 2), ("C", "42.00", "2333.33", 3)]
    assert result.bidder("A").ratio_working == (
        "£100,000 / 56.00 quality points = £1,785.71 per point")
    assert not result.provisional


def test_price_per_quality_point_in_results_json() -> None:
    out = to_json([_result(_ppqp())])["lots"][0]
    assert out["award_method"] == "price_per_quality_point"
    first = out["bidders"][0]
    assert (first["total"], first["ratio"], first["rank"]) == ("56.00", "1785.71", 1)
    assert list(first)[:4] == ["id", "name", "total", "ratio"]


def test_equal_ratios_share_a_rank_and_are_tied() -> None:
    result = _result(_ppqp(a_price=112_000))  # 112,000 / 56 = 2,000 = 140,000 / 70
    a, b = result.bidder("A"), result.bidder("B")
    assert (a.ratio_text, b.ratio_text) == ("2000.00", "2000.00")
    assert (a.rank, b.rank, a.tied, b.tied) == (1, 1, True, True)
    assert result.bidder("C").rank == 3


def test_weighted_points_results_carry_no_ratio() -> None:
    out = to_json([_result(_lot(_ppqp(), award_method="weighted_points"))])["lots"][0]
    assert "ratio" not in out["bidders"][0]


# -- quality threshold ---------------------------------------------------------------------------


def _threshold(percent: object, **kwargs: object) -> TenderData:
    quality = group("Q", 60, scored("Q1", 100), title="Quality")
    quality.minimum_percent = D(str(percent))
    return tender([quality, price(40)], [bidder("A", 100), bidder("B", 100)], **kwargs)


def test_a_group_threshold_excludes_a_bidder_below_it_naming_group_threshold_and_points() -> None:
    # W(Q) = 60; 60% of it is 36 points, a score of 3 of 5. B scores 2: 24 points.
    result = _result(_threshold(60, moderated={("A", "Q1"): 3, ("B", "Q1"): 2}))
    a, b = result.bidder("A"), result.bidder("B")
    assert (a.rank, a.total_text) == (1, "76.00")
    assert b.excluded and b.rank is None
    assert b.reasons == ["Q Quality: 24.00 points are below the quality threshold of 60% "
                         "(36.00 of 60.00 points)"]
    assert b.excluded_by == ["Q"]
    assert not result.provisional


def test_a_threshold_on_mean_scores_is_provisional_and_keeps_the_lot_provisional() -> None:
    data = _threshold(60, scores=[("E1", "A", "Q1", 3), ("E1", "B", "Q1", 2),
                                  ("E2", "B", "Q1", 2)])
    result = _result(data)
    assert result.bidder("B").reasons[0].endswith("(provisional)")
    assert result.provisional


# -- price ceiling ---------------------------------------------------------------------------


def test_a_bid_above_the_price_ceiling_is_excluded_with_ceiling_and_bid_named() -> None:
    data = tender([price(100)], [bidder("A", 100_000), bidder("B", "100000.01"),
                                 bidder("C", 95_000)])
    result = _result(_lot(data, price_ceiling=D(100_000)))
    assert not result.bidder("A").excluded  # at the ceiling is within it
    assert result.bidder("B").reasons == [
        "price £100,000.01 is above the price ceiling of £100,000"]


# -- abnormally low tenders ------------------------------------------------------------------


def _low(*prices: object, percent: object = 20) -> TenderData:
    data = tender([price(100)], [bidder(chr(65 + i), p) for i, p in enumerate(prices)])
    data.tender.abnormally_low_percent = D(str(percent))
    return data


def test_a_bid_more_than_the_set_percentage_below_the_mean_of_the_others_is_flagged() -> None:
    # C: the others' mean is 100; 20% below is 80; 70 is below it. A: mean(100, 70) = 85 → 68.
    result = _result(_low(100, 100, 70))
    assert [result.bidder(x).abnormally_low for x in "ABC"] == [False, False, True]
    assert result.provisional
    assert result.notes == ["abnormally low tender from Bidder C awaits a recorded decision"]
    flags = {b["id"]: b["abnormally_low"] for b in to_json([result])["lots"][0]["bidders"]}
    assert flags == {"A": False, "B": False, "C": True}


def test_exactly_the_set_percentage_below_is_not_flagged_and_the_setting_counts() -> None:
    assert not any(b.abnormally_low for b in _result(_low(100, 100, 80)).bidders)
    assert _result(_low(100, 100, 80, percent=10)).bidder("C").abnormally_low


def test_a_zero_bid_is_always_flagged() -> None:
    result = _result(_low(0))
    assert result.bidder("A").abnormally_low and result.provisional


def test_a_recorded_decision_settles_the_flag() -> None:
    data = _low(100, 100, 70)
    review = LowBidReview("C", D(70), "How is 70 possible?", "Volunteers", "accept", "credible")
    data.lots[0].low_bid_reviews.append(review)
    result = _result(data)
    assert result.bidder("C").abnormally_low and not result.provisional
    review.decision, review.reason = "exclude", "not sustainable"
    result = _result(data)
    c = result.bidder("C")
    assert c.excluded and c.abnormally_low
    assert c.reasons == ["abnormally low tender excluded: not sustainable"]
    assert not result.provisional


def test_a_decision_on_an_earlier_price_does_not_answer_a_new_flag() -> None:
    data = _low(100, 100, 60)
    data.lots[0].low_bid_reviews.append(
        LowBidReview("C", D(70), "q", "r", "exclude", "not sustainable"))
    result = _result(data)
    assert not result.bidder("C").excluded and result.provisional


# -- missing price ---------------------------------------------------------------------------


def test_a_missing_price_keeps_the_lot_provisional_naming_the_bidder() -> None:
    data = tender([scored("Q1", 70), price(30)], [bidder("A", 100), bidder("B")],
                  moderated={("A", "Q1"): 4, ("B", "Q1"): 4})
    result = _result(data)
    assert result.provisional and result.notes == ["no price entered for Bidder B"]


def test_no_price_is_needed_when_price_is_fixed() -> None:
    data = tender([scored("Q1", 100), price(0, "fixed")], [bidder("A", 100), bidder("B")],
                  moderated={("A", "Q1"): 4, ("B", "Q1"): 4})
    assert not _result(data).provisional


def test_price_per_quality_point_needs_every_price() -> None:
    data = _lot(tender([scored("Q1", 100)], [bidder("A", 100), bidder("B")],
                       moderated={("A", "Q1"): 4, ("B", "Q1"): 4}),
                award_method="price_per_quality_point")
    result = _result(data)
    assert result.notes == ["no price entered for Bidder B"]
    b = result.bidder("B")
    assert (b.rank, b.ratio) == (2, None)


def test_social_value_policy_applies_to_the_quality_score_under_price_per_quality_point() -> None:
    from workbench.model_rules import problems
    sv = scored("SV", 10)
    sv.theme = "Wellbeing"
    data = tender([scored("Q1", 50), sv, price(40)], [bidder("A", 100)])
    assert not [p for p in problems(data) if "social value" in p.message]
    data = _lot(data, award_method="price_per_quality_point")
    # 10 of the 60 quality points: 16.67% of the quality score, above the 10% minimum
    assert not [p for p in problems(data) if "social value" in p.message]
    data.tender.social_value_minimum_weight = Decimal(20)
    [warning] = [p for p in problems(data) if "social value" in p.message]
    assert "16.67% of the quality score" in warning.message
