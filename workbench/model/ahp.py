"""Pairwise weighting (AHP): compare criteria two at a time on Saaty's 1–9 scale, get weights.

Each judgement says how much more important one criterion is than another: 1 equally, 3
moderately, 5 strongly, 7 very strongly, 9 extremely (even numbers in between). The weights are
the principal eigenvector of the comparison matrix; the consistency ratio CR = CI / RI, with
CI = (λmax − n) / (n − 1) and RI Saaty's random index, says whether the judgements hang
together: below 0.10 is the usual test. Decimal arithmetic throughout, so the figures shown
are the figures compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from workbench.errors import ValidationError
from workbench.model.tree import to_hundred

#: Saaty's random consistency index for n criteria (Saaty 1980).
RANDOM_INDEX = {3: Decimal("0.58"), 4: Decimal("0.90"), 5: Decimal("1.12"), 6: Decimal("1.24"),
                7: Decimal("1.32"), 8: Decimal("1.41"), 9: Decimal("1.45"), 10: Decimal("1.49")}
ACCEPTABLE_RATIO = Decimal("0.10")
MAX_CRITERIA = 10
#: The words for each intensity (a judgement of k means "k times as important").
INTENSITY = {1: "equally important", 2: "equally to moderately more important",
             3: "moderately more important", 4: "moderately to strongly more important",
             5: "strongly more important", 6: "strongly to very strongly more important",
             7: "very strongly more important", 8: "very to extremely more important",
             9: "extremely more important"}
_ITERATIONS = 500
_TOLERANCE = Decimal("1e-20")


def ratio(judgement: int) -> Decimal:
    """A judgement from −8 to 8 as a matrix entry: 0 → 1 (equal), k > 0 → k + 1 (the first
    criterion is more important), k < 0 → 1 / (1 − k) (the second is)."""
    if not -8 <= judgement <= 8:
        raise ValidationError("a pairwise judgement runs from 9 times less to 9 times more "
                              "important")
    return Decimal(judgement + 1) if judgement >= 0 else 1 / Decimal(1 - judgement)


def describe(first: str, second: str, judgement: int) -> str:
    """ "Quality is strongly more important than Price (5)" """
    if judgement == 0:
        return f"{first} and {second} are equally important (1)"
    a, b = (first, second) if judgement > 0 else (second, first)
    k = abs(judgement) + 1
    return f"{a} is {INTENSITY[k]} than {b} ({k})"


@dataclass(frozen=True)
class Pairwise:
    """Derived weights (percent, adding up to 100) and how consistent the judgements were."""

    weights: dict[str, Decimal]
    lambda_max: Decimal
    consistency_ratio: Decimal | None  # None below three criteria: two are always consistent

    @property
    def consistent(self) -> bool:
        """True when the judgements pass Saaty's test (CR below 0.10)."""
        return self.consistency_ratio is None or self.consistency_ratio < ACCEPTABLE_RATIO


def derive(codes: Sequence[str], judgements: Mapping[tuple[str, str], int]) -> Pairwise:
    """Weights from judgements keyed (first, second) for first before second in `codes`;
    a missing pair counts as equal."""
    n = len(codes)
    if not 2 <= n <= MAX_CRITERIA:
        raise ValidationError(f"pairwise weighting compares 2 to {MAX_CRITERIA} criteria, "
                              f"not {n}")
    with localcontext() as ctx:
        ctx.prec = 40
        matrix = [[Decimal(1)] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                value = ratio(judgements.get((codes[i], codes[j]), 0))
                matrix[i][j], matrix[j][i] = value, 1 / value
        vector = [Decimal(1) / n] * n
        for _ in range(_ITERATIONS):
            product = [sum((row[j] * vector[j] for j in range(n)), Decimal(0)) for row in matrix]
            total = sum(product, Decimal(0))
            nxt = [v / total for v in product]
            done = max(abs(a - b) for a, b in zip(nxt, vector, strict=True)) < _TOLERANCE
            vector = nxt
            if done:
                break
        product = [sum((row[j] * vector[j] for j in range(n)), Decimal(0)) for row in matrix]
        lambda_max = sum((p / v for p, v in zip(product, vector, strict=True)), Decimal(0)) / n
        cr = None
        if n >= 3:
            ci = (lambda_max - n) / (n - 1)
            cr = max(ci / RANDOM_INDEX[n], Decimal(0)).quantize(Decimal("0.001"))
        weights = to_hundred(dict(zip(codes, vector, strict=True)))
    return Pairwise(weights, lambda_max.quantize(Decimal("0.0001")), cr)
