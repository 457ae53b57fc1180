"""Scales: templates, the rules a scale meets, and changes that would orphan recorded scores."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from workbench.domain import Scale, ScaleLevel
from workbench.errors import ValidationError
from workbench.model.scales import TEMPLATES, check_scale, delete_scale, put_scale, template
from workbench.storage import TenderFile


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_every_template_is_a_valid_scale(key: str) -> None:
    scale = template(key)
    check_scale(scale)
    assert scale.id == key


def test_standard_scale_has_six_described_levels() -> None:
    scale = template("0-5")
    assert [int(lv.value) for lv in scale.levels] == [0, 1, 2, 3, 4, 5]
    assert all(lv.label and len(lv.descriptor) > 40 for lv in scale.levels)
    ranged = template("0-100")
    assert ranged.is_range and ranged.allows(Decimal(37)) and not ranged.allows(Decimal(101))


@pytest.mark.parametrize(("scale", "message"), [
    (Scale("x", "X", [ScaleLevel(Decimal(0), "a"), ScaleLevel(Decimal(0), "b")]),
     "scale x, level 2: the value 0 is used twice"),
    (Scale("x", "X", [ScaleLevel(Decimal(0), "a"), ScaleLevel(Decimal(1), " ")]),
     "scale x, level 2: give the level a label"),
    (Scale("x", "X", min=Decimal(5), max=Decimal(1)), "the lowest value must be below"),
    (Scale("x", "X"), "give levels, or a lowest and a highest value"),
    (Scale("x y", "X", min=Decimal(0), max=Decimal(1)), "the code must be"),
    (Scale("x", " ", min=Decimal(0), max=Decimal(1)), "give the scale a name"),
])
def test_bad_scales_are_refused_naming_where(scale: Scale, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        check_scale(scale)


def test_add_edit_and_delete_a_scale(small_tender: Path) -> None:
    with TenderFile.open(small_tender) as tf:
        put_scale(tf, template("0-10"))
        scale = tf.load().scale("0-10")
        assert scale is not None and scale.max == 10
        put_scale(tf, Scale("0-10", "Ten", [ScaleLevel(Decimal(0), "No"),
                                            ScaleLevel(Decimal(10), "Yes")]))
        assert [lv.label for lv in tf.load().scale("0-10").levels] == ["No", "Yes"]
        delete_scale(tf, "0-10")
        assert tf.load().scale("0-10") is None


def test_a_used_scale_cannot_be_deleted_or_lose_recorded_scores(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        with pytest.raises(ValidationError, match="scale 0-5 is used by Q1 in lot L1"):
            delete_scale(tf, "0-5")
        three_levels = Scale("0-5", "Short", [ScaleLevel(Decimal(v), str(v)) for v in (0, 1, 2)])
        with pytest.raises(ValidationError, match="would"):
            put_scale(tf, three_levels)
        assert len(tf.load().scale("0-5").levels) == 6
