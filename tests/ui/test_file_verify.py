"""Opening never waits on history: the first view comes at once, the file is checked on a
worker, and a problem found then turns the document read-only under the red banner. Save a
copy from the File menu; a file replaced on disk stops the next edit and says how to keep it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from workbench.storage import TenderFile, verification

from ui import errors, tasks


@pytest.fixture
def gated(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Background tasks for real, and the check held until the test lets it finish."""
    monkeypatch.setattr(tasks, "synchronous", False)
    gate = threading.Event()
    real = verification.verify_file

    def held(path: Path) -> list[verification.AuditProblem]:
        assert gate.wait(20)
        return real(path)

    monkeypatch.setattr(verification, "verify_file", held)
    return gate


def type_title(window, qtbot, text: str) -> None:
    edit = window.show_view("overview").edits["title"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_a_tampered_file_shows_at_once_then_turns_read_only_under_the_red_banner(
        window, qtbot, demo_tender: Path, gated: threading.Event) -> None:
    with sqlite3.connect(demo_tender) as conn:
        conn.execute("UPDATE scores SET score = '5' WHERE rowid = (SELECT min(rowid) FROM scores)")
    assert window.open_path(str(demo_tender))
    window.show()
    assert window.show_view("overview").isVisible()  # the first view, before any check
    assert window.doc.tf.verification_pending and not window.doc.read_only
    assert "checking the file" in window._status_file.text()
    gated.set()
    qtbot.waitUntil(lambda: window.file_banner.isVisible(), timeout=20_000)
    assert window.file_banner.label.objectName() == "banner_error"
    assert "table 'scores'" in window.file_banner.label.text()
    assert window.doc.read_only and "checking" not in window._status_file.text()
    title = window.doc.data.tender.title
    type_title(window, qtbot, "Edited after the check")
    assert window.doc.data.tender.title == title


def test_a_clean_file_stays_writable_after_the_check(window, qtbot, demo_tender: Path,
                                                      gated: threading.Event) -> None:
    assert window.open_path(str(demo_tender))
    window.show()
    gated.set()
    qtbot.waitUntil(lambda: not window.doc.tf.verification_pending, timeout=20_000)
    assert not window.file_banner.isVisible() and not window.doc.read_only
    type_title(window, qtbot, "Renamed after the check")
    window.close_document()
    with TenderFile.open(demo_tender, read_only=True, verify="full") as tf:
        assert tf.load().tender.title == "Renamed after the check"
    assert not Path(f"{demo_tender}-wal").exists() and not Path(f"{demo_tender}-shm").exists()


def test_save_a_copy_from_the_file_menu(open_window, qtbot, small_tender: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "copies" / "for the auditor"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    type_title(open_window, qtbot, "Title in the copy")
    file_menu = open_window.menuBar().actions()[0].menu()
    action = next(a for a in file_menu.actions() if a.text() == "Save a &copy…")
    assert action.isEnabled()
    action.trigger()
    saved = target.with_name("for the auditor.tender")
    with TenderFile.open(saved, read_only=True, verify="full") as tf:
        assert tf.integrity_problem == "" and tf.load().tender.title == "Title in the copy"
    assert "Saved a copy" in open_window.statusBar().currentMessage()


def test_a_file_replaced_on_disk_stops_the_next_edit_and_says_how_to_keep_the_work(
        open_window, qtbot, small_tender: Path, tmp_path: Path) -> None:
    older = tmp_path / "older.tender"
    shutil.copy(small_tender, older)
    type_title(open_window, qtbot, "Before the swap")
    os.replace(older, small_tender)
    type_title(open_window, qtbot, "After the swap")
    assert "was replaced by another file" in errors.last_message
    assert open_window.file_banner.isVisible()
    assert "Save a copy" in open_window.file_banner.label.text()
