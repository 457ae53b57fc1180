"""Krippendorff's alpha (ordinal) and each evaluator's lean against the agreed scores."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from workbench.domain import (
    Bidder,
    Criterion,
    Evaluator,
    Lot,
    ModeratedScore,
    Scale,
    ScaleLevel,
    Score,
    Tender,
    TenderData,
)
from workbench.moderation.agreement import (
    agreement_table,
    evaluator_deviation,
    krippendorff_alpha,
)

D = Decimal

#: Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", the worked example with
#: missing data: 4 observers (rows) × 12 units (columns), values 1–5, None = not coded. The
#: paper gives ordinal alpha = 0.815 (nominal 0.743, interval 0.849, ratio 0.797).
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def _units(rows: list[list[int | None]]) -> list[list[Decimal]]:
    return [[D(row[u]) for row in rows if row[u] is not None] for u in range(len(rows[0]))]


def test_published_worked_example_gives_0_815() -> None:
    alpha = krippendorff_alpha(_units(KRIPPENDORFF_2011))
    assert alpha is not None
    assert round(float(alpha), 3) == 0.815


def test_hand_worked_two_coder_example() -> None:
    """Units {1,1}, {1,2}, {2,2}. Coincidences o11 = 2, o12 = o21 = 1, o22 = 2, so n1 = n2 = 3
    and n = 6. Ordinal δ²12 = (n1 + n2 − (n1 + n2)/2)² = 3² = 9. Σ o·δ² = 2 × 1 × 9 = 18;
    Σ n·n·δ² = 2 × 3 × 3 × 9 = 162. α = 1 − (n − 1) × 18 / 162 = 1 − 5/9 = 4/9."""
    units = [[D(1), D(1)], [D(1), D(2)], [D(2), D(2)]]
    assert krippendorff_alpha(units) == Fraction(4, 9)


def test_perfect_agreement_is_one_and_no_variation_is_undefined() -> None:
    assert krippendorff_alpha([[D(1)] * 3, [D(3)] * 3, [D(5)] * 3]) == 1
    assert krippendorff_alpha([[D(4), D(4)], [D(4), D(4), D(4)]]) is None


def test_units_with_a_single_mark_are_left_out() -> None:
    units = _units(KRIPPENDORFF_2011)
    assert krippendorff_alpha([*units, [D(5)]]) == krippendorff_alpha(units)
    assert krippendorff_alpha([[D(1)], [D(2)]]) is None
    assert krippendorff_alpha([]) is None


@given(st.lists(st.lists(st.integers(0, 5), min_size=2, max_size=7), min_size=1, max_size=12))
def test_ordinal_alpha_depends_only_on_the_order_of_values(marks: list[list[int]]) -> None:
    # Any strictly increasing relabelling (0..5 → 0, 10, 11, 40, 41, 99) keeps alpha the same.
    relabel = {0: 0, 1: 10, 2: 11, 3: 40, 4: 41, 5: 99}
    plain = krippendorff_alpha([[D(m) for m in unit] for unit in marks])
    moved = krippendorff_alpha([[D(relabel[m]) for m in unit] for unit in marks])
    assert plain == moved
    assert plain is None or plain <= 1


def _lot_with(scores: list[Score], moderated: list[ModeratedScore]) -> TenderData:
    scale = Scale("0-5", "0-5", [ScaleLevel(D(v), str(v)) for v in range(6)])
    q1 = Criterion("Q1", "Approach", "scored", D(100), scale="0-5")
    lot = Lot("L1", "Lot", [q1], [Bidder(f"B{i}", f"Bidder {i}") for i in range(1, 4)], [],
              scores, moderated)
    panel = [Evaluator("E1", "Ann"), Evaluator("E2", "Ben"), Evaluator("E3", "Cat")]
    return TenderData(Tender("T"), [scale], panel, [lot])


def test_agreement_table_per_criterion_from_submitted_scores_only() -> None:
    scores = [Score("E1", "B1", "Q1", D(1)), Score("E2", "B1", "Q1", D(1)),
              Score("E1", "B2", "Q1", D(1)), Score("E2", "B2", "Q1", D(2)),
              Score("E1", "B3", "Q1", D(2)), Score("E2", "B3", "Q1", D(2)),
              Score("E3", "B3", "Q1", D(0), status="draft")]
    data = _lot_with(scores, [])
    (row,) = agreement_table(data, data.lots[0])
    assert row.criterion.id == "Q1"
    assert row.alpha == D("0.444")  # 4/9, three decimals
    assert (row.bidders, row.evaluators) == (3, 2)
    assert row.reading == "Their marks tell different stories"


def test_agreement_reading_when_nothing_to_compare() -> None:
    data = _lot_with([Score("E1", "B1", "Q1", D(3))], [])
    (row,) = agreement_table(data, data.lots[0])
    assert row.alpha is None and row.bidders == 0
    assert row.reading.startswith("Not enough marks")


def test_evaluator_deviation_reads_harder_and_softer_markers() -> None:
    scores = []
    for bidder, agreed in (("B1", 3), ("B2", 4), ("B3", 2)):
        scores += [Score("E1", bidder, "Q1", D(agreed + 1)), Score("E2", bidder, "Q1", D(agreed)),
                   Score("E3", bidder, "Q1", D(agreed - 1 if bidder != "B3" else agreed))]
    moderated = [ModeratedScore("B1", "Q1", D(3)), ModeratedScore("B2", "Q1", D(4)),
                 ModeratedScore("B3", "Q1", D(2))]
    data = _lot_with(scores, moderated)
    ann, ben, cat = evaluator_deviation(data, data.lots[0])
    assert (ann.evaluator.name, ann.compared, ann.mean, ann.distance) == ("Ann", 3, 1, 1)
    assert ann.share == D("0.2") and ann.reading.startswith("Softer marker")
    assert ben.mean == 0 and ben.reading == "Close to the agreed scores"
    assert round(cat.mean, 4) == D("-0.6667") and cat.reading.startswith("Harder marker")


def test_evaluator_deviation_before_any_agreement() -> None:
    data = _lot_with([Score("E2", "B1", "Q1", D(3))], [])
    (ben,) = evaluator_deviation(data, data.lots[0])
    assert ben.compared == 0 and ben.mean is None
    assert ben.reading == "No agreed scores to compare with yet"


def test_demo_tender_agreement_has_a_row_per_scored_question(demo_data: TenderData) -> None:
    lot = demo_data.lots[0]
    rows = agreement_table(demo_data, lot)
    assert [r.criterion.id for r in rows] == ["Q1", "Q2", "Q3", "Q4", "SV1"]
    assert all(r.alpha is not None and -1 <= r.alpha <= 1 for r in rows)
    assert [d.evaluator.id for d in evaluator_deviation(demo_data, lot)] == ["E1", "E2", "E3"]
