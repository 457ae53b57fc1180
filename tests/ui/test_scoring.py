"""The lead's Scoring view: entering and correcting an evaluator's scores on their behalf."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from workbench.storage import TenderFile

from ui import errors
from ui.views.scoring_models import ScoreItemsModel, score_items

RATIONALE = "Mobilisation plan is realistic but TUPE timetable is missing."


@pytest.fixture(autouse=True)
def _override_reason(monkeypatch) -> None:
    """Changing a score Priya submitted asks the lead why (an override)."""
    from ui.views.audit_dialogs import ReasonDialog

    monkeypatch.setattr(ReasonDialog, "ask", classmethod(
        lambda cls, *a, **k: "Corrected after checking the answer again"))


@pytest.fixture
def scoring(window, qtbot, demo_tender: Path):
    assert window.open_path(str(demo_tender))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    return window.show_view("scoring")


def focused():
    return QApplication.focusWidget()


def score_row(path: Path, evaluator: str, bidder: str, criterion: str = "Q1") -> dict:
    with TenderFile.open(path, read_only=True) as tf:
        return tf.rows("scores", "lot_id = 'L1' AND evaluator_id = ? AND bidder_id = ? AND "
                       "criterion_id = ?", [evaluator, bidder, criterion])[0]


def test_items_model(qtmodeltester, demo_data) -> None:
    model = ScoreItemsModel()
    items = score_items(demo_data, demo_data.lot("L1"), "E2")
    model.set_rows(items, {items[1].key})
    qtmodeltester.check(model)
    assert (len(items), items[0].criterion.id, items[0].bidder_label) == \
        (20, "Q1", "Café Connect CIC")
    assert model.index(1, ScoreItemsModel.COL_SCORE).data() == "not saved"
    assert model.index(0, ScoreItemsModel.COL_SCORE).data() == "4"


def test_lead_corrects_a_score_by_keyboard_then_undoes(scoring, qtbot, demo_tender,
                                                       monkeypatch) -> None:
    """Priya submitted her score: the lead's change is an override, with a reason."""
    from ui.views.audit_dialogs import ReasonDialog

    asked: list[str] = []
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(
        lambda cls, parent, title, *a, **k: asked.append(title) or
        "Priya confirmed by phone the plan was misread"))
    view = scoring
    assert view.evaluator.currentText() == "Priya Raman"
    assert view.items_model.rowCount() == 25 and view.progress.value() == 25
    view.entry.focus_score()
    assert view.entry.score.text() == "4" and view.entry.level_name.text() == "Good"
    qtbot.keyClicks(focused(), "2")
    assert view.entry.level_name.text() == "Weak"
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is view.entry.rationale
    view.entry.rationale.selectAll()
    qtbot.keyClicks(focused(), RATIONALE)
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.items.currentIndex().row() == 1 and focused() is view.entry.score
    row = score_row(demo_tender, "E1", "B1")
    assert (row["score"], row["rationale"], row["entered_by"]) == \
        ("2", RATIONALE, "tester for Priya Raman")
    assert asked == ["Override a submitted score"]
    assert row["override_reason"] == "Priya confirmed by phone the plan was misread"
    assert view.items_model.index(0, 2).data() == "2 (override)"
    view.doc.undo_stack.undo()
    row = score_row(demo_tender, "E1", "B1")
    assert (row["score"], row["entered_by"]) == ("4", "")
    view.doc.undo_stack.redo()
    assert score_row(demo_tender, "E1", "B1")["score"] == "2"


def test_bad_input_is_refused_and_kept_on_screen(scoring, qtbot, demo_tender) -> None:
    view = scoring
    before = score_row(demo_tender, "E1", "B1")
    view.entry.focus_score()
    qtbot.keyClicks(focused(), "9")
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert errors.last_message == "9 is not on the 0–5 scale of Q1"
    view.entry.focus_score()
    qtbot.keyClicks(focused(), "3")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    view.entry.rationale.selectAll()
    qtbot.keyClicks(focused(), "Fine.")
    assert "at least 20 needed" in view.entry.counter.text()
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert errors.last_message == ("the rationale on Q1 for Café Connect CIC needs at least 20 "
                                   "characters (it has 5)")
    assert view.items.currentIndex().row() == 0 and view.entry.values() == ("3", "Fine.")
    assert score_row(demo_tender, "E1", "B1") == before


def test_typed_but_unsaved_work_is_kept_while_moving(scoring, qtbot, demo_tender) -> None:
    view = scoring
    view.entry.focus_score()
    qtbot.keyClicks(focused(), "1")
    qtbot.keyClick(focused(), Qt.Key.Key_PageDown)
    assert view.items.currentIndex().row() == 1
    assert view.items_model.index(0, ScoreItemsModel.COL_SCORE).data() == "not saved"
    qtbot.keyClick(focused(), Qt.Key.Key_PageUp)
    assert view.entry.values()[0] == "1"
    assert score_row(demo_tender, "E1", "B1")["score"] == "4"


def test_only_the_chosen_evaluator_is_shown(scoring, qtbot) -> None:
    view = scoring
    view.evaluator.setFocus()
    qtbot.keyClick(view.evaluator, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: view.evaluator.currentText() == "Gareth Llewellyn")
    assert view.items_model.rowCount() == 20  # Gareth does not score Q4
    shown = [w.text() for w in view.findChildren(QLabel) if w.isVisible()]
    shown += [str(view.items_model.index(r, c).data())
              for r in range(view.items_model.rowCount()) for c in range(3)]
    assert not any(name in text for text in shown
                   for name in ("Priya Raman", "Funmi Adeyemi"))
    assert "Recorded as entered by tester for Gareth Llewellyn." in shown
    # Gareth's own score for Q1, Hartley & Moss (Priya's and Funmi's are 4).
    qtbot.keyClick(view.items, Qt.Key.Key_Down)
    assert view.entry.bidder.text() == "Bidder: Hartley & Moss Community Health Ltd"
    assert view.entry.values()[0] == "3"


def test_nothing_assigned_says_where_to_assign(window, qtbot, small_tender) -> None:
    with TenderFile.open(small_tender) as tf, tf.action("Clear"):
        tf.delete("scores", {"lot_id": "L1", "evaluator_id": "E1", "bidder_id": "B1",
                             "criterion_id": "Q1"})
        tf.delete("assignments", {"lot_id": "L1", "evaluator_id": "E1", "criterion_id": "Q1"})
    assert window.open_path(str(small_tender))
    window.show()
    view = window.show_view("scoring")
    assert view.pages.currentWidget() is view.empty_page
    assert "Panel's Assignments tab" in view.empty.text()
