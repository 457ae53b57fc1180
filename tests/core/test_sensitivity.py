"""The close-call report: margin, smallest mark change, and weight swings."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from tests.core.test_scoring_support import (
    D,
    bidder,
    gate,
    price,
    random_tenders,
    scored,
    tender,
)

from workbench.domain import Lot, TenderData
from workbench.scoring.mark_search import Mark, apply, scale_values
from workbench.scoring.results import compute_lot
from workbench.scoring.sensitivity import sensitivity, sensitivity_all, to_json
from workbench.scoring.weight_swing import reweighted


def _winners(data: TenderData, lot: Lot) -> set[str]:
    return {b.bidder.id for b in compute_lot(data, lot).winners}


def _quality_price() -> TenderData:
    """A: quality 5, price 200; B: quality 3, price 100; quality 60%, price 40%.

    Worked by hand: at quality weight w, A = w + (100 − w) × 0.5 = 50 + 0.5w and
    B = 0.6w + (100 − w) = 100 − 0.4w, equal at w = 500/9 = 55.56%. Today A 80, B 76.
    """
    return tender([scored("Q", 60, title="Quality"), price(40)],
                  [bidder("A", 200), bidder("B", 100)],
                  moderated={("A", "Q"): 5, ("B", "Q"): 3})


def test_margin_between_first_and_second_as_shown() -> None:
    data = _quality_price()
    call = sensitivity(data, data.lots[0])
    assert call.winners == ["A"] and call.runners_up == ["B"]
    assert call.margin == D("4.00")
    assert call.margin_text == "Bidder A leads Bidder B by 4.00 points (80.00 against 76.00)."


def test_a_tie_for_first_has_no_margin() -> None:
    data = tender([scored("Q", 100)], [bidder("A"), bidder("B")],
                  moderated={("A", "Q"): 4, ("B", "Q"): 4})
    call = sensitivity(data, data.lots[0])
    assert call.margin == 0
    assert call.margin_text == "Bidder A and Bidder B are tied for first place on 80.00."


def test_smallest_moderated_change_is_found_and_described() -> None:
    data = _quality_price()
    call = sensitivity(data, data.lots[0])
    assert call.mark is not None
    # A 5 → 4 and B 3 → 4 are both one step; the first in bidder order is reported.
    assert (call.mark.bidder, call.mark.criterion, call.mark.evaluator) == ("A", "Q", None)
    assert (call.mark.old, call.mark.new, call.mark.winners) == (D(5), D(4), ["B"])
    assert call.mark.text == (
        "If the moderated score of Bidder A on Q Quality were 4 instead of 5, Bidder B would "
        "win (Bidder B 76.00, Bidder A 68.00).")
    changed = apply(data.lots[0], Mark("A", "Q", None, D(5)), D(4))
    assert _winners(data, changed) == {"B"}


def test_before_moderation_one_evaluators_mark_is_the_change() -> None:
    data = tender([scored("Q", 100)], [bidder("A"), bidder("B")],
                  scores=[("E1", "A", "Q", 4), ("E2", "A", "Q", 4),
                          ("E1", "B", "Q", 3), ("E2", "B", "Q", 4)])
    call = sensitivity(data, data.lots[0])
    assert call.mark is not None and call.provisional
    assert call.mark.text == ("If Evaluator 1 had scored Bidder A 3 instead of 4 on Q Question "
                              "Q, Bidder A and Bidder B would tie for first (Bidder A 70.00, "
                              "Bidder B 70.00).")


def test_a_mark_below_the_minimum_excludes_the_winner() -> None:
    data = tender([scored("Q1", 50, minimum=2), scored("Q2", 50)],
                  [bidder("A"), bidder("B")],
                  moderated={("A", "Q1"): 2, ("A", "Q2"): 5, ("B", "Q1"): 2, ("B", "Q2"): 1})
    call = sensitivity(data, data.lots[0])
    assert call.mark is not None
    assert (call.mark.bidder, call.mark.criterion, call.mark.new) == ("A", "Q1", D(1))
    assert "Bidder A would be excluded (Q1 Question Q1: moderated score 1 is below the " \
           "minimum of 2), Bidder B would win" in call.mark.text


def test_no_single_mark_can_change_a_runaway_winner() -> None:
    data = tender([scored("Q1", 50), scored("Q2", 50)], [bidder("A"), bidder("B")],
                  moderated={("A", "Q1"): 5, ("A", "Q2"): 5, ("B", "Q1"): 0, ("B", "Q2"): 0})
    call = sensitivity(data, data.lots[0])
    assert call.mark is None
    assert call.mark_text == (
        "No single mark change, to any value its scale allows, would change the winner.")


def test_weight_at_which_the_winner_changes_matches_the_hand_worked_crossing() -> None:
    data = _quality_price()
    lot = data.lots[0]
    call = sensitivity(data, lot)
    quality, cost = call.weights
    assert (quality.lower, quality.lower_winners, quality.upper) == (D("55.55"), ["B"], None)
    assert quality.text == ("Q Quality (weight 60%): below 55.55%, Bidder B would win; "
                            "no change up to 100%.")
    assert (cost.lower, cost.upper, cost.upper_winners) == (None, D("44.45"), ["B"])
    assert _winners(data, reweighted(lot, "Q", D("55.5"))) == {"B"}
    assert _winners(data, reweighted(lot, "Q", D("55.6"))) == {"A"}
    assert _winners(data, reweighted(lot, "P", D("44.5"))) == {"B"}
    assert _winners(data, reweighted(lot, "P", D("44.4"))) == {"A"}


def test_a_weight_that_cannot_change_the_winner_says_so() -> None:
    data = tender([scored("Q", 50), scored("R", 50)], [bidder("A"), bidder("B")],
                  moderated={("A", "Q"): 5, ("A", "R"): 5, ("B", "Q"): 1, ("B", "R"): 1})
    texts = [w.text for w in sensitivity(data, data.lots[0]).weights]
    assert texts == ["Q Question Q (weight 50%): no change within 0–100%.",
                     "R Question R (weight 50%): no change within 0–100%."]


def test_reweighting_rescales_the_others_in_proportion() -> None:
    lot = tender([scored("Q", 60), price(30), scored("S", 10), gate()], [bidder("A")]).lots[0]
    q, p, s, g = (c.weight for c in reweighted(lot, "P", D(50)).criteria)
    assert p == D(50) and g is None and q is not None and s is not None
    assert abs(q - D("42.857142857142857")) < D("1e-15") and abs(q / s - 6) < D("1e-30")
    assert abs(q + p + s - 100) < D("1e-30")
    assert lot.criteria[1].weight == D(30)  # the original is untouched


def test_reweighting_away_from_a_criterion_holding_everything_shares_the_rest_equally() -> None:
    lot = tender([scored("Q", 100), scored("R", 0), price(0)], [bidder("A")]).lots[0]
    assert [c.weight for c in reweighted(lot, "Q", D(40)).criteria] == [D(40), D(30), D(30)]


def test_demo_report_and_json(demo_data: TenderData) -> None:
    calls = sensitivity_all(demo_data)
    assert [c.lot_id for c in calls] == [lot.id for lot in demo_data.lots]
    out = to_json(calls)
    first = out["lots"][0]
    assert set(first) >= {"id", "provisional", "winners", "margin", "mark_change", "weights"}
    assert all(line for call in calls for line in call.lines)
    for call, lot in zip(calls, demo_data.lots, strict=True):
        if call.mark is not None:
            mark = Mark(call.mark.bidder, call.mark.criterion, call.mark.evaluator, call.mark.old)
            assert _winners(demo_data, apply(lot, mark, call.mark.new)) != set(call.winners)


# -- against brute force ----------------------------------------------------------------------


def _every_change(data: TenderData) -> Decimal | None:
    """The smallest winner-changing mark change by trying every value of every mark."""
    lot = data.lots[0]
    before = _winners(data, lot)
    moderated = {(m.bidder, m.criterion) for m in lot.moderated}
    marks = [Mark(m.bidder, m.criterion, None, m.score) for m in lot.moderated]
    marks += [Mark(s.bidder, s.criterion, s.evaluator, s.score) for s in lot.scores
              if s.status == "submitted" and (s.bidder, s.criterion) not in moderated]
    best: Decimal | None = None
    for mark in marks:
        scale = data.scale(lot.criterion(mark.criterion).scale)  # type: ignore[union-attr]
        assert scale is not None
        for value in scale_values(scale):
            size = abs(value - mark.value) / (scale.highest - scale.lowest)
            if value == mark.value or (best is not None and size >= best):
                continue
            if _winners(data, apply(lot, mark, value)) != before:
                best = size
    return best


@settings(max_examples=60, deadline=None)
@given(random_tenders(max_bidders=4, gateways=True))
def test_the_reported_change_is_the_smallest_there_is(data: TenderData) -> None:
    lot = data.lots[0]
    call = sensitivity(data, lot)
    smallest = _every_change(data)
    if call.mark is None:
        assert smallest is None
        return
    scale = data.scale(lot.criterion(call.mark.criterion).scale)  # type: ignore[union-attr]
    assert scale is not None
    size = abs(call.mark.new - call.mark.old) / (scale.highest - scale.lowest)
    assert size == smallest
    mark = Mark(call.mark.bidder, call.mark.criterion, call.mark.evaluator, call.mark.old)
    assert _winners(data, apply(lot, mark, call.mark.new)) != set(call.winners)


def test_sensitivity_leaves_the_lot_untouched() -> None:
    data = _quality_price()
    before = replace(data.lots[0])
    sensitivity(data, data.lots[0])
    assert data.lots[0] == before
