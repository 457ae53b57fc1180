"""Nothing typed is lost: leaving a score, a gateway reason or the whole tender with typed
work not saved asks Save / Discard / Cancel, and each answer does what it says."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.ui.test_bidders_view import select_cell

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from workbench.storage import TenderFile

from ui import errors

RATIONALE = "Clear mobilisation plan with named staff and a realistic timetable."


@pytest.fixture
def scoring(window, qtbot, demo_tender: Path):
    assert window.open_path(str(demo_tender))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    return window.show_view("scoring")


def stored_score(path: Path, bidder: str = "B1") -> tuple[str, str]:
    with TenderFile.open(path, read_only=True) as tf:
        row = tf.rows("scores", "lot_id = 'L1' AND evaluator_id = 'E1' AND bidder_id = ? AND "
                      "criterion_id = 'Q1'", [bidder])[0]
    return row["score"], row["rationale"]


def type_score(qtbot, view, score: str, rationale: str) -> None:
    view.entry.focus_score()
    qtbot.keyClicks(QApplication.focusWidget(), score)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    view.entry.rationale.selectAll()
    qtbot.keyClicks(QApplication.focusWidget(), rationale)


@pytest.mark.parametrize("answer", ["save", "discard", "cancel"])
def test_quitting_with_a_typed_score_asks(scoring, window, qtbot, demo_tender, monkeypatch,
                                          answer) -> None:
    before = stored_score(demo_tender)
    type_score(qtbot, scoring, "2", RATIONALE)
    asked: list[str] = []
    monkeypatch.setattr(errors, "unsaved_answer", answer)
    monkeypatch.setattr("ui.main_window.ask_unsaved",
                        lambda _parent, what: asked.append(what) or answer)
    window.close()  # the window's close button, or File > Quit
    assert asked == ["1 score typed in Scoring and not saved (marked 'not saved' in the list)."]
    if answer == "cancel":
        assert window.isVisible() and window.doc is not None
        assert scoring.entry.values() == ("2", RATIONALE)  # still there to finish
        assert stored_score(demo_tender) == before
    else:
        assert not window.isVisible() and window.doc is None
        assert stored_score(demo_tender) == (("2", RATIONALE) if answer == "save" else before)


def test_a_score_that_cannot_be_saved_keeps_the_window_open(scoring, window, qtbot,
                                                            demo_tender) -> None:
    before = stored_score(demo_tender)
    type_score(qtbot, scoring, "3", "Too short")
    qtbot.keyClick(scoring.entry.rationale, Qt.Key.Key_PageDown)  # on to the next bidder
    window.close()  # Save is the default answer
    assert "needs at least 20 characters" in errors.last_message
    assert window.isVisible() and stored_score(demo_tender) == before
    assert scoring.entry.values() == ("3", "Too short")  # shown again, as typed


def test_closing_the_tender_saves_every_typed_score(scoring, window, qtbot, demo_tender) -> None:
    type_score(qtbot, scoring, "1", RATIONALE)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown)
    type_score(qtbot, scoring, "5", RATIONALE + " Exceptional.")
    window.close_action.trigger()
    assert window.doc is None
    assert stored_score(demo_tender, "B1") == ("1", RATIONALE)
    assert stored_score(demo_tender, "B2") == ("5", RATIONALE + " Exceptional.")


def test_nothing_typed_closes_without_asking(scoring, window, monkeypatch) -> None:
    monkeypatch.setattr("ui.main_window.ask_unsaved", lambda *_a: pytest.fail("asked"))
    window.close_action.trigger()
    assert window.doc is None


def gateway(path: Path, bidder: str) -> tuple[str, str] | None:
    with TenderFile.open(path, read_only=True) as tf:
        rows = tf.rows("gateways", "lot_id = 'L1' AND bidder_id = ? AND criterion_id = 'G1'",
                       [bidder])
    return (rows[0]["result"], rows[0]["rationale"]) if rows else None


REASON = "Public liability cover is £1m; £5m required"


@pytest.fixture
def bidders(window, qtbot, demo_tender: Path):
    assert window.open_path(str(demo_tender))
    window.show()
    view = window.show_view("bidders")
    select_cell(qtbot, view, "B1", "name")
    box, rationale, _save = view.gateways.rows["G1"]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # Pass -> Fail
    rationale.selectAll()
    qtbot.keyClicks(rationale, REASON)
    return view


def test_gateway_reason_saved_when_another_bidder_is_clicked(bidders, qtbot, demo_tender,
                                                             monkeypatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr("ui.views.bidders.ask_unsaved",
                        lambda _parent, what: asked.append(what) or "save")
    select_cell(qtbot, bidders, "B2", "name")
    assert asked == ["Gateway G1 for Café Connect CIC: result or reason typed and not saved."]
    assert gateway(demo_tender, "B1") == ("fail", REASON)
    assert bidders.gateways.title.text() == "Gateways for Hartley & Moss Community Health Ltd"


def test_gateway_reason_kept_on_cancel(bidders, qtbot, demo_tender, monkeypatch) -> None:
    before = gateway(demo_tender, "B1")
    monkeypatch.setattr(errors, "unsaved_answer", "cancel")
    model = bidders.model
    index = model.index(model.row_of("B2"), model.column_of("name"))
    qtbot.mouseClick(bidders.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=bidders.table.visualRect(index).center())
    qtbot.waitUntil(lambda: bidders.selected_id() == "B1")
    box, rationale, _save = bidders.gateways.rows["G1"]
    assert (box.currentData(), rationale.toPlainText()) == ("fail", REASON)
    assert gateway(demo_tender, "B1") == before


def test_gateway_reason_discarded_on_request(bidders, qtbot, demo_tender, monkeypatch) -> None:
    before = gateway(demo_tender, "B1")
    monkeypatch.setattr(errors, "unsaved_answer", "discard")
    select_cell(qtbot, bidders, "B2", "name")
    select_cell(qtbot, bidders, "B1", "name")
    box, rationale, _save = bidders.gateways.rows["G1"]
    assert (box.currentData(), rationale.toPlainText()) == (before[0] if before else None,
                                                            before[1] if before else "")


def test_gateway_typing_survives_another_change(bidders, qtbot) -> None:
    """Saving something else reloads the view; the reason being typed stays."""
    from workbench.bidders import update_bidder

    from ui.document import CoreCommand
    assert bidders.doc.push(CoreCommand("Rename", lambda tf: update_bidder(
        tf, "L1", "B3", name="Renamed Ltd")))
    box, rationale, _save = bidders.gateways.rows["G1"]
    assert (box.currentData(), rationale.toPlainText()) == ("fail", REASON)


# -- dialogs whose check fails stay open with what was typed -----------------------------------

def test_evaluator_dialog_refused_stays_open_with_the_role_typed(window, qtbot,
                                                                 demo_tender) -> None:
    from tests.ui.test_panel import press, type_keys
    from tests.ui.test_typed_names import open_evaluator_dialog
    panel, dialog = open_evaluator_dialog(window, qtbot, demo_tender)
    press(qtbot, Qt.Key.Key_Tab)  # no name typed
    type_keys(qtbot, "Clinical lead")
    press(qtbot, Qt.Key.Key_Return)
    assert "name" in errors.last_message
    assert dialog.isVisible() and panel.dialog is dialog
    assert dialog.values() == ("", "Clinical lead")
    dialog.name.setFocus()
    type_keys(qtbot, "Sam Okafor")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.dialog is None)
    assert [e.role for e in window.doc.data.evaluators if e.name == "Sam Okafor"] == \
        ["Clinical lead"]


def test_scales_dialog_closed_with_changes_asks(window, qtbot, demo_tender, monkeypatch) -> None:
    from ui.views.scales_dialog import ScalesDialog
    assert window.open_path(str(demo_tender))
    doc = window.doc
    dialog = ScalesDialog(doc)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "Quality scale agreed with the board")
    monkeypatch.setattr(errors, "unsaved_answer", "cancel")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.name.text() == "Quality scale agreed with the board"
    monkeypatch.setattr(errors, "unsaved_answer", "save")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert doc.data.scale("0-5").name == "Quality scale agreed with the board"


# -- money as people type it -------------------------------------------------------------------

def test_estimated_value_typed_with_pound_sign_and_commas(open_window, qtbot,
                                                         small_tender) -> None:
    view = open_window.show_view("overview")
    edit = view.edits["estimated_value"]
    assert edit.text() == "£1,000"
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "£2,400,000")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert str(open_window.doc.data.tender.estimated_value) == "2400000"
    assert edit.text() == "£2,400,000"
    steps = open_window.doc.undo_stack.count()
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # unchanged: no new step
    assert open_window.doc.undo_stack.count() == steps
    edit.selectAll()
    qtbot.keyClicks(edit, "about two million")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert errors.last_message == "the estimated value must be a number, not 'about two million'"
    assert edit.text() == "about two million"
    with TenderFile.open(small_tender, read_only=True) as tf:
        assert str(tf.load().tender.estimated_value) == "2400000"


# -- a 1366 x 768 council laptop ---------------------------------------------------------------

def test_moderation_desk_lays_itself_out_again_after_presenting(window, qtbot, demo_tender,
                                                                 tmp_path) -> None:
    import os

    from PySide6.QtCore import QSize
    assert window.open_path(str(demo_tender))
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view = window.show_view("moderation")

    def settled() -> tuple:
        """The desk's layout once it stops changing (a busy machine lays out later)."""
        last = None
        for _ in range(40):
            qtbot.wait(25)
            now = (view.item_list.width(), view.stage.size())
            if now == last:
                return now
            last = now
        return last

    before = settled()
    view.set_presenting(True, QSize(1920, 1080))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.stage)
    for _ in range(3):
        qtbot.keyClick(view.stage, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F11)
    assert view.presentation is None
    assert settled() == before
    assert view.stage.geometry() == view.stage.parentWidget().rect()
    folder = Path(os.environ.get("LAPTOP_SCREENSHOTS") or tmp_path)
    window.grab().save(str(folder / "moderation-after-presenting-1366x768.png"))


