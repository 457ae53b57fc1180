"""The main window shell: start page, opening a file, views, editing details with undo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from workbench.storage import TenderFile

from ui import errors, settings
from ui.views import VIEW_NAMES


def test_start_page_shows_when_nothing_is_open(window) -> None:
    assert window.doc is None
    assert window.centralWidget().currentWidget() is window.start_page


def test_opening_a_file_shows_every_view(open_window, small_tender: Path) -> None:
    assert open_window.doc is not None
    assert list(open_window.views) == VIEW_NAMES
    assert str(small_tender.resolve()) in settings.get(settings.RECENT_FILES)
    for name in VIEW_NAMES:
        assert open_window.show_view(name).isVisible()


def test_only_the_view_shown_is_made(window, small_tender: Path, qtbot) -> None:
    """A large tender's views each read and work out much of it: opening to one view makes
    that one alone, clicking another makes it, and closing makes none on the way."""
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.open_path(str(small_tender), "results")
    assert [name for name, _view in window.views.items()] == ["results"]
    assert window.views["results"].isVisible()
    sidebar = window._sidebar  # Scoring, as a person clicks it
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton,
                     pos=sidebar.visualItemRect(sidebar.item(4)).center())
    assert [name for name, _view in window.views.items()] == ["results", "scoring"]
    assert window.views["scoring"].isVisible()
    qtbot.wait(50)
    assert window.isActiveWindow()  # no part of a view made opens as a window of its own
    window.close_document()
    assert list(window.views) == [] and window.doc is None


def test_bad_file_gives_one_line_message(window, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tender"
    bad.write_bytes(b"not a tender")
    assert not window.open_path(str(bad))
    assert errors.last_message == "bad.tender is not a tender file"
    assert window.doc is None


def test_edit_title_by_keyboard_then_undo_redo(open_window, qtbot, small_tender: Path) -> None:
    view = open_window.show_view("overview")
    edit = view.edits["title"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "Community wellbeing service")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert open_window.doc.data.tender.title == "Community wellbeing service"
    assert "Community wellbeing service" in open_window.windowTitle()
    open_window.doc.undo_stack.undo()
    assert open_window.doc.data.tender.title == "T"
    assert edit.text() == "T"
    open_window.doc.undo_stack.redo()
    open_window.close_document()
    with TenderFile.open(small_tender) as tf:
        assert tf.load().tender.title == "Community wellbeing service"
        assert tf.integrity_problem == ""


def test_invalid_detail_is_refused_and_file_unchanged(open_window, qtbot) -> None:
    edit = open_window.show_view("overview").edits["total_points"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "lots")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert "total points must be a number" in errors.last_message
    assert open_window.doc.data.tender.total_points == 100
    assert edit.text() == "lots" and edit.hasFocus()  # kept, to be put right


def test_screenshot_command_writes_png(small_tender: Path, tmp_path: Path) -> None:
    """`workbench FILE --view NAME --screenshot OUT` as a user runs it: its own process, so its
    QApplication is styled from scratch, as at every real start."""
    out = tmp_path / "s.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WORKBENCH_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "ui", str(small_tender), "--view", "results",
                           "--screenshot", str(out)], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
