"""The Model view by keyboard and mouse: Tab walks the cells a person can change, a typed weight
is never lost (Tab, Enter, a click elsewhere, another view, quitting), a refused one stays in
its cell with the message naming it, the banners never push the table about and column widths
stay as they were set."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from workbench.storage import TenderFile

from ui import errors
from ui.views.model_tree import (
    COL_CODE,
    COL_KIND,
    COL_MINIMUM,
    COL_SCALE,
    COL_THEME,
    COL_TITLE,
    COL_WEIGHT,
)

TAB, BACKTAB = Qt.Key.Key_Tab, Qt.Key.Key_Backtab


@pytest.fixture
def view(window, qtbot, demo_tender: Path):
    assert window.open_path(str(demo_tender))
    window.resize(1366, 696)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window.show_view("model")


def weight(path: Path, criterion: str, lot: str = "L1") -> Decimal | None:
    with TenderFile.open(path, read_only=True) as tf:
        return tf.load().lot(lot).criterion(criterion).weight


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def type_keys(qtbot, text: str) -> None:
    """Each key to whatever has the focus, as a keyboard sends it (the first key typed on a
    cell opens its editor, the rest go to the editor)."""
    for key in text:
        qtbot.keyClicks(focused(), key)


def enter(qtbot, view) -> None:
    """Enter in a cell's editor (Qt commits it on the next turn of the event loop)."""
    steps, message = view.doc.undo_stack.count(), errors.last_message
    errors.last_message = ""
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.doc.undo_stack.count() != steps or bool(errors.last_message)
                    or (editing(view.tree) is None and editing(view.matrix) is None))
    errors.last_message = errors.last_message or message


def click_cell(qtbot, table, index) -> None:
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(index).center())


def start_typing(qtbot, view, criterion: str, column: int, text: str) -> QLineEdit:
    """Click the cell, then type over it (typing starts the edit, as in a spreadsheet)."""
    click_cell(qtbot, view.tree, view.tree_model.index_of(criterion, column))
    type_keys(qtbot, text)
    editor = focused()
    assert isinstance(editor, QLineEdit) and editor.text() == text
    return editor


def editing(table) -> tuple[str | None, int] | None:
    """(the row's code, column) of the cell being typed in, None when nothing is."""
    if table.state() != QAbstractItemView.State.EditingState:
        return None
    index = table.currentIndex()
    return index.siblingAtColumn(0).data(), index.column()


def test_tab_walks_the_cells_that_can_change_and_commits_each(qtbot, view,
                                                             demo_tender) -> None:
    steps = view.doc.undo_stack.count()
    start_typing(qtbot, view, "Q1", COL_WEIGHT, "28")
    press(qtbot, TAB)
    assert weight(demo_tender, "Q1") == 28
    assert view.doc.undo_stack.count() == steps + 1
    assert view.doc.undo_stack.undoText() == "Change weight of Q1"
    # Group total, Effective and Points are calculated: skipped
    assert editing(view.tree) == ("Q1", COL_SCALE)
    press(qtbot, TAB)
    assert editing(view.tree) == ("Q1", COL_MINIMUM)
    press(qtbot, TAB)
    assert editing(view.tree) == ("Q1", COL_THEME)
    press(qtbot, TAB)
    assert editing(view.tree) == ("Q2", COL_CODE)  # on to the next row
    press(qtbot, BACKTAB, Qt.KeyboardModifier.ShiftModifier)
    assert editing(view.tree) == ("Q1", COL_THEME)
    assert view.doc.undo_stack.count() == steps + 1  # leaving cells unchanged records nothing

    # price has no scale or minimum; a gateway carries no weight
    press(qtbot, Qt.Key.Key_Escape)
    click_cell(qtbot, view.tree, view.tree_model.index_of("P", COL_KIND))
    press(qtbot, TAB)
    assert editing(view.tree) == ("P", COL_WEIGHT)
    press(qtbot, TAB)
    assert editing(view.tree) == ("P", COL_THEME)
    press(qtbot, Qt.Key.Key_Escape)
    click_cell(qtbot, view.tree, view.tree_model.index_of("G1", COL_KIND))
    press(qtbot, TAB)
    assert editing(view.tree) == ("G1", COL_THEME)
    press(qtbot, TAB)  # the last cell: Tab leaves the tree
    assert editing(view.tree) is None

    view.doc.undo_stack.undo()
    assert weight(demo_tender, "Q1") == 30


