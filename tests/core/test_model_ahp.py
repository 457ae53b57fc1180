"""Pairwise (AHP) weights and the consistency ratio against worked examples."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.errors import ValidationError
from workbench.model.ahp import derive, describe, ratio


def test_textbook_example() -> None:
    # A is 3× as important as B and 5× as important as C; B is 3× as important as C.
    # Principal eigenvector ≈ (0.637, 0.258, 0.105), λmax ≈ 3.039, CR ≈ 0.033.
    result = derive(["A", "B", "C"], {("A", "B"): 2, ("A", "C"): 4, ("B", "C"): 2})
    assert result.weights == {"A": Decimal("63.70"), "B": Decimal("25.83"),
                              "C": Decimal("10.47")}
    assert result.lambda_max == Decimal("3.0385")
    assert result.consistency_ratio == Decimal("0.033")
    assert result.consistent


def test_two_criteria_are_always_consistent() -> None:
    result = derive(["Q", "P"], {("Q", "P"): -2})  # P is 3× as important as Q
    assert result.weights == {"Q": 25, "P": 75}
    assert result.consistency_ratio is None and result.consistent


def test_contradictory_judgements_are_flagged() -> None:
    result = derive(["A", "B", "C"], {("A", "B"): 8, ("B", "C"): 8, ("A", "C"): -8})
    assert result.consistency_ratio is not None and not result.consistent


def test_limits_and_words() -> None:
    with pytest.raises(ValidationError):
        derive(["A"], {})
    with pytest.raises(ValidationError):
        ratio(9)
    assert ratio(-2) == 1 / Decimal(3)
    assert describe("Quality", "Price", 4) == "Quality is strongly more important than Price (5)"
    assert describe("Quality", "Price", 0) == "Quality and Price are equally important (1)"


@given(st.lists(st.integers(-8, 8), min_size=6, max_size=6))
def test_weights_always_add_up_to_one_hundred(values: list[int]) -> None:
    codes = ["A", "B", "C", "D"]
    pairs = [(a, b) for i, a in enumerate(codes) for b in codes[i + 1:]]
    result = derive(codes, dict(zip(pairs, values, strict=True)))
    assert sum(result.weights.values()) == 100
    assert all(w >= 0 for w in result.weights.values())
