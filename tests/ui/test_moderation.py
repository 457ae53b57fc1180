"""The moderation view: a whole meeting run from the keyboard, then checked in the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from workbench.scoring.results import compute_lot
from workbench.storage import TenderFile

from ui import errors

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
#: Lot 2 of the demo: Q1 and Q2 agreed (items 1–10), Q3 and SV1 still to agree (11–20).
OPEN_ITEMS = [(b, c) for c in ("Q3", "SV1") for b in ("B1", "B2", "B3", "B4", "B5")]


@pytest.fixture
def view(window, demo_tender: Path, qtbot):
    assert window.open_path(str(demo_tender))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # keyboard focus needs the active window
    view = window.show_view("moderation")
    assert view.lot_box.currentData() == "L2"  # the first lot with items still to agree
    return view


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier):
    """A key pressed wherever the keyboard focus is, as a user would."""
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, key, modifier)


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def agree_by_keyboard(qtbot, view, digit: str, why: str) -> None:
    type_text(qtbot, digit)  # digits on the stage go to the score box
    press(qtbot, Qt.Key.Key_Return)  # Enter: to the rationale
    assert QApplication.focusWidget() is view.stage.rationale
    type_text(qtbot, why)
    press(qtbot, Qt.Key.Key_Return, CTRL)  # Ctrl+Enter: agree and next


def start_meeting_by_keyboard(qtbot, view) -> None:
    chair = view.meeting_bar.chair
    chair.setFocus()
    chair.lineEdit().selectAll()
    type_text(qtbot, "Priya Raman")
    press(qtbot, Qt.Key.Key_Return)  # to the attendees, already filled with the panel
    assert QApplication.focusWidget() is view.meeting_bar.attendees
    press(qtbot, Qt.Key.Key_Return)  # start
    assert view.stage.hasFocus()


def test_whole_meeting_by_keyboard(view, qtbot, window, demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf:
        originals = tf.rows("scores")
    start_meeting_by_keyboard(qtbot, view)

    press(qtbot, Qt.Key.Key_End)
    assert view.stage.item.key == ("B5", "SV1")
    press(qtbot, Qt.Key.Key_Home)
    for _ in range(10):
        press(qtbot, Qt.Key.Key_PageDown)
    assert view.stage.item.key == ("B1", "Q3")
    press(qtbot, Qt.Key.Key_Left)
    press(qtbot, Qt.Key.Key_Right)
    assert view.stage.item.key == ("B1", "Q3")

    agree_by_keyboard(qtbot, view, "4", "Strong inclusion plan; interpreting is by phone only.")
    assert view.stage.item.key == ("B2", "Q3")
    assert view.stage.hasFocus()

    press(qtbot, Qt.Key.Key_M, ALT)  # use the median (5 and 5)
    assert view.stage.score.text() == "5"
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, "Both marked excellent: full access audit and BSL on site.")
    press(qtbot, Qt.Key.Key_Return, CTRL)

    assert view.stage.item.key == ("B3", "Q3")
    assert view.stage.flags.isVisible()  # marks 2 and 4: flagged
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, "Check the venue access audit first")
    press(qtbot, Qt.Key.Key_P, ALT)  # park, with the note
    assert view.stage.item.key == ("B4", "Q3")

    type_text(qtbot, "3")
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, "Too short")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert "at least 20 characters; 9 so far" in errors.last_message
    assert view.stage.item.key == ("B4", "Q3")  # refused: still here, typing kept
    assert view.stage.entry()[:2] == ("3", "Too short")
    type_text(qtbot, ": accessible venues but no outreach plan.")
    press(qtbot, Qt.Key.Key_Return, CTRL)

    for digit in ("2", "4", "4", "3", "3", "2"):
        assert view.stage.hasFocus()
        agree_by_keyboard(qtbot, view, digit, "The panel agreed this on the evidence given.")
    assert view.stage.item.key == ("B5", "SV1")
    assert view.stage.item.agreed is not None

    press(qtbot, Qt.Key.Key_Home)  # back to the parked item
    for _ in range(12):
        press(qtbot, Qt.Key.Key_Right)
    item = view.stage.item
    assert item.key == ("B3", "Q3") and item.parked is not None
    assert view.stage.entry()[1] == "Check the venue access audit first"  # the draft kept
    type_text(qtbot, "3")
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, ": audit seen, ramps fine, no hearing loop.")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert "Agreed 20 of 20 · results final" == view.progress_label.text()

    # Change an agreed score later: a reason is required and kept.
    for _ in range(3):
        press(qtbot, Qt.Key.Key_PageUp)
    assert view.stage.item.key == ("B1", "Q3")
    type_text(qtbot, "5")
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert "say why the agreed score is changing" in errors.last_message
    press(qtbot, Qt.Key.Key_Tab)  # from the rationale to the reason box
    assert QApplication.focusWidget() is view.stage.reason
    type_text(qtbot, "Re-read the interpreting section: it is on site, not by phone")
    press(qtbot, Qt.Key.Key_Return, CTRL)

    view.meeting_bar.end.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    window.close_document()

    with TenderFile.open(demo_tender, read_only=True) as tf:
        assert tf.integrity_problem == ""
        assert tf.rows("scores") == originals
        lot = tf.load().lot("L2")
        agreed = {(m.bidder, m.criterion): m for m in lot.moderated}
        assert all(key in agreed for key in OPEN_ITEMS)
        assert [str(agreed[k].score) for k in OPEN_ITEMS] == [
            "5", "5", "3", "3", "2", "4", "4", "3", "3", "2"]
        assert agreed[("B3", "Q3")].rationale == (
            "Check the venue access audit first: audit seen, ramps fine, no hearing loop.")
        assert agreed[("B4", "SV1")].agreed_by == "Priya Raman"
        assert agreed[("B4", "SV1")].attendees == ["Priya Raman", "Gareth Llewellyn",
                                                   "Funmi Adeyemi"]
        assert not compute_lot(tf.load(), lot).provisional
        (meeting,) = tf.rows("meetings")
        assert meeting["ended_at"] is not None
        assert tf.rows("parked") == []
        change = list(tf.db.query(
            "SELECT * FROM audit WHERE entity = 'moderated' AND reason != '' ORDER BY seq"))
        assert len(change) == 1
        assert change[0]["reason"] == ("Re-read the interpreting section: it is on site, "
                                       "not by phone")
        assert json.loads(change[0]["before"])["score"] == "4"
        assert json.loads(change[0]["after"])["score"] == "5"
        parks = list(tf.db.query("SELECT * FROM audit WHERE entity = 'parked' ORDER BY seq"))
        assert [p["action"] for p in parks] == [
            "Park Meridian Care Group plc on Q3", "Agree Meridian Care Group plc on Q3: 3"]


def test_agree_is_undone_and_redone(view, qtbot, window) -> None:
    start_meeting_by_keyboard(qtbot, view)
    view.go_to(("B1", "Q3"))
    agree_by_keyboard(qtbot, view, "4", "Strong inclusion plan; interpreting is by phone only.")
    lot = window.doc.data.lot("L2")
    assert any(m.bidder == "B1" and m.criterion == "Q3" for m in lot.moderated)
    window.doc.undo_stack.undo()
    assert not any(m.criterion == "Q3" for m in window.doc.data.lot("L2").moderated)
    assert view.progress_label.text().startswith("Agreed 10 of 20")
    window.doc.undo_stack.redo()
    assert view.progress_label.text().startswith("Agreed 11 of 20")
    undo = list(window.doc.tf.db.query("SELECT action FROM audit WHERE entity = 'moderated' "
                                       "ORDER BY seq DESC LIMIT 2"))
    assert [u["action"] for u in undo] == ["Redo: Agree Café Connect CIC on Q3",
                                           "Undo: Agree Café Connect CIC on Q3"]


def test_agreeing_needs_a_meeting(view, qtbot) -> None:
    view.go_to(("B1", "Q3"))
    view.stage.setFocus()
    assert not view.stage.agree.isEnabled()
    agree_by_keyboard(qtbot, view, "4", "Strong inclusion plan; interpreting is by phone only.")
    assert errors.last_message.startswith("Start the meeting first")
    assert view.stage.item.key == ("B1", "Q3")


def test_digits_follow_the_scale(view, qtbot) -> None:
    view.go_to(("B1", "Q3"))
    view.stage.setFocus()
    type_text(qtbot, "34")
    assert view.stage.score.text() == "4"  # 34 is off a 0–5 scale: start again
    press(qtbot, Qt.Key.Key_Backspace)
    assert view.stage.score.text() == ""
    press(qtbot, Qt.Key.Key_Right)
    assert view.stage.score.text() == ""  # never defaulted, even where all marks agree


def test_keys_reach_the_stage_from_its_boxes(view, qtbot) -> None:
    view.go_to(("B1", "Q3"))
    view.stage.rationale.setFocus()
    press(qtbot, Qt.Key.Key_PageDown)  # a presenter remote works while typing
    assert view.stage.item.key == ("B2", "Q3")
    press(qtbot, Qt.Key.Key_Down)  # but the cursor keys belong to the text
    assert view.stage.item.key == ("B2", "Q3")
    view.stage.score.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    assert view.stage.item.key == ("B3", "Q3")
    press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is view.stage.rationale
    press(qtbot, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is view.stage
    view.stage.agree.setFocus()
    press(qtbot, Qt.Key.Key_Right)
    assert view.stage.item.key == ("B4", "Q3")


def test_filters_orders_and_blind_names(view, qtbot) -> None:
    view.go_to(("B1", "Q3"))
    funmi = view.stage._cards[1]  # Q3 is marked by E1 and E3; E3 declared a conflict
    assert funmi.name.text() == "Funmi Adeyemi"
    assert "conflict declared" in funmi.role.text()
    assert "Mitigation: Declared to the panel" in funmi.role.toolTip()
    view.show_box.setFocus()
    press(qtbot, Qt.Key.Key_Down)  # "Flagged for discussion"
    assert [i.key for i in view._items] == [("B2", "Q1"), ("B3", "Q3")]
    press(qtbot, Qt.Key.Key_Down)  # "Still to agree"
    assert [i.key for i in view._items] == OPEN_ITEMS
    view.order_box.setFocus()
    press(qtbot, Qt.Key.Key_Down)  # bidder by bidder
    assert [i.key for i in view._items][:2] == [("B1", "Q3"), ("B1", "SV1")]
    view.hide_evaluators.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    view.hide_bidders.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    card = view.stage._cards[0]
    assert card.name.text() == "Evaluator 1" and card.role.text() == ""
    assert view.stage._cards[1].role.toolTip() == ""  # a conflict would say who it is
    assert view.stage.item.key == ("B3", "Q3")  # kept through the filters and orders
    assert view.stage.subtitle.text().startswith("Bidder C")
    assert "Meridian" not in view.stage.subtitle.text()
    model = view.item_list.model
    assert model.data(model.index(0, model.COL_BIDDER)) == "Bidder A"
    lean = view.insight.deviation_model
    assert lean.data(lean.index(0, 0)) == "Evaluator 1"


def test_flag_rule_change_is_undoable(view, qtbot, window) -> None:
    view.item_list.threshold.setFocus()
    view.item_list.threshold.selectAll()
    type_text(qtbot, "1")
    press(qtbot, Qt.Key.Key_Return)
    assert str(window.doc.tf.rows("tender")[0]["spread_threshold"]) == "1"
    assert sum(i.flagged for i in view._all) > 2
    window.doc.undo_stack.undo()
    assert str(window.doc.tf.rows("tender")[0]["spread_threshold"]) == "2"


def test_models_pass_the_model_tester(view, qtmodeltester) -> None:
    for model in (view.item_list.model, view.insight.agreement_model, view.insight.deviation_model):
        assert model.rowCount() > 0
        qtmodeltester.check(model)


def test_agreement_tab_explains_itself(view) -> None:
    model = view.insight.agreement_model
    assert model.data(model.index(0, model.COL_CRITERION)).startswith("Q1 ")
    assert model.data(model.index(2, model.COL_AGREED)) == "0 of 5"
    tip = model.headerData(model.COL_ALPHA, Qt.Orientation.Horizontal,
                           Qt.ItemDataRole.ToolTipRole)
    assert "1 means the evaluators agree perfectly; below about 0.67 their marks tell " \
           "different stories" in tip


def test_read_only_file_cannot_be_moderated(window, demo_tender: Path) -> None:
    with TenderFile.open(demo_tender):  # someone else holds it
        assert window.open_path(str(demo_tender))
        assert window.doc.read_only
        window.show()
        view = window.show_view("moderation")
        assert not view.stage.score.isEnabled()
        assert not view.meeting_bar.start.isEnabled()
        assert "read-only" in view.stage.agree.toolTip()


def test_a_tender_without_lots_has_nothing_to_moderate(window, tmp_path: Path, qtbot) -> None:
    from workbench.domain import Tender, TenderData
    path = tmp_path / "empty.tender"
    TenderFile.create(path, TenderData(Tender("Empty")), user="tester").close()
    assert window.open_path(str(path))
    window.show()
    view = window.show_view("moderation")
    assert view.progress_label.text() == "No lots yet"
    assert view.stage.item is None
    assert view.stage.title.text() == "Nothing to show"
    view.move_by(1)
    view.agree_current()
    view.park_current()
    assert errors.last_message == ""


def _stored_feedback(view, bidder: str, criterion: str) -> str:
    lot = view.doc.data.lot("L2")
    return next(m.feedback for m in lot.moderated if (m.bidder, m.criterion) == (bidder, criterion))


def test_feedback_is_written_for_the_bidder_checked_and_undone(view, qtbot,
                                                               monkeypatch) -> None:
    box = view.feedback
    assert view._current().key == ("B1", "Q3")  # a lot opens at its first item to agree
    view.go_to(("B1", "Q1"))  # agreed: feedback can be written
    assert box.text.isEnabled()
    box.text.setFocus()
    box.text.selectAll()
    type_text(qtbot, "Strong venues. The finance evaluator doubted Meridian Care Group.")
    assert "points at one member of the panel" in box.warnings.text()
    assert "names another bidder" in box.warnings.text()
    qtbot.mouseClick(box.save, Qt.MouseButton.LeftButton)
    assert _stored_feedback(view, "B1", "Q1").startswith("Strong venues.")
    view.doc.undo_stack.undo()
    assert _stored_feedback(view, "B1", "Q1").startswith("Established venues")
    assert box.text.toPlainText().startswith("Established venues")

    # "Use rationale" copies the panel's words in only when asked, and saves nothing.
    monkeypatch.setattr(box, "ask_replace", lambda: True)
    monkeypatch.setattr(box, "ask_use", lambda: False)
    qtbot.mouseClick(box.use, Qt.MouseButton.LeftButton)
    assert box.text.toPlainText().startswith("Established venues")
    monkeypatch.setattr(box, "ask_use", lambda: True)
    qtbot.mouseClick(box.use, Qt.MouseButton.LeftButton)
    assert box.text.toPlainText().startswith("Panel agreed 4.")
    assert "mentions a conflict or declaration" in box.warnings.text()
    assert _stored_feedback(view, "B1", "Q1").startswith("Established venues")


def test_feedback_waits_for_an_agreed_score(view) -> None:
    view.go_to(("B1", "Q3"))
    assert not view.feedback.text.isEnabled()
    assert "once the panel has agreed" in view.feedback.note.text()
