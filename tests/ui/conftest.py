"""UI fixtures: settings in tmp_path, no modal dialogs, synchronous tasks, a main window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtCore import QSettings

from ui import errors, settings, tasks
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _quiet_ui(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.use_store(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    monkeypatch.setattr(errors, "dialogs_enabled", False)
    monkeypatch.setattr(errors, "last_message", "")
    monkeypatch.setattr(tasks, "synchronous", True)
    # A reason asked for (an override, a lock) is given, never a modal dialog left waiting;
    # tests about the reason itself replace this.
    from ui.views.audit_dialogs import ReasonDialog
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(
        lambda cls, *args, **kwargs: "Reason given in the test run"))
    yield
    settings.use_store(None)


@pytest.fixture
def window(qtbot) -> Iterator[MainWindow]:
    win = MainWindow(user="tester")
    qtbot.addWidget(win)
    win.resize(1280, 800)
    yield win
    win.close_document()


@pytest.fixture
def open_window(window: MainWindow, small_tender: Path) -> MainWindow:
    assert window.open_path(str(small_tender))
    window.show()
    return window


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Delete every widget a test left alive while the QApplication still exists: left to
    interpreter shutdown, PySide frees Qt objects in arbitrary order and can crash on exit."""
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    gc.collect()