def test_evaluator_mode_shows_save_and_next_at_1366_by_768(window, qtbot, tmp_path) -> None:
    """A pack opened on a laptop: the button is on screen without maximising."""
    from workbench.demo import create_demo
    from workbench.panel import roster
    from workbench.panel.packs import create_packs
    tender = tmp_path / "d.tender"
    create_demo(tender).close()
    with TenderFile.open(tender, user="lead") as tf:
        pack = create_packs(tf, tmp_path / "out", "tender", ["E1"])[0]
    with TenderFile.open(pack, user="Priya") as tf:
        for lot in tf.load().lots:
            roster.declare_conflict(tf, lot.id, "E1", "none")
    assert window.open_path(str(pack))
    window.resize(1366, 768 - 40 - 32)  # the task bar and the title bar
    window.show()
    view = window.views["scoring"]
    qtbot.waitUntil(lambda: view.save.isVisible())
    corner = view.save.mapTo(window, view.save.rect().bottomRight())
    assert window.rect().contains(corner)


def test_the_model_toolbar_stays_put_when_a_banner_appears(window, qtbot, demo_tender) -> None:
    from tests.ui.test_model_view import _type_into_cell

    from ui.views.model_tree import COL_WEIGHT
    assert window.open_path(str(demo_tender))
    window.resize(1366, 696)
    window.show()
    view = window.show_view("model")
    button = view.templates_button
    before = button.mapTo(window, button.rect().topLeft())
    assert not view.status.policy_banner.isVisible()
    _type_into_cell(qtbot, view, "Q", COL_WEIGHT, "50")  # the top level no longer adds up
    qtbot.waitUntil(view.status.policy_banner.isVisible)
    qtbot.wait(20)
    assert button.mapTo(window, button.rect().topLeft()) == before
