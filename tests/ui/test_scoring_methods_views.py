"""Scoring methods in the app, driven by keyboard and mouse: a lot's award method and price
ceiling, a group's quality threshold, overlapping organisation types, and the review of an
abnormally low tender, each one undoable step."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from tests.ui.test_bidders_view import press_enter, select_cell, type_into_cell

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from workbench.storage import TenderFile

from ui.views.low_bid_dialog import LowBidDialog, Review
from ui.views.model_tree import COL_MINIMUM


@pytest.fixture
def demo_window(window, demo_tender: Path):
    assert window.open_path(str(demo_tender))
    window.show()
    return window


def _lot(path: Path, lot_id: str = "L1"):
    with TenderFile.open(path, read_only=True) as tf:
        lot = tf.load().lot(lot_id)
    assert lot is not None
    return lot


def test_award_method_and_price_ceiling_are_set_from_the_keyboard_and_undone(
        demo_window, demo_tender: Path, qtbot) -> None:
    view = demo_window.show_view("model")
    combo = view.findChild(QComboBox, "award_method")
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # a closed combo box moves to the next choice
    qtbot.waitUntil(lambda: _lot(demo_tender).award_method == "price_per_quality_point")
    ceiling = view.findChild(QLineEdit, "price_ceiling")
    ceiling.setFocus()
    qtbot.keyClicks(ceiling, "£700,000")
    qtbot.keyClick(ceiling, Qt.Key.Key_Return)
    assert _lot(demo_tender).price_ceiling == Decimal(700_000)
    assert view.findChild(QLineEdit, "price_ceiling").text() == "£700,000"
    results = demo_window.show_view("results")
    assert results.ranking.headerData(4, Qt.Orientation.Horizontal) == "£ per\nquality point"
    stack = demo_window.doc.undo_stack
    stack.undo()
    stack.undo()
    lot = _lot(demo_tender)
    assert (lot.award_method, lot.price_ceiling) == ("weighted_points", None)


def test_a_group_threshold_is_typed_in_the_details_and_excludes_in_results(
        demo_window, demo_tender: Path, qtbot) -> None:
    view = demo_window.show_view("model")
    view.select("Q")
    box = view.details.findChild(QLineEdit, "detail_minimum_percent")
    assert box.isVisible()
    box.setFocus()
    qtbot.keyClicks(box, "75")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _lot(demo_tender).criterion("Q").minimum_percent == 75)
    assert view.tree_model.index_of("Q", COL_MINIMUM).data() == "75%"
    results = demo_window.show_view("results")
    del results
    found = demo_window.doc.result("L1")
    assert found is not None
    reasons = [r for b in found.bidders for r in b.reasons]
    assert any("below the quality threshold of 75%" in r for r in reasons)
    demo_window.doc.undo_stack.undo()
    assert _lot(demo_tender).criterion("Q").minimum_percent is None


def test_a_bidder_can_be_made_an_sme_and_a_vcse(demo_window, qtbot) -> None:
    view = demo_window.show_view("bidders")
    select_cell(qtbot, view, "B2", "organisation_type")
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    editor = view.table.focusWidget()
    assert isinstance(editor, QComboBox)
    editor.setCurrentText("SME, VCSE")
    press_enter(qtbot, view, editor)
    assert demo_window.doc.data.lot("L1").bidder("B2").organisation_types == ("SME", "VCSE")


def test_an_abnormally_low_bid_is_flagged_reviewed_and_undone(
        demo_window, demo_tender: Path, qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    view = demo_window.show_view("bidders")
    type_into_cell(qtbot, view, "B1", "price", "1000")
    low = view.model.column_of("low_bid")
    row = view.model.row_of("B1")
    assert view.model.index(row, low).data() == "⚠ Yes: decision needed"
    select_cell(qtbot, view, "B1", "name")
    assert view.low_bid_button.isEnabled()
    monkeypatch.setattr(LowBidDialog, "ask", classmethod(lambda cls, *a: Review(
        "How can you deliver for £1,000?", "A typing error: we meant £100,000",
        "exclude", "the bid as submitted cannot be delivered")))
    qtbot.mouseClick(view.low_bid_button, Qt.MouseButton.LeftButton)
    assert view.model.index(view.model.row_of("B1"), low).data() == "Yes: excluded"
    standing = view.model.index(view.model.row_of("B1"), view.model.column_of("standing"))
    assert standing.data() == ("Excluded: abnormally low tender excluded: the bid as submitted "
                               "cannot be delivered")
    assert _lot(demo_tender).low_bid_reviews[0].decision == "exclude"
    demo_window.doc.undo_stack.undo()
    assert _lot(demo_tender).low_bid_reviews == []
