"""Moderation items: marks, spread, mean, median, flags, outliers, ordering and filters."""

from __future__ import annotations

from decimal import Decimal

import pytest

from workbench.domain import (
    Bidder,
    Criterion,
    Evaluator,
    Lot,
    ModeratedScore,
    ModerationRules,
    PanelRules,
    Scale,
    ScaleLevel,
    Score,
    Tender,
    TenderData,
)
from workbench.moderation.flags import (
    Parked,
    Rules,
    arrange,
    flag_text,
    lot_items,
    median,
    outlier,
    rules_of,
)

D = Decimal
PANEL = [Evaluator(f"E{i}", f"Evaluator person {i}") for i in range(1, 6)]


def _data(marks: dict[tuple[str, str], list[int]], bidders: int = 3,
          moderated: list[ModeratedScore] | None = None) -> TenderData:
    scale = Scale("0-5", "0-5", [ScaleLevel(D(v), str(v)) for v in range(6)])
    wide = Scale("pts", "0-60", min=D(0), max=D(60), step=D(1))
    criteria = [Criterion("Q", "Quality", "group", D(100), [
        Criterion("Q1", "Approach", "scored", D(50), scale="0-5"),
        Criterion("Q2", "Staffing", "scored", D(50), scale="pts")])]
    people = [Bidder(f"B{i}", f"Bidder {i}") for i in range(1, bidders + 1)]
    scores = [Score(f"E{e + 1}", b, c, D(m)) for (b, c), ms in marks.items()
              for e, m in enumerate(ms)]
    lot = Lot("L1", "Lot", criteria, people, [], scores, moderated or [])
    return TenderData(Tender("T"), [scale, wide], PANEL, [lot])


def _items(data: TenderData, rules: Rules | None = None, parked=None):
    return {item.key: item for item in lot_items(data, data.lots[0], rules or Rules(), parked)}


def test_rules_from_the_tender_row_and_percent_of_the_range() -> None:
    rules = rules_of(Tender("T", panel=PanelRules(True, 2, 30),
                            moderation=ModerationRules(D(25), "percent")))
    assert rules == Rules(D(25), "percent", 30, True)
    scale = Scale("pts", "0-60", min=D(0), max=D(60), step=D(1))
    assert rules.threshold(scale) == 15
    assert Rules().threshold(scale) == 2
    assert rules.describe() == "25% of the scale" and Rules().describe() == "2 points"


def test_item_statistics_and_spread_flag() -> None:
    items = _items(_data({("B1", "Q1"): [2, 4, 3], ("B2", "Q1"): [3, 4], ("B3", "Q1"): [5]}))
    b1 = items[("B1", "Q1")]
    assert [m.score for m in b1.marks] == [2, 4, 3]
    assert (b1.spread, b1.mean, b1.median) == (2, 3, 3)
    assert b1.spread_flag and b1.flagged and b1.state == "open"
    b2 = items[("B2", "Q1")]
    assert (b2.spread, b2.mean, b2.median) == (1, D("3.5"), D("3.5"))
    assert not b2.flagged
    assert b2.median_on_scale is None  # 3.5 is not a level of the 0–5 scale
    assert items[("B3", "Q1")].spread == 0
    nobody = items[("B1", "Q2")]
    assert nobody.marks == () and nobody.spread is None and not nobody.flagged


def test_percent_threshold_flags_by_share_of_each_scale() -> None:
    data = _data({("B1", "Q1"): [1, 3], ("B1", "Q2"): [30, 50]})
    items = _items(data, Rules(D(40), "percent"))
    assert items[("B1", "Q1")].threshold == 2 and items[("B1", "Q1")].flagged
    assert items[("B1", "Q2")].threshold == 24 and not items[("B1", "Q2")].flagged


def test_outlier_is_one_mark_apart_from_a_close_panel() -> None:
    data = _data({("B1", "Q1"): [3, 3, 5, 3, 3], ("B2", "Q1"): [1, 3, 5],
                  ("B3", "Q1"): [1, 1, 5, 5]})
    items = _items(data)
    assert items[("B1", "Q1")].outlier == "E3"
    assert items[("B2", "Q1")].outlier is None  # spread out, nobody alone
    assert items[("B3", "Q1")].outlier is None  # two camps
    names = {"E3": "Evaluator 3"}.get
    assert flag_text(items[("B1", "Q1")], lambda e: names(e) or e) == [
        "marks are 2 apart (flagged at 2)", "Evaluator 3 stands apart from the others"]


def test_outlier_needs_three_marks() -> None:
    assert median([D(1), D(5)]) == 3
    assert outlier((), D(2)) is None


def test_drafts_are_counted_but_not_marks_and_withdrawn_bidders_left_out() -> None:
    data = _data({("B1", "Q1"): [2, 4]})
    lot = data.lots[0]
    lot.scores.append(Score("E3", "B1", "Q1", D(0), status="draft"))
    lot.bidders[2].withdrawn = True
    items = _items(data)
    assert [m.score for m in items[("B1", "Q1")].marks] == [2, 4]
    assert items[("B1", "Q1")].drafts == 1
    assert ("B3", "Q1") not in items and len(items) == 4


def test_states_agreed_and_parked() -> None:
    data = _data({("B1", "Q1"): [2, 4]}, moderated=[ModeratedScore("B1", "Q1", D(3), "why")])
    items = _items(data, parked={("B2", "Q1"): Parked("B2", "Q1", "ask HR", "now")})
    assert items[("B1", "Q1")].state == "agreed"
    assert items[("B2", "Q1")].state == "parked"
    assert items[("B3", "Q1")].state == "open"


def test_arrange_orders_and_filters() -> None:
    data = _data({("B1", "Q1"): [3, 3], ("B2", "Q1"): [1, 5], ("B3", "Q1"): [2, 4],
                  ("B1", "Q2"): [10, 20], ("B2", "Q2"): [40, 41], ("B3", "Q2"): [0, 60]},
                 moderated=[ModeratedScore("B3", "Q2", D(30))])
    items = lot_items(data, data.lots[0], Rules(),
                      {("B1", "Q1"): Parked("B1", "Q1", "", "now")})
    keys = [i.key for i in arrange(items)]
    assert keys[:3] == [("B1", "Q1"), ("B2", "Q1"), ("B3", "Q1")]
    assert [i.key for i in arrange(items, "bidder")][:2] == [("B1", "Q1"), ("B1", "Q2")]
    by_spread = [i.key for i in arrange(items, "disagreement")]
    assert by_spread[:3] == [("B3", "Q2"), ("B1", "Q2"), ("B2", "Q1")]
    assert [i.key for i in arrange(items, show="flagged", criterion="Q1")] == [
        ("B2", "Q1"), ("B3", "Q1")]
    assert ("B3", "Q2") not in [i.key for i in arrange(items, show="open")]
    assert ("B1", "Q1") in [i.key for i in arrange(items, show="open")]
    assert [i.key for i in arrange(items, show="parked")] == [("B1", "Q1")]
    with pytest.raises(ValueError, match="unknown order"):
        arrange(items, "alphabetical")
