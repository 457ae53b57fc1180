"""A hostile name typed or pasted into a dialog: refused with the core's one-line message
(names.py, the same rule as for files), the dialog stays open with what was typed, nothing is
written; corrected, it is saved."""

from __future__ import annotations

from pathlib import Path

from tests.ui.test_panel import focused, press, type_keys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from workbench.storage import TenderFile
from workbench.storage.audit import last_hash

from ui import errors


def _trail(path: Path) -> tuple[int, str]:
    with TenderFile.open(path, read_only=True) as tf:
        return last_hash(tf.db)


def open_evaluator_dialog(window, qtbot, demo_tender: Path):
    assert window.open_path(str(demo_tender))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    panel = window.show_view("panel")
    panel.evaluators.setFocus()
    press(qtbot, Qt.Key.Key_Insert)
    dialog = panel.dialog
    qtbot.waitUntil(lambda: focused() is dialog.name)
    return panel, dialog


def test_a_pasted_name_with_a_terminal_escape_is_refused_and_kept(window, qtbot,
                                                                  demo_tender) -> None:
    panel, dialog = open_evaluator_dialog(window, qtbot, demo_tender)
    before = _trail(demo_tender)
    QApplication.clipboard().setText("Sam\x1b[2J Okafor")
    press(qtbot, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.name.text() == "Sam\x1b[2J Okafor"
    press(qtbot, Qt.Key.Key_Return)
    message = errors.last_message
    assert "the evaluator's name holds a control character (\\x1b)" in message
    assert "\n" not in message and "\x1b" not in message
    assert dialog.isVisible() and panel.dialog is dialog
    assert dialog.name.text() == "Sam\x1b[2J Okafor"  # still there to correct
    assert _trail(demo_tender) == before
    dialog.name.selectAll()
    type_keys(qtbot, "Sam Okafor")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.dialog is None)
    assert "Sam Okafor" in [e.name for e in window.doc.data.evaluators]


def test_an_over_long_role_is_refused_with_a_short_message(window, qtbot,
                                                           demo_tender) -> None:
    _panel, dialog = open_evaluator_dialog(window, qtbot, demo_tender)
    type_keys(qtbot, "Priya Shah")
    press(qtbot, Qt.Key.Key_Tab)
    role = "Commissioning officer " * 60  # 1,320 characters, pasted from a document
    QApplication.clipboard().setText(role)
    press(qtbot, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, Qt.Key.Key_Return)
    assert "the role is 1,319 characters long; at most 1,000 are allowed" in errors.last_message
    assert len(errors.last_message) < 120
    assert dialog.isVisible() and dialog.values() == ("Priya Shah", role)
    assert "Priya Shah" not in [e.name for e in window.doc.data.evaluators]
