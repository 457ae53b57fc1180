"""Audit view, file banner, lock and unlock, Restore backup… and the user's name, driven as a
user would: typing, clicking, menus; dialogs answered through their `ask` classmethods."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from tests.core.test_integrity_lock import moderate_everything

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from workbench import audit_trail
from workbench.errors import WorkbenchError
from workbench.storage import TenderFile, audit, backup
from workbench.storage.tenderfile import default_user, who
from workbench.tender_lock import status

from ui import errors, identity, settings
from ui.restore_dialog import RestoreDialog
from ui.views.audit_dialogs import ReasonDialog
from ui.views.audit_model import PAGE, AuditModel, two_lines


@pytest.fixture
def audit_window(window, demo_tender: Path):
    assert window.open_path(str(demo_tender))
    window.show()
    return window


def menu_action(window, menu_title: str, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == menu_title)
    return next(a for a in menu.actions() if a.text() == text)


def shown(view) -> list[audit_trail.AuditEntry]:
    """Every entry the table lists, reading on as it would while scrolling."""
    while view.model.canFetchMore():
        view.model.fetchMore()
    return [view.model.entry(row) for row in range(view.model.rowCount())]


def search(qtbot, view, text: str) -> None:
    qtbot.keyClicks(view.search, text)
    qtbot.keyClick(view.search, Qt.Key.Key_Return)  # or a pause in the typing


def test_models(qtmodeltester, demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf:
        everything = audit_trail.entries(tf)
        model = AuditModel()
        model.show(audit_trail.Trail(tf))
        qtmodeltester.check(model)
        model.show(audit_trail.Trail(tf, audit_trail.TrailFilter(("Greenway",))))
        qtmodeltester.check(model)
        assert 0 < model.rowCount() < len(everything)


def test_the_trail_is_read_a_page_at_a_time_newest_first(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf:
        everything = audit_trail.entries(tf)
        trail = audit_trail.Trail(tf)
        assert trail.count() == len(everything)
        assert trail.page(0, 10) == everything[::-1][:10]
        assert trail.page(250, PAGE) == everything[::-1][250:]
        assert list(trail.oldest_first()) == everything
        # A bidder found by its name, a kind of record by its label, an entry by its number.
        greenway = audit_trail.Trail(tf, audit_trail.TrailFilter(("greenway", "q2")))
        assert list(greenway.oldest_first()) == [
            e for e in everything if "Greenway" in e.which and "Q2" in e.which]
        labelled = audit_trail.Trail(tf, audit_trail.TrailFilter(("moderated",)))
        assert {e.record for e in labelled.oldest_first()} >= {"Moderated score"}
        assert audit_trail.Trail(tf, audit_trail.TrailFilter(("100%_",))).count() == 0


@pytest.mark.parametrize(("words", "refused"), [
    (tuple(f"w{n}" for n in range(11)), "search for at most 10 words at a time, not 11"),
    (("x" * 60_000,), "a search word is at most 100 characters, not xxxxx"),
])
def test_an_absurd_search_is_refused_in_one_line(demo_tender: Path, words, refused) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf:
        with pytest.raises(WorkbenchError) as caught:
            audit_trail.Trail(tf, audit_trail.TrailFilter(words))
    assert str(caught.value).startswith(refused) and len(str(caught.value)) < 200


def test_odd_searches_find_what_they_say(demo_tender: Path) -> None:
    """Wildcards are literal; a long or full-width number is a word like any other."""
    with TenderFile.open(demo_tender, read_only=True) as tf:
        for word in ("%", "_", "\\", "9" * 99, "３"):
            assert audit_trail.Trail(tf, audit_trail.TrailFilter((word,))).count() >= 0
        assert audit_trail.Trail(tf, audit_trail.TrailFilter(("259",))).page(0, 1)[0].seq == 259


def test_view_lists_the_verified_trail_newest_first(audit_window) -> None:
    view = audit_window.show_view("audit")
    assert view.banner.objectName() == "banner_ok"
    assert "Audit trail verified: 259 entries" in view.banner.text()
    assert len(shown(view)) == 259
    first = view.model.index(0, AuditModel.COL_SEQ)
    assert first.data() == "259"
    assert view.count.text() == "259 entries, newest first"
    assert not audit_window.file_banner.isVisible()


def test_typing_filters_and_clicking_shows_the_entry_in_full(audit_window, qtbot) -> None:
    view = audit_window.show_view("audit")
    search(qtbot, view, "greenway Q2")
    found = shown(view)
    assert view.count.text() == f"{len(found)} of 259 entries match, newest first"
    assert found and all("Greenway" in e.which and "Q2" in e.which for e in found)
    rect = view.table.visualRect(view.model.index(0, AuditModel.COL_CHANGE))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    detail = view.detail.toPlainText()
    assert detail.startswith(f"Entry {found[0].seq} · ")
    assert "Seal (SHA-256): " in detail and "{" not in detail
    view.who.setCurrentText(default_user())
    view.record.setCurrentText("Moderated score")
    assert all(e.record == "Moderated score" for e in shown(view))


def test_a_pasted_page_in_the_search_box_says_why_it_shows_nothing(audit_window,
                                                                     qtbot) -> None:
    view = audit_window.show_view("audit")
    view.search.setText(" ".join(["word"] * 40))
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.model.rowCount() == 0
    assert view.count.text() == "Cannot search: search for at most 10 words at a time, not 40"
    view.search.clear()
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.count.text() == "259 entries, newest first"


def test_a_changed_score_reads_as_a_change(audit_window) -> None:
    tf = audit_window.doc.tf
    key = {"lot_id": "L1", "evaluator_id": "E1", "bidder_id": "B1", "criterion_id": "Q1"}
    old = tf.rows("scores", "lot_id='L1' AND evaluator_id='E1' AND bidder_id='B1' AND "
                  "criterion_id='Q1'")[0]["score"]
    new = "1" if old != "1" else "2"
    audit_window.doc.run(lambda t: _rescore(t, key, new))
    view = audit_window.show_view("audit")
    change = view.model.index(0, AuditModel.COL_CHANGE).data()
    assert change == f"score: {old} → {new}"
    assert view.model.index(0, AuditModel.COL_REASON).data() == "typo"


def _rescore(tf: TenderFile, key: dict, value: str) -> None:
    with tf.action("Change score", reason="typo"):
        tf.update("scores", key, score=value)


def test_exports_write_what_is_shown(audit_window, qtbot, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    view = audit_window.show_view("audit")
    search(qtbot, view, "Gateway")
    count = len(shown(view))
    for kind, button in (("csv", view.export_csv), ("xlsx", view.export_xlsx)):
        target = tmp_path / f"trail.{kind}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            lambda *a, t=target, **k: (str(t), ""))
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert target.exists()
    with open(tmp_path / "trail.csv", encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) == count + 1
    assert openpyxl.load_workbook(tmp_path / "trail.xlsx").active.max_row == count + 2


def test_tampered_file_shows_red_banners_and_opens_read_only(window, demo_tender: Path) -> None:
    conn = sqlite3.connect(demo_tender)
    conn.execute("UPDATE bidders SET price = '1' WHERE id = 'B2' AND lot_id = 'L1'")
    conn.commit()
    conn.close()
    assert window.open_path(str(demo_tender))
    window.show()
    assert window.doc.read_only
    assert window.file_banner.isVisible()
    assert window.file_banner.label.objectName() == "banner_error"
    assert "changed outside the workbench" in window.file_banner.label.text()
    view = window.show_view("audit")
    assert view.banner.objectName() == "banner_error"
    assert view.banner.text().startswith("✖ Audit trail broken. What no longer matches")
    assert "• table 'bidders': row L1 / B2 was changed" in view.banner.text()
    assert not view.recommend_button.isEnabled()


def test_recommend_lock_and_unlock_with_a_reason(audit_window, qtbot,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    moderate_everything(audit_window.doc.tf)
    audit_window.doc.notify()
    view = audit_window.show_view("audit")
    answers = iter(["Panel meeting 20 Nov agreed the ranking", "Signed off by the director",
                    "Bidder B2's price was keyed wrongly"])
    asked: list[int] = []

    def answer(cls, parent, title, explanation, button, minimum=0):
        asked.append(minimum)
        return next(answers)

    monkeypatch.setattr(ReasonDialog, "ask", classmethod(answer))
    assert view.recommend_button.isEnabled() and not view.lock_button.isEnabled()
    qtbot.mouseClick(view.recommend_button, Qt.MouseButton.LeftButton)
    assert status(audit_window.doc.tf) == "award_recommended"
    assert view.lock_button.isEnabled()
    qtbot.mouseClick(view.lock_button, Qt.MouseButton.LeftButton)
    assert audit_window.doc.read_only
    assert "Fingerprint" in audit_window.statusBar().currentMessage()
    assert audit_window.file_banner.label.objectName() == "banner_warning"
    assert audit_window.file_banner.label.text().startswith("Locked: ")
    assert audit_window.show_view("overview").edits["title"].isReadOnly()
    audit_window.show_view("audit")
    assert view.unlock_button.isEnabled() and not view.lock_button.isEnabled()
    qtbot.mouseClick(view.unlock_button, Qt.MouseButton.LeftButton)
    assert asked == [0, 0, 10]
    assert not audit_window.doc.read_only
    assert not audit_window.file_banner.isVisible()
    assert view.model.index(0, AuditModel.COL_ACTION).data() == "Unlock tender"
    assert view.model.index(0, AuditModel.COL_REASON).data() == \
        "Bidder B2's price was keyed wrongly"


def test_cancelled_lock_changes_nothing(audit_window, qtbot,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    moderate_everything(audit_window.doc.tf)
    audit_window.doc.notify()
    view = audit_window.show_view("audit")
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, *a, **k: None))
    qtbot.mouseClick(view.recommend_button, Qt.MouseButton.LeftButton)
    assert status(audit_window.doc.tf) == "moderation"


def test_recommending_provisional_results_is_refused_in_one_line(audit_window, qtbot) -> None:
    view = audit_window.show_view("audit")
    qtbot.mouseClick(view.recommend_button, Qt.MouseButton.LeftButton)
    assert errors.last_message.startswith("cannot recommend an award yet: lot L2")
    assert status(audit_window.doc.tf) == "moderation"


def test_restore_backup_from_the_file_menu(audit_window, demo_tender: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    tf = audit_window.doc.tf
    saved = backup.before_bulk_change(tf, "before-merge")
    with tf.action("Rename"):
        tf.update("tender", {"id": 1}, title="Renamed after the backup")
    audit_window.show_view("audit")
    monkeypatch.setattr(RestoreDialog, "ask",
                        classmethod(lambda cls, parent, path, infos, doc: infos[0]))
    menu_action(audit_window, "&File", "Restore &backup…").trigger()
    assert errors.last_message.startswith("Restored demo.tender as it was on ")
    assert audit_window.doc is not None and not audit_window.doc.read_only
    assert audit_window.doc.data.tender.title != "Renamed after the backup"
    assert audit_window.views["audit"].isVisible()
    kept = backup.list_backups(demo_tender)[0]
    assert "before-restore" in kept.name and kept != saved
    last = audit.entries(audit_window.doc.tf.db)[-1]
    assert last["action"] == f"Restore backup {saved.name}"


def test_restore_with_no_backups_says_so(audit_window) -> None:
    menu_action(audit_window, "&File", "Restore &backup…").trigger()
    assert errors.last_message.startswith("There are no backups of demo.tender yet")


def test_restore_dialog_lists_backups_and_keeps_the_count(qtbot, demo_tender: Path,
                                                          window) -> None:
    assert window.open_path(str(demo_tender))
    made = [backup.before_bulk_change(window.doc.tf, label)
            for label in ("before-merge", "before-import")]
    dialog = RestoreDialog(window, demo_tender, backup.backups(demo_tender), window.doc)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 1).text() == "before import"
    assert dialog.chosen().path == made[1]
    dialog.keep.setValue(4)
    assert backup.keep_count(window.doc.tf.db) == 4


def test_name_is_asked_once_at_first_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(errors, "dialogs_enabled", True)
    asked: list[str] = []
    monkeypatch.setattr(identity.NameDialog, "ask",
                        classmethod(lambda cls, parent, current="": asked.append(current)
                                    or "Jane Smith"))
    assert identity.audit_name() == f"Jane Smith ({default_user()})"
    assert identity.audit_name() == f"Jane Smith ({default_user()})"
    assert asked == [""]
    assert settings.get(settings.USER_NAME) == "Jane Smith"


def test_screenshots_never_ask_for_a_name(demo_tender: Path, tmp_path: Path) -> None:
    """A real first start (no name saved, dialogs on) in screenshot mode: nothing may wait
    for an answer. Its own process: the app's main() owns the QApplication's look."""
    out = tmp_path / "audit.png"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path),
           "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-m", "ui", str(demo_tender), "--view", "audit",
                          "--screenshot", str(out)], env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes().startswith(b"\x89PNG")


def test_changed_name_is_recorded_from_the_next_change(audit_window,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identity.NameDialog, "ask",
                        classmethod(lambda cls, parent, current="": "Priya Raman"))
    menu_action(audit_window, "&File", "Your &name…").trigger()
    assert audit_window.user == who("Priya Raman")
    view = audit_window.views["overview"]
    audit_window.show_view("overview")
    edit = view.edits["reference"]
    edit.setText("NBC-2026-0147-B")
    edit.editingFinished.emit()
    last = audit.entries(audit_window.doc.tf.db)[-1]
    assert last["user"] == f"Priya Raman ({default_user()})"


def test_two_line_cells_end_in_an_ellipsis_when_cut(audit_window) -> None:
    font = audit_window.font()
    assert two_lines("short", font, 400) == ["short"]
    lines = two_lines("word " * 200, font, 200)
    assert len(lines) == 2 and lines[1].endswith("…")
    assert two_lines("Score\nL1 · Q1", font, 400) == ["Score", "L1 · Q1"]
