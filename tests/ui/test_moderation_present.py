"""Presentation mode of the moderation view, and its screenshots for people to look at.

Set MODERATION_SCREENSHOTS=DIR to keep the PNGs (desk view at 1280×800, presentation mode at
1920×1080, the agreement tab), e.g.
`MODERATION_SCREENSHOTS=/tmp/shots .venv/bin/pytest tests/ui/test_moderation_present.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from shiboken6 import isValid

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from ui import settings
from ui.style import stylesheet
from ui.views.moderation_present import PresentationWindow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def view(window, demo_tender: Path, qtbot):
    assert window.open_path(str(demo_tender))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # keyboard focus needs the active window
    return window.show_view("moderation")


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MODERATION_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def test_f11_presents_and_comes_back_esc_does_not(view, qtbot) -> None:
    view.stage.setFocus()
    press(qtbot, Qt.Key.Key_F11)
    window = view.presentation
    assert isinstance(window, PresentationWindow)
    assert window.isFullScreen() and view.stage.window() is window
    assert view.present_button.isChecked()
    assert "F11: back to the desk" in view.stage.hint.text()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.stage)
    press(qtbot, Qt.Key.Key_Escape)  # no box focused: a stray Esc keeps the room's view
    assert view.presentation is window and window.isFullScreen()
    press(qtbot, Qt.Key.Key_F11)
    assert view.presentation is None
    assert view.stage.window() is view.window() and view.stage.isVisible()
    assert not view.present_button.isChecked()


def test_zoom_is_remembered(view, qtbot) -> None:
    assert settings.get(settings.PRESENTATION_ZOOM) == 150
    view.set_presenting(True)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.stage)
    press(qtbot, Qt.Key.Key_Plus, CTRL)
    press(qtbot, Qt.Key.Key_Equal, CTRL)
    assert settings.get(settings.PRESENTATION_ZOOM) == 170
    assert "font-size: 17.0pt" in view.stage.styleSheet()
    press(qtbot, Qt.Key.Key_Minus, CTRL)
    press(qtbot, Qt.Key.Key_F11)
    assert view.presentation is None
    view.set_presenting(True)
    assert view.presentation.zoom == 160
    view.set_presenting(False)


def test_meeting_runs_from_the_keyboard_in_presentation_mode(view, qtbot, window) -> None:
    view.meeting_bar.chair.setCurrentText("Priya Raman")
    view.meeting_bar.start.click()
    view.go_to(("B4", "Q3"))
    view.set_presenting(True)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.stage)
    qtbot.keyClicks(view.stage, "3")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.keyClicks(view.stage.rationale, "Accessible venues but no outreach plan yet.")
    press(qtbot, Qt.Key.Key_Enter, CTRL)
    assert view.stage.item.key == ("B5", "Q3")
    moderated = {(m.bidder, m.criterion) for m in window.doc.data.lot("L2").moderated}
    assert ("B4", "Q3") in moderated
    press(qtbot, Qt.Key.Key_Z, CTRL)  # undo works from the presentation window too
    moderated = {(m.bidder, m.criterion) for m in window.doc.data.lot("L2").moderated}
    assert ("B4", "Q3") not in moderated
    view.set_presenting(False)


def test_closing_the_tender_while_presenting_closes_the_window(view, qtbot, window) -> None:
    view.set_presenting(True)
    presented = view.presentation
    window.close_document()
    # Closed, and then deleted: either way nothing is left on the projector.
    qtbot.waitUntil(lambda: not isValid(presented) or not presented.isVisible())


@pytest.fixture
def styled(window):
    """The app's own look for the screenshots, on this window only: changing the look of the
    whole application would re-style every widget earlier tests left behind."""
    window.setStyleSheet(stylesheet(window.font().pointSizeF()))
    yield
    window.setStyleSheet("")


def shoot(widget, path: Path) -> None:
    """Lay out what changed (as the event loop would before painting), then save a PNG."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert widget.grab().save(str(path))


def test_screenshots(view, qtbot, window, shots: Path, styled) -> None:
    view.go_to(("B3", "Q3"))  # a flagged item still to agree
    shoot(window, shots / "moderation-1280x800.png")
    view.tabs.setCurrentIndex(1)
    shoot(window, shots / "moderation-agreement-1280x800.png")
    view.tabs.setCurrentIndex(0)
    view.set_presenting(True, QSize(1920, 1080))
    qtbot.waitUntil(view.presentation.isVisible)
    shoot(view.presentation, shots / "moderation-present-1920x1080.png")
    view.hide_evaluators.setChecked(True)
    view.hide_bidders.setChecked(True)
    shoot(view.presentation, shots / "moderation-present-blind-1920x1080.png")
    view.set_presenting(False)
    for name, size in (("moderation-1280x800.png", (1280, 800)),
                       ("moderation-present-1920x1080.png", (1920, 1080))):
        image = QImage(str(shots / name))
        assert (image.width(), image.height()) == size
