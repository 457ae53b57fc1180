"""The Model view driven as a procurement lead would: keys, mouse, undo and redo, on a real file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLineEdit, QToolButton

from workbench.model.seal import seal_state
from workbench.storage import TenderFile

from ui import errors
from ui.views.model_tree import (
    COL_CODE,
    COL_EFFECTIVE,
    COL_SUM,
    COL_TITLE,
    COL_WEIGHT,
    CriteriaModel,
)
from ui.views.seal_dialog import UnsealDialog


@pytest.fixture
def view(window, demo_tender: Path):
    assert window.open_path(str(demo_tender))
    window.show()
    return window.show_view("model")


def _cell(view, criterion_id: str, column: int) -> str:
    return view.tree_model.index_of(criterion_id, column).data()


def _type_into_cell(qtbot, view, criterion_id: str, column: int, text: str) -> None:
    view.select(criterion_id, column)
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_F2)
    editor = view.tree.findChild(QLineEdit)
    assert editor is not None
    qtbot.keyClicks(editor, text)
    count = view.doc.undo_stack.index()
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the delegate commits on the next turn of the event loop
    qtbot.waitUntil(lambda: view.doc.undo_stack.index() != count or bool(errors.last_message))


def _button(view, text: str) -> QToolButton:
    return next(b for b in view.findChildren(QToolButton) if b.text() == text)


def test_weight_edit_by_keyboard_updates_effective_weights_and_marker(
        qtbot, view, demo_tender: Path) -> None:
    assert _cell(view, "Q2", COL_EFFECTIVE) == "13.75"
    _type_into_cell(qtbot, view, "Q2", COL_WEIGHT, "20")
    assert _cell(view, "Q2", COL_WEIGHT) == "20"
    assert _cell(view, "Q2", COL_EFFECTIVE) == "11.00"
    marker = view.tree_model.index_of("Q", COL_SUM)
    assert marker.data() == "95%"
    assert marker.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "add up to 95%, not 100%" in marker.data(Qt.ItemDataRole.ToolTipRole)
    assert any("weights in group Q add up to 95%" in text for text in view.problems.texts())

    qtbot.keyClick(view.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo
    assert _cell(view, "Q2", COL_EFFECTIVE) == "13.75"
    assert view.tree_model.index_of("Q", COL_SUM).data(Qt.ItemDataRole.DecorationRole) is None
    qtbot.keyClick(view.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # redo
    assert _cell(view, "Q2", COL_EFFECTIVE) == "11.00"
    view.window().close_document()
    with TenderFile.open(demo_tender) as tf:
        assert tf.load().lot("L1").criterion("Q2").weight == 20
        assert tf.integrity_problem == ""


def test_mouse_double_click_edit_then_normalise_button(qtbot, view) -> None:
    index = view.tree_model.index_of("Q3", COL_WEIGHT)
    view.tree.scrollTo(index)
    centre = view.tree.visualRect(index).center()
    qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    editor = view.tree.findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, "35")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: _cell(view, "Q", COL_SUM) == "110%")
    view.select("Q3", COL_TITLE)
    qtbot.mouseClick(_button(view, "Normalise"), Qt.MouseButton.LeftButton)
    assert _cell(view, "Q", COL_SUM) == "100%"
    assert [_cell(view, c, COL_WEIGHT) for c in ("Q1", "Q2", "Q3", "Q4")] == [
        "27.27", "22.73", "31.82", "18.18"]
    view.doc.undo_stack.undo()
    assert _cell(view, "Q", COL_SUM) == "110%"


def test_add_delete_and_move_by_keys_with_undo(qtbot, view, monkeypatch) -> None:
    view.select("Q2")
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_Insert)
    lot = view.doc.data.lot("L1")
    assert [c.id for c in lot.criterion("Q").children] == ["Q1", "Q2", "Q5", "Q3", "Q4"]
    assert view.selected_id() == "Q5"

    asked: list[str] = []
    monkeypatch.setattr(errors, "ask", lambda parent, text, title="": asked.append(text) or True)
    view.select("Q1")
    qtbot.keyClick(view.tree, Qt.Key.Key_Delete)
    assert asked and "scores" in asked[0]
    lot = view.doc.data.lot("L1")
    assert lot.criterion("Q1") is None and not [s for s in lot.scores if s.criterion == "Q1"]
    view.doc.undo_stack.undo()
    lot = view.doc.data.lot("L1")
    assert lot.criterion("Q1") is not None and [s for s in lot.scores if s.criterion == "Q1"]

    view.select("Q3")
    qtbot.keyClick(view.tree, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [c.id for c in view.doc.data.lot("L1").criterion("Q").children] == [
        "Q1", "Q2", "Q3", "Q5", "Q4"]  # Q3 moved above the new Q5
    qtbot.keyClick(view.tree, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert [c.id for c in view.doc.data.lot("L1").criteria][:2] == ["Q", "Q3"]
    assert view.selected_id() == "Q3"
    view.doc.undo_stack.undo()
    assert view.doc.data.lot("L1").criterion("Q").children[2].id == "Q3"


def test_drag_and_drop_uses_the_same_move(qtbot, view) -> None:
    model: CriteriaModel = view.tree_model
    price = model.index_of("P")
    mime = model.mimeData([price])
    quality = model.index_of("Q")
    assert not model.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0,
                                     model.index_of("Q1"))  # a scored criterion holds nothing
    assert not model.canDropMimeData(model.mimeData([quality]), Qt.DropAction.MoveAction, 0, 0,
                                     model.index_of("Q"))  # not into itself
    model.dropMimeData(mime, Qt.DropAction.MoveAction, 1, 0, quality)
    qtbot.waitUntil(lambda: view.doc.data.lot("L1").criterion("Q").children[1].id == "P")
    assert view.doc.undo_stack.undoText() == "Move criterion P"
    view.doc.undo_stack.undo()
    assert [c.id for c in view.doc.data.lot("L1").criteria] == ["Q", "P", "SV", "G1"]


def test_tooltips_name_the_shortcuts(view) -> None:
    assert "(Ins)" in view.add_action.toolTip()
    assert "(Ctrl+Ins)" in view.add_inside_action.toolTip()
    assert "(Del)" in view.delete_action.toolTip()
    assert "(Alt+Up)" in view.up_action.toolTip()
    assert "(Alt+Right)" in view.indent_action.toolTip()


def test_details_pane_edits_title_and_question(qtbot, view) -> None:
    view.select("Q4")
    title = view.details.title
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, "Outcomes and co-production")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert _cell(view, "Q4", COL_TITLE) == "Outcomes and co-production"
    question = view.details.question
    question.setFocus()
    question.selectAll()
    qtbot.keyClicks(question, "How will you measure wellbeing?")
    view.details.title.setFocus()  # leaving the box commits it
    assert view.doc.data.lot("L1").criterion("Q4").question == "How will you measure wellbeing?"
    view.doc.undo_stack.undo()
    view.doc.undo_stack.undo()
    assert _cell(view, "Q4", COL_TITLE) == "Outcomes and service-user involvement"


def test_a_weight_refused_in_the_details_pane_keeps_what_was_typed(qtbot, view) -> None:
    view.select("Q2")
    weight = view.details.weight
    weight.setFocus()
    weight.selectAll()
    qtbot.keyClicks(weight, "150")
    qtbot.keyClick(weight, Qt.Key.Key_Return)
    assert "Q2: a weight is a percentage from 0 to 100, not 150" in errors.last_message
    assert weight.text() == "150" and weight.selectedText() == "150"
    assert view.doc.data.lot("L1").criterion("Q2").weight == 25
    qtbot.keyClicks(weight, "15")  # typed over the selection
    qtbot.keyClick(weight, Qt.Key.Key_Return)
    assert view.doc.data.lot("L1").criterion("Q2").weight == 15
    view.select("Q1")
    view.select("Q2")
    assert weight.text() == "15"


def test_bad_code_is_refused_with_one_line(qtbot, view) -> None:
    _type_into_cell(qtbot, view, "Q4", COL_CODE, "Q 4")
    assert "'Q 4' cannot be a criterion code" in errors.last_message
    assert _cell(view, "Q4", COL_CODE) == "Q4"


def test_seal_then_everything_is_read_only_then_unseal(qtbot, view, monkeypatch) -> None:
    qtbot.mouseClick(view.seal_button, Qt.MouseButton.LeftButton)  # dialogs off: ask says yes
    assert seal_state(view.doc.tf).sealed
    assert view.status.seal_banner.isVisible() and "fingerprint" in view.status.seal_banner.text()
    index = view.tree_model.index_of("Q2", COL_WEIGHT)
    assert not view.tree_model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not view.add_action.isEnabled() and view.details.title.isReadOnly()
    monkeypatch.setattr(UnsealDialog, "ask", classmethod(
        lambda cls, parent, apply: apply("Clarification 4 changed the weight of Q2")))
    qtbot.mouseClick(view.seal_button, Qt.MouseButton.LeftButton)
    assert not seal_state(view.doc.tf).sealed
    assert view.tree_model.flags(index) & Qt.ItemFlag.ItemIsEditable


def test_sealing_a_broken_model_is_refused_before_the_button_is_pressed(qtbot, view) -> None:
    """Not confirmed and then refused: the button is off and says why."""
    _type_into_cell(qtbot, view, "Q2", COL_WEIGHT, "20")
    qtbot.waitUntil(lambda: not view.seal_button.isEnabled())
    assert view.seal_button.toolTip().startswith(
        "Cannot seal yet:\n• lot L1, criterion Q: weights in group Q add up to 95%")
    qtbot.mouseClick(view.seal_button, Qt.MouseButton.LeftButton)
    assert errors.last_message == "" and not seal_state(view.doc.tf).sealed
    view.doc.undo_stack.undo()
    qtbot.waitUntil(view.seal_button.isEnabled)
    assert view.seal_button.toolTip().startswith("Freeze the model")


def test_matrix_edits_weights_of_every_lot(qtbot, view) -> None:
    view.tabs.setCurrentIndex(1)
    matrix = view.matrix_model
    assert matrix.rowCount() == 2 and matrix.columnCount() == 5  # Q, P, SV, total, social
    sv = matrix.index(1, 2)
    view.matrix.setCurrentIndex(sv)
    view.matrix.setFocus()
    qtbot.keyClick(view.matrix, Qt.Key.Key_F2)
    editor = view.matrix.findChild(QLineEdit)
    qtbot.keyClicks(editor, "5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.doc.data.lot("L2").criterion("SV").weight == 5)
    total = matrix.index(1, matrix.col_total)
    assert total.data() == "95" and total.data(Qt.ItemDataRole.DecorationRole) is not None
    social = matrix.index(1, matrix.col_social)
    assert "below the policy minimum of 10%" in social.data(Qt.ItemDataRole.ToolTipRole)


def test_share_and_copy_between_lots(qtbot, view) -> None:
    view.share_action.trigger()  # dialogs off: ask says yes
    data = view.doc.data
    assert data.lot("L2").criteria == data.lot("L1").criteria
    _type_into_cell(qtbot, view, "Q1", COL_WEIGHT, "35")
    assert view.doc.data.lot("L2").criterion("Q1").weight == 35
    view.doc.undo_stack.undo()
    view.doc.undo_stack.undo()
    assert view.doc.data.lot("L2").criterion("Q1").title == "Hub model, venues and activity " \
                                                            "programme"


def test_excel_export_then_import(view, tmp_path: Path) -> None:
    path = tmp_path / "model.xlsx"
    assert view.export_xlsx(str(path))
    assert view.commands.commit("L1", "Q1", "title", "Changed")
    assert view.import_xlsx(str(path))
    assert _cell(view, "Q1", COL_TITLE) == "Service model and mobilisation"


def test_model_screenshot(demo_tender: Path, tmp_path: Path) -> None:
    # its own process: main() installs process-wide crash handlers
    out = tmp_path / "m.png"
    done = subprocess.run(
        [sys.executable, "-m", "ui", str(demo_tender), "--view", "model", "--screenshot",
         str(out), "--size", "1366x768"],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True, text=True,
        timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\x89PNG")


def test_criteria_model_passes_qtmodeltester(qtmodeltester, demo_data) -> None:
    model = CriteriaModel()
    model.set_rows(demo_data, demo_data.lot("L1"), [], editable=True)
    qtmodeltester.check(model)
    assert model.rowCount(QModelIndex()) == 4
    assert model.rowCount(model.index_of("Q")) == 4


def test_matrix_model_passes_qtmodeltester(qtmodeltester, demo_data) -> None:
    from ui.views.model_matrix import MatrixModel
    model = MatrixModel()
    model.set_rows(demo_data, editable=True)
    qtmodeltester.check(model)


def test_clicking_a_problem_goes_to_the_criterion(qtbot, view) -> None:
    _type_into_cell(qtbot, view, "SV1", COL_WEIGHT, "50")
    view.select("P")
    panel = view.problems.list
    item = next(panel.item(i) for i in range(panel.count())
                if "group SV add up to 90%" in panel.item(i).text())
    qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.visualItemRect(item).center())
    assert view.selected_id() == "SV"
    assert view.details.heading.text() == "SV  Social value"


def test_lots_are_renamed_and_removed_with_undo(qtbot, view, monkeypatch) -> None:
    from ui.views.model import ModelView

    monkeypatch.setattr(ModelView, "ask_lot_title",
                        staticmethod(lambda parent, current="", renaming=False:
                                     "Lot 3: Befriending"))
    view.add_lot()
    assert [lot.id for lot in view.doc.data.lots] == ["L1", "L2", "L3"] and view.lot_id == "L3"
    monkeypatch.setattr(ModelView, "ask_lot_title",
                        staticmethod(lambda parent, current="", renaming=False:
                                     current + " and peer support"))
    view.rename_lot_action.trigger()
    assert view.doc.data.lot("L3").title == "Lot 3: Befriending and peer support"
    assert view.lot_combo.currentText().endswith("Befriending and peer support")
    # A refused title is asked for again holding what was typed; Cancel ends it.
    asked: list[str] = []
    monkeypatch.setattr(ModelView, "ask_lot_title", staticmethod(
        lambda parent, current="", renaming=False: asked.append(current) or (
            None if len(asked) > 1 else current + "\x1b[2J")))
    view.rename_lot_action.trigger()
    assert "control character" in errors.last_message
    assert asked == ["Lot 3: Befriending and peer support",
                     "Lot 3: Befriending and peer support\x1b[2J"]
    assert view.doc.data.lot("L3").title == "Lot 3: Befriending and peer support"
    view.remove_lot_action.trigger()  # dialogs answer yes in tests
    assert [lot.id for lot in view.doc.data.lots] == ["L1", "L2"]
    view.doc.undo_stack.undo()
    assert view.doc.data.lot("L3").title == "Lot 3: Befriending and peer support"
    view.lot_id = "L1"
    view.refresh()
    view.remove_lot_action.trigger()  # lot 1 has been scored: refused, with the reason
    assert "has been scored stays on the record" in errors.last_message
    assert view.doc.data.lot("L1") is not None