def test_enter_and_a_click_elsewhere_each_commit_one_step(qtbot, view, demo_tender) -> None:
    steps = view.doc.undo_stack.count()
    start_typing(qtbot, view, "Q2", COL_WEIGHT, "20")
    enter(qtbot, view)
    assert weight(demo_tender, "Q2") == 20 and editing(view.tree) is None
    start_typing(qtbot, view, "Q3", COL_WEIGHT, "35")
    click_cell(qtbot, view.tree, view.tree_model.index_of("Q4", COL_TITLE))
    assert weight(demo_tender, "Q3") == 35
    assert view.doc.undo_stack.count() == steps + 2
    assert view.tree_model.index_of("Q", 4).data() == "105%"  # the group total followed


def test_switching_view_commits_the_typed_weight(qtbot, window, view, demo_tender) -> None:
    start_typing(qtbot, view, "Q2", COL_WEIGHT, "20")
    sidebar = window._sidebar
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton,
                     pos=sidebar.visualItemRect(sidebar.item(2)).center())
    assert not view.isVisible()
    assert weight(demo_tender, "Q2") == 20
    assert view.doc.undo_stack.undoText() == "Change weight of Q2"
    window.show_view("model")
    start_typing(qtbot, view, "Q3", COL_WEIGHT, "35")
    press(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # View > Bidders
    assert not view.isVisible() and weight(demo_tender, "Q3") == 35


@pytest.mark.parametrize("answer", ["save", "discard", "cancel"])
def test_quitting_with_a_weight_typed_asks(qtbot, window, view, demo_tender, monkeypatch,
                                           answer) -> None:
    editor = start_typing(qtbot, view, "Q2", COL_WEIGHT, "20")
    asked: list[str] = []
    monkeypatch.setattr("ui.main_window.ask_unsaved",
                        lambda _parent, what: asked.append(what) or answer)
    window.close()  # the window's close button, or File > Quit
    assert asked == ["Weight % of Q2 typed in the Model view and not saved: “20”."]
    if answer == "cancel":
        assert window.isVisible() and editing(view.tree) == ("Q2", COL_WEIGHT)
        assert editor.text() == "20" and weight(demo_tender, "Q2") == 25
        return
    assert not window.isVisible() and window.doc is None
    assert weight(demo_tender, "Q2") == (20 if answer == "save" else 25)


def test_a_refused_weight_is_named_and_stays_as_typed(qtbot, window, view,
                                                      demo_tender) -> None:
    steps = view.doc.undo_stack.count()
    editor = start_typing(qtbot, view, "Q2", COL_WEIGHT, "150")
    press(qtbot, TAB)
    assert errors.last_message == "Q2: a weight is a percentage from 0 to 100, not 150"
    assert editing(view.tree) == ("Q2", COL_WEIGHT) and editor.text() == "150"
    assert focused() is editor and editor.selectedText() == "150"  # ready to type over

    qtbot.keyClicks(editor, "2O")  # a letter O for a zero
    enter(qtbot, view)
    assert errors.last_message == "Q2: the weight must be a number, not '2O'"
    assert editing(view.tree) == ("Q2", COL_WEIGHT) and editor.text() == "2O"

    click_cell(qtbot, view.tree, view.tree_model.index_of("Q4", COL_TITLE))
    assert editing(view.tree) == ("Q2", COL_WEIGHT) and editor.text() == "2O"
    assert view.doc.undo_stack.count() == steps and weight(demo_tender, "Q2") == 25

    window.close()  # Save is the default answer, and saving is refused: nothing closes
    assert window.isVisible() and editor.text() == "2O"

    editor.selectAll()
    qtbot.keyClicks(editor, "20")
    enter(qtbot, view)
    assert weight(demo_tender, "Q2") == 20 and editing(view.tree) is None
    assert view.doc.undo_stack.count() == steps + 1


def test_escape_abandons_a_refused_weight(qtbot, view, demo_tender) -> None:
    start_typing(qtbot, view, "Q2", COL_WEIGHT, "-5")
    enter(qtbot, view)
    assert "Q2" in errors.last_message and editing(view.tree) is not None
    press(qtbot, Qt.Key.Key_Escape)
    assert editing(view.tree) is None and view.tree_model.index_of("Q2", COL_WEIGHT).data() == "25"
    assert view.unsaved() == ""


def test_weights_by_lot_tab_skips_the_totals(qtbot, view, demo_tender) -> None:
    qtbot.mouseClick(view.tabs.tabBar(), Qt.MouseButton.LeftButton,
                     pos=view.tabs.tabBar().tabRect(1).center())
    matrix, model = view.matrix, view.matrix_model
    click_cell(qtbot, matrix, model.index(0, 1))  # lot 1, price
    type_keys(qtbot, "35")
    press(qtbot, TAB)
    assert weight(demo_tender, "P") == 35
    # Total and Social value are calculated: on to lot 2's first weight
    assert matrix.state() == QAbstractItemView.State.EditingState
    assert (matrix.currentIndex().row(), matrix.currentIndex().column()) == (0, 2)
    press(qtbot, TAB)
    assert (matrix.currentIndex().row(), matrix.currentIndex().column()) == (1, 0)
    type_keys(qtbot, "abc")
    press(qtbot, TAB)
    assert errors.last_message == "Q: the weight must be a number, not 'abc'"
    assert focused().text() == "abc"
    assert view.unsaved() == ("Quality (Q) % in Lot 2: Community wellbeing hubs typed in "
                              "the Model view and not saved: “abc”.")


def test_the_banner_slot_keeps_the_table_in_place(qtbot, window, view) -> None:
    def top() -> int:
        return view.tabs.mapTo(window, view.tabs.rect().topLeft()).y()

    before = top()
    assert not view.status.policy_banner.isVisible()
    assert view.status.hint.isVisible() and "Tab moves to the next cell" in view.status.hint.text()
    start_typing(qtbot, view, "Q", COL_WEIGHT, "50")
    enter(qtbot, view)  # the top level no longer adds up, social value is low
    assert view.status.policy_banner.isVisible() and not view.status.hint.isVisible()
    assert len(view.status.policy_banner.text().splitlines()) == 1
    start_typing(qtbot, view, "SV", COL_WEIGHT, "2")
    enter(qtbot, view)  # and now two warnings
    assert len(view.status.policy_banner.text().splitlines()) == 2
    qtbot.wait(20)
    assert top() == before
    view.doc.undo_stack.undo()
    view.doc.undo_stack.undo()
    assert not view.status.policy_banner.isVisible()
    qtbot.wait(20)
    assert top() == before


def test_column_widths_stay_as_set_after_edits_and_undo(qtbot, view) -> None:
    qtbot.wait(20)  # the tree and the details have shared out the height
    header = view.tree.header()
    header.resizeSection(COL_SCALE, 150)  # as a drag of the column's edge leaves it
    widths = [header.sectionSize(c) for c in range(header.count())]
    start_typing(qtbot, view, "Q", COL_WEIGHT, "50")
    enter(qtbot, view)
    qtbot.wait(20)
    # the title takes the room left: a scroll bar may come with the problems listed
    assert [header.sectionSize(c) for c in range(header.count()) if c != COL_TITLE] == [
        w for c, w in enumerate(widths) if c != COL_TITLE]
    view.doc.undo_stack.undo()
    qtbot.waitUntil(lambda: [header.sectionSize(c) for c in range(header.count())] == widths)

    view.tabs.setCurrentIndex(1)
    columns = view.matrix.horizontalHeader()
    columns.resizeSection(0, 160)
    widths = [columns.sectionSize(c) for c in range(columns.count())]
    click_cell(qtbot, view.matrix, view.matrix_model.index(1, 2))
    type_keys(qtbot, "12.5")
    enter(qtbot, view)
    assert view.matrix_model.index(1, view.matrix_model.col_total).data() == "102.5"
    assert [columns.sectionSize(c) for c in range(columns.count())] == widths
    view.doc.undo_stack.undo()
    qtbot.wait(20)
    assert [columns.sectionSize(c) for c in range(columns.count())] == widths


def test_a_code_renamed_with_tab_moves_on_from_the_renamed_row(qtbot, view) -> None:
    """Renaming rebuilds the tree under the open editor: Tab still goes on from that cell."""
    click_cell(qtbot, view.tree, view.tree_model.index_of("Q2", COL_CODE))
    press(qtbot, Qt.Key.Key_F2)
    focused().selectAll()
    type_keys(qtbot, "Q9")
    press(qtbot, TAB)
    assert [c.id for c in view.doc.data.lot("L1").criterion("Q").children] == [
        "Q1", "Q9", "Q3", "Q4"]
    assert editing(view.tree) == ("Q9", COL_TITLE)
    view.doc.undo_stack.undo()
    assert view.doc.data.lot("L1").criterion("Q2") is not None
