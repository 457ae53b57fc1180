"""Starter models and the social value block from the Social Value Model themes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from workbench.domain import PPN002_MISSIONS, SOCIAL_VALUE_THEMES, Lot, Tender, TenderData
from workbench.errors import ValidationError
from workbench.model.templates import (
    PPN002_OUTCOMES,
    SOCIAL_VALUE_OUTCOMES,
    add_social_value_block,
    apply_starter,
    starter_model,
)
from workbench.model_rules import problems
from workbench.scoring.weights import social_value_percent
from workbench.storage import TenderFile


@pytest.fixture
def empty_lot(tmp_path: Path) -> Path:
    path = tmp_path / "empty.tender"
    data = TenderData(Tender("New tender", social_value_minimum_weight=Decimal(15)),
                      lots=[Lot("L1", "Only lot")])
    TenderFile.create(path, data).close()
    return path


def test_outcomes_cover_every_theme_with_titles_only() -> None:
    assert {theme for theme, _ in SOCIAL_VALUE_OUTCOMES} == set(SOCIAL_VALUE_THEMES)
    assert len(SOCIAL_VALUE_OUTCOMES) == 8


def test_starter_model_is_valid_and_meets_the_policy(empty_lot: Path) -> None:
    with TenderFile.open(empty_lot) as tf:
        apply_starter(tf, "L1")
        data = tf.load()
    lot = data.lot("L1")
    assert [c.id for c in lot.criteria] == ["Q", "P", "SV", "G1"]
    assert [c.weight for c in lot.criteria[:3]] == [55, 30, 15]  # quality gives way to SV
    assert data.scale("0-5") is not None  # the standard scale came with it
    assert problems(data) == []
    assert social_value_percent(lot) == 15


def test_starter_goes_into_an_empty_lot_only(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf, pytest.raises(
            ValidationError, match="lot L1 already has criteria"):
        apply_starter(tf, "L1")


def test_social_value_block_is_tagged_and_weighted_equally(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        code = add_social_value_block(tf, "L1", [3, 4, 5], model="ppn0620")
        lot = tf.load().lot("L1")
    assert code == "SV_2"  # SV is taken in the demo
    block = lot.criteria[-1]
    assert block.weight == 10 and block.kind == "group"
    assert [c.weight for c in block.children] == [Decimal("33.34"), Decimal("33.33"),
                                                  Decimal("33.33")]
    assert [c.theme for c in block.children] == ["Fighting climate change",
                                                 "Equal opportunity", "Equal opportunity"]
    assert block.children[0].title == "Effective stewardship of the environment"


def test_todays_model_tags_each_outcome_with_its_mission(demo_tender: Path) -> None:
    assert {mission for mission, _ in PPN002_OUTCOMES} <= set(PPN002_MISSIONS)
    with TenderFile.open(demo_tender) as tf:
        add_social_value_block(tf, "L2", [0, 6])  # today's model unless the user chooses
        block = tf.load().lot("L2").criteria[-1]  # type: ignore[union-attr]
        with pytest.raises(ValidationError, match="unknown social value model 'ppn99'"):
            add_social_value_block(tf, "L2", [0], model="ppn99")
    assert [(c.title, c.theme) for c in block.children] == [
        ("Fair work", "Kickstart economic growth"),
        ("Increasing productivity through physical and mental wellbeing",
         "Build an NHS fit for the future")]
    assert all(c.kind == "scored" and c.question for c in block.children)


def test_starter_keeps_price_and_quality_positive() -> None:
    roots = starter_model(Decimal(10), "0-5")
    assert [c.weight for c in roots[:3]] == [60, 30, 10]
