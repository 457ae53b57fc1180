"""How far the panel agreed: Krippendorff's alpha per criterion, and each evaluator's lean.

Both read the evaluators' *submitted* individual scores of one lot; the evaluation pack and
the moderation screen show the same figures from `agreement_table` and `evaluator_deviation`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from workbench.domain import Criterion, Evaluator, Lot, TenderData
from workbench.scoring.formulas import exact

#: Krippendorff's guidance: rely on data with alpha ≥ 0.800; draw only tentative conclusions
#: from 0.667 ≤ alpha < 0.800; below 0.667 the data do not support conclusions.
RELIABLE = Decimal("0.800")
TENTATIVE = Decimal("0.667")
#: An evaluator whose marks sit, on average, this share of the scale's range or more above
#: (below) the agreed scores is read as a softer (harder) marker: 0.25 on a 0–5 scale.
LEAN = Decimal("0.05")
_THOUSANDTHS = Decimal("0.001")


def krippendorff_alpha(units: Iterable[Iterable[Decimal]]) -> Fraction | None:
    """Krippendorff's alpha with the ordinal metric, exactly, or None where it is undefined.

    `units` holds, per unit of analysis (here: a bidder), the values the coders (here: the
    evaluators) gave it; a coder who gave none is simply absent, so missing values need no
    marker. Following Krippendorff, K. (2011) "Computing Krippendorff's Alpha-Reliability",
    University of Pennsylvania, ScholarlyCommons, http://repository.upenn.edu/asc_papers/43:

    - a unit with m_u ≥ 2 values is *pairable*; the others are dropped;
    - coincidences: o_ck = Σ_u (number of ordered pairs of values c, k in u) / (m_u − 1);
      n_c = Σ_k o_ck, and n = Σ_c n_c is the number of pairable values;
    - ordinal difference, with values in rank order c ≤ k:
      δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k) / 2)²;
    - α = 1 − D_o / D_e = 1 − (n − 1) · Σ_c,k o_ck δ²_ck / Σ_c,k n_c n_k δ²_ck.

    α = 1 is perfect agreement, 0 is agreement no better than chance, below 0 is systematic
    disagreement. It is undefined (None) with no pairable unit, or when every pairable value is
    the same (no variation to disagree about, D_e = 0).
    """
    # Count pairs in whole numbers per unit size m, then divide once per size: the same
    # o_ck, with a handful of exact fractions instead of one per unit.
    by_size: dict[int, Counter[tuple[Decimal, Decimal]]] = {}
    for unit in units:
        counts = Counter(unit)
        m = sum(counts.values())
        if m < 2:
            continue
        pairs = by_size.setdefault(m, Counter())
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs[(c, k)] += n_c * (n_c - 1) if c == k else n_c * n_k
    coincidences: defaultdict[tuple[Decimal, Decimal], Fraction] = defaultdict(Fraction)
    for m, pairs in by_size.items():
        for key, count in pairs.items():
            coincidences[key] += Fraction(count, m - 1)
    values = sorted({c for c, _ in coincidences})
    margins = {c: sum((coincidences[(c, k)] for k in values), Fraction(0)) for c in values}
    n = sum(margins.values(), Fraction(0))
    # Cumulative margins make each δ² a constant-time look-up:
    # Σ_{g=c..k} n_g = cum[k] − cum[c] + n_c.
    cumulative: dict[Decimal, Fraction] = {}
    running = Fraction(0)
    for v in values:
        running += margins[v]
        cumulative[v] = running
    observed = expected = Fraction(0)
    for i, c in enumerate(values):
        for k in values[i + 1:]:
            between = cumulative[k] - cumulative[c] + margins[c]
            root = between - (margins[c] + margins[k]) / 2
            delta = root * root
            # δ² is symmetric and zero on the diagonal: count each unordered pair twice.
            observed += 2 * coincidences[(c, k)] * delta
            expected += 2 * margins[c] * margins[k] * delta
    if n == 0 or expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


@dataclass(frozen=True)
class CriterionAgreement:
    """Agreement on one scored criterion: alpha (three decimals, as Krippendorff reports it),
    how many bidders at least two evaluators marked, how many evaluators marked, and a reading
    in plain English."""

    criterion: Criterion
    alpha: Decimal | None
    bidders: int
    evaluators: int
    reading: str


@dataclass(frozen=True)
class EvaluatorDeviation:
    """One evaluator against the agreed scores of a lot.

    `compared` counts their submitted marks that have an agreed score. `mean` is the average of
    (their mark − agreed score) in scale points: below 0 they mark harder than the panel agreed,
    above 0 softer. `distance` is the average size of the difference whichever way. `share` is
    `mean` as a fraction of each scale's range, comparable across scales. None while nothing
    can be compared.
    """

    evaluator: Evaluator
    compared: int
    mean: Decimal | None
    distance: Decimal | None
    share: Decimal | None
    reading: str


def agreement_table(data: TenderData, lot: Lot) -> list[CriterionAgreement]:
    """Per scored criterion of `lot`, in model order: Krippendorff's alpha (ordinal) on the
    evaluators' submitted scores, bidders as units and evaluators as coders.

    Every bidder's marks count, withdrawn or not: the question is how consistently the panel
    marked, not who is still in the competition.
    """
    rows = []
    for criterion in lot.all_criteria():
        if criterion.kind != "scored":
            continue
        by_bidder: dict[str, list[Decimal]] = {}
        markers = set()
        for s in lot.scores:
            if s.criterion == criterion.id and s.status == "submitted":
                by_bidder.setdefault(s.bidder, []).append(s.score)
                markers.add(s.evaluator)
        units = list(by_bidder.values())
        paired = sum(len(unit) >= 2 for unit in units)
        alpha = krippendorff_alpha(units)
        value = None
        if alpha is not None:
            with exact():
                value = (Decimal(alpha.numerator) / Decimal(alpha.denominator)).quantize(
                    _THOUSANDTHS, rounding=ROUND_HALF_UP)
        rows.append(CriterionAgreement(criterion, value, paired, len(markers),
                                       _alpha_reading(value, paired)))
    return rows


def _alpha_reading(alpha: Decimal | None, paired: int) -> str:
    if alpha is None:
        if paired == 0:
            return "Not enough marks yet: needs two evaluators marking the same bid"
        return "Every evaluator gave every bid the same mark"
    if alpha >= RELIABLE:
        return "The evaluators agree well"
    if alpha >= TENTATIVE:
        return "Partly agree: rely on these marks with care"
    if alpha >= 0:
        return "Their marks tell different stories"
    return "They disagree more than chance would"


def evaluator_deviation(data: TenderData, lot: Lot) -> list[EvaluatorDeviation]:
    """Per evaluator who submitted marks on `lot` (panel order): how their marks sit against
    the consensus scores agreed so far — a harder marker, a softer marker, or close to it."""
    agreed = {(m.bidder, m.criterion): m.score for m in lot.moderated}
    ranges: dict[str, Decimal] = {}
    for c in lot.all_criteria():
        scale = data.scale(c.scale) if c.kind == "scored" else None
        if scale is not None:
            ranges[c.id] = scale.highest - scale.lowest
    differences: dict[str, list[tuple[Decimal, Decimal]]] = {}
    marked = set()
    for s in lot.scores:
        if s.status != "submitted":
            continue
        marked.add(s.evaluator)
        key = (s.bidder, s.criterion)
        if key in agreed and ranges.get(s.criterion):
            differences.setdefault(s.evaluator, []).append(
                (s.score - agreed[key], ranges[s.criterion]))
    rows = []
    with exact():
        for evaluator in data.evaluators:
            if evaluator.id not in marked:
                continue
            found = differences.get(evaluator.id, [])
            if not found:
                rows.append(EvaluatorDeviation(evaluator, 0, None, None, None,
                                               "No agreed scores to compare with yet"))
                continue
            count = len(found)
            mean = sum((d for d, _ in found), Decimal(0)) / count
            distance = sum((abs(d) for d, _ in found), Decimal(0)) / count
            share = sum((d / r for d, r in found), Decimal(0)) / count
            rows.append(EvaluatorDeviation(evaluator, count, mean, distance, share,
                                           _lean_reading(share)))
    return rows


def _lean_reading(share: Decimal) -> str:
    if share <= -LEAN:
        return "Harder marker: usually below the agreed score"
    if share >= LEAN:
        return "Softer marker: usually above the agreed score"
    return "Close to the agreed scores"
