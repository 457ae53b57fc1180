"""Targeted refresh: a change rereads and recomputes only the lots and tables it touched, and
what the app then shows equals what a fresh read of the file gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from workbench.details import update_details
from workbench.panel import roster
from workbench.scoring.results import compute_lot
from workbench.storage import TenderFile

from ui.document import CoreCommand

RATIONALE = "Mobilisation plan is realistic but TUPE timetable is missing."


@pytest.fixture
def doc(window, demo_tender: Path):
    assert window.open_path(str(demo_tender))
    window.show()
    return window.doc


def fresh(path: str, lot_id: str):
    with TenderFile.open(path, read_only=True) as tf:
        data = tf.load()
    lot = data.lot(lot_id)
    return lot, compute_lot(data, lot)


def test_a_score_edit_touches_only_its_lot(doc) -> None:
    other, other_result = doc.lot("L2"), doc.result("L2")
    score = doc.lot("L1").scores[0]
    assert doc.push(CoreCommand("Score", lambda tf: roster.set_score(
        tf, "L1", score.evaluator, score.bidder, score.criterion, "1", RATIONALE,
        entered_by="tester", reason="Corrected after the panel's review")))
    assert doc.lot("L2") is other and doc.result("L2") is other_result
    assert (doc.lot("L1"), doc.result("L1")) == fresh(doc.path, "L1")
    doc.undo_stack.undo()
    assert (doc.lot("L1"), doc.result("L1")) == fresh(doc.path, "L1")
    assert doc.lot("L2") is other


def test_a_tender_wide_change_recomputes_every_lot(doc) -> None:
    before = doc.result("L2")
    lot = doc.lot("L2")
    assert doc.push(CoreCommand("Rounding", lambda tf: update_details(
        tf, rounding_decimals=0)))
    assert doc.lot("L2") is lot  # its rows did not change: not read again
    assert doc.result("L2") is not before
    assert doc.head.tender.rounding.decimals == 0
    assert (doc.lot("L2"), doc.result("L2")) == fresh(doc.path, "L2")


def test_saving_a_score_updates_the_scoring_list_in_place(doc, window, qtbot) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    view = window.show_view("scoring")
    resets = []
    view.items_model.modelReset.connect(lambda: resets.append(1))
    view.entry.focus_score()
    qtbot.keyClicks(QApplication.focusWidget(), "2")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    view.entry.rationale.selectAll()
    qtbot.keyClicks(QApplication.focusWidget(), RATIONALE)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    assert view.items.currentIndex().row() == 1 and not resets
    assert view.items_model.index(0, view.items_model.COL_SCORE).data() == "2 (override)"
    doc.undo_stack.undo()  # the undo shows too, still without rebuilding the list
    assert view.items_model.index(0, view.items_model.COL_SCORE).data() == "4" and not resets
