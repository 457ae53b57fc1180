"""Bidders view: edit in place by keyboard and mouse, undo/redo, results follow at once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox

from workbench.details import set_status
from workbench.scoring.results import compute_lot
from workbench.storage import TenderFile

from ui import errors
from ui.views.bidders_model import BiddersModel
from ui.views.bidders_panels import ReasonDialog


@pytest.fixture
def demo_window(window, demo_tender: Path):
    assert window.open_path(str(demo_tender))
    window.show()
    return window


def bidder_tables(path: Path) -> str:
    with TenderFile.open(path, read_only=True) as tf:
        rows = [tf.rows(t) for t in ("bidders", "bidder_values", "gateways")]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def select_cell(qtbot, view, bidder_id: str, field: str):
    """Click the cell with the mouse, as a user would, and return its index."""
    model = view.model
    index = model.index(model.row_of(bidder_id), model.column_of(field))
    view.table.scrollTo(index)
    rect = view.table.visualRect(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.table.currentIndex() == index
    return index


def type_into_cell(qtbot, view, bidder_id: str, field: str, text: str) -> None:
    """Select the cell, F2, type, Enter; returns once the edit is applied or refused."""
    select_cell(qtbot, view, bidder_id, field)
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    editor = view.table.focusWidget()
    assert editor is not view.table
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    press_enter(qtbot, view, editor)


def press_enter(qtbot, view, editor) -> None:
    """Enter in a cell editor; the table commits after it and the edit is applied just
    after that, so wait for either a new undo step or a refusal."""
    stack = view.doc.undo_stack
    done = stack.count()
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: stack.count() > done or errors.last_message != "")


def test_bidders_model(qtmodeltester, demo_data) -> None:
    lot = demo_data.lot("L1")
    model = BiddersModel(lambda *_args: True)
    model.set_rows(lot, compute_lot(demo_data, lot), "GBP", editable=True)
    qtmodeltester.check(model)
    assert model.rowCount() == 5
    assert model.index(0, model.column_of("price")).data() == "£684,000"
    assert model.index(0, model.column_of("value:SV2")).data() == "4.5 FTE"
    assert model.index(0, model.column_of("gateway:G1")).data() == "Pass"
    assert model.index(3, model.column_of("standing")).data() == "Rank 1 · 88.71 points"
    assert model.index(4, model.column_of("standing")).data().startswith("Excluded: Q2")


def test_price_typed_in_table_changes_results(demo_window, qtbot) -> None:
    view = demo_window.show_view("bidders")
    type_into_cell(qtbot, view, "B3", "price", "£700,000")
    data = demo_window.doc.data
    assert data.lot("L1").bidder("B3").price == 700000
    expected = compute_lot(data, data.lot("L1")).bidder("B3")
    results = demo_window.show_view("results")
    row = results.ranking.row_of("B3")
    total = results.ranking.index(row, results.ranking.COL_TOTAL).data()
    assert total == expected.total_text == "74.26"
    price_col = results.ranking.FIXED.__len__() + 1  # Quality, then Price
    assert results.ranking.index(row, price_col).data() == expected.criteria["P"].points_text


def test_bad_price_is_refused_with_a_message(demo_window, qtbot, demo_tender: Path) -> None:
    view = demo_window.show_view("bidders")
    before = bidder_tables(demo_tender)
    type_into_cell(qtbot, view, "B3", "price", "-5")
    assert "price of Meridian Care Group plc (B3) must be 0 or more" in errors.last_message
    index = view.model.index(view.model.row_of("B3"), view.model.column_of("price"))
    assert index.data() == "£648,000"
    assert bidder_tables(demo_tender) == before
    assert demo_window.doc.undo_stack.count() == 0
    # What was typed is not lost: the cell is open again holding it, to be corrected.
    qtbot.waitUntil(lambda: view.table.state() == view.table.State.EditingState)
    editor = view.table.focusWidget()
    assert view.table.currentIndex() == index and editor.text() == "-5"
    errors.last_message = ""
    editor.selectAll()
    qtbot.keyClicks(editor, "£650,000")
    press_enter(qtbot, view, editor)
    assert demo_window.doc.data.lot("L1").bidder("B3").price == 650000


def test_undo_redo_of_an_edit_puts_the_file_back(demo_window, qtbot,
                                                 demo_tender: Path) -> None:
    view = demo_window.show_view("bidders")
    before = bidder_tables(demo_tender)
    type_into_cell(qtbot, view, "B5", "value:SV2", "8")
    after = bidder_tables(demo_tender)
    assert after != before
    qtbot.keyClick(demo_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert bidder_tables(demo_tender) == before
    assert view.model.index(view.model.row_of("B5"),
                            view.model.column_of("value:SV2")).data() == "2.5 FTE"
    demo_window.doc.undo_stack.redo()
    assert bidder_tables(demo_tender) == after


def test_withdraw_shows_excluded_with_reason(demo_window, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(
        lambda cls, parent, title, prompt, apply: apply("Withdrew by letter on 3 March")))
    view = demo_window.show_view("bidders")
    select_cell(qtbot, view, "B4", "name")
    qtbot.mouseClick(view.withdraw_button, Qt.MouseButton.LeftButton)
    standing = view.model.index(view.model.row_of("B4"), view.model.column_of("standing"))
    assert standing.data() == "Excluded: withdrawn: Withdrew by letter on 3 March"
    assert view.reinstate_button.isEnabled() and not view.withdraw_button.isEnabled()
    results = demo_window.show_view("results")
    row = results.ranking.row_of("B4")
    status = results.ranking.index(row, results.ranking.col_status).data()
    assert status == "Excluded: withdrawn: Withdrew by letter on 3 March"
    assert results.ranking.index(row, results.ranking.COL_RANK).data() == "—"
    assert results.ranking.bidder_at(0).bidder.id == "B1"  # Café Connect now leads
    demo_window.doc.undo_stack.undo()
    assert results.ranking.bidder_at(0).bidder.id == "B4"


# The offscreen platform cannot size a top-level dialog's window frame, and says so.
@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_reason_dialog_by_keyboard(qtbot) -> None:
    dialog = ReasonDialog("Withdraw bidder", "Why?")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.text, "Cannot meet the start date")
    assert dialog.ok.isEnabled()
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.reason() == "Cannot meet the start date"


def test_gateway_fail_recorded_from_panel(demo_window, qtbot) -> None:
    view = demo_window.show_view("bidders")
    select_cell(qtbot, view, "B1", "name")
    box, rationale, save = view.gateways.rows["G1"]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # Pass -> Fail
    assert box.currentData() == "fail"
    rationale.selectAll()
    qtbot.keyClicks(rationale, "Public liability cover is £1m; £5m required")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    lot = demo_window.doc.data.lot("L1")
    gate = next(g for g in lot.gateways if g.bidder == "B1")
    assert (gate.result, gate.rationale) == ("fail", "Public liability cover is £1m; "
                                                     "£5m required")
    cell = view.model.index(view.model.row_of("B1"), view.model.column_of("gateway:G1"))
    assert cell.data() == "Fail"
    standing = view.model.index(view.model.row_of("B1"), view.model.column_of("standing"))
    assert standing.data() == "Excluded: G1 Insurance and DBS checks: failed gateway"
    assert view.gateways.rows["G1"][0].currentData() == "fail"  # panel shows the new state


def test_gateway_without_rationale_is_refused(demo_window, qtbot) -> None:
    view = demo_window.show_view("bidders")
    select_cell(qtbot, view, "B2", "name")
    box, rationale, save = view.gateways.rows["G1"]
    box.setCurrentIndex(box.findData("fail"))
    rationale.clear()
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert "give the reason Hartley & Moss" in errors.last_message
    assert demo_window.doc.undo_stack.count() == 0


def test_add_bidder_by_keyboard_then_undo(demo_window, qtbot, demo_tender: Path) -> None:
    view = demo_window.show_view("bidders")
    before = bidder_tables(demo_tender)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Insert)
    assert view.model.rowCount() == 6
    editor = view.table.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "Oakfield Care Co-operative")
    press_enter(qtbot, view, editor)
    assert demo_window.doc.data.lot("L1").bidder("B6").name == "Oakfield Care Co-operative"
    assert demo_window.show_view("results").ranking.row_of("B6") is not None
    stack = demo_window.doc.undo_stack
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    assert bidder_tables(demo_tender) == before


def test_type_changed_with_the_drop_down(demo_window, qtbot) -> None:
    view = demo_window.show_view("bidders")
    index = select_cell(qtbot, view, "B2", "organisation_type")
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    editor = view.table.focusWidget()
    assert isinstance(editor, QComboBox)
    editor.setCurrentText("large")
    press_enter(qtbot, view, editor)
    assert demo_window.doc.data.lot("L1").bidder("B2").organisation_type == "large"
    assert view.model.index(index.row(), index.column()).data() == "large"


def test_remove_of_a_scored_bidder_is_refused(demo_window, qtbot) -> None:
    view = demo_window.show_view("bidders")
    select_cell(qtbot, view, "B1", "name")
    qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)
    assert "withdraw it instead" in errors.last_message
    assert view.model.rowCount() == 5


def test_locked_tender_cannot_be_edited(window, qtbot, demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        set_status(tf, "locked", reason="award approved")
    assert window.open_path(str(demo_tender))
    window.show()
    view = window.show_view("bidders")
    assert "Bidders cannot change" in view.status.text()
    for button in (view.add_button, view.withdraw_button, view.remove_button):
        assert not button.isEnabled()
    index = view.model.index(0, view.model.column_of("price"))
    assert not index.flags() & Qt.ItemFlag.ItemIsEditable
    assert not view.gateways.rows["G1"][2].isEnabled()


def test_lot_choice_shows_that_lots_bidders(demo_window, qtbot) -> None:
    view = demo_window.show_view("bidders")
    view.lots.setFocus()
    qtbot.keyClick(view.lots, Qt.Key.Key_Down)
    assert view.lots.lot_id() == "L2"
    assert view.model.bidder_at(1).name == "Riverside Neighbourhood Trust"
    assert view.model.index(0, view.model.column_of("value:SV2")).data() == "2,400 hours"


def test_delete_key_removes_an_unscored_bidder_and_undo_brings_it_back(demo_window,
                                                                       qtbot) -> None:
    view = demo_window.show_view("bidders")
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Insert)
    qtbot.keyClick(view.table.focusWidget(), Qt.Key.Key_Escape)  # keep the default name
    assert view.selected_id() == "B6"
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert view.model.row_of("B6") is None
    demo_window.doc.undo_stack.undo()
    assert demo_window.doc.data.lot("L1").bidder("B6").name == "New bidder B6"
