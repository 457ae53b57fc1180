"""Evaluator mode: a real scoring pack, driven by keyboard only: declare, score, submit, merge."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from workbench.domain import Assignment, TenderData
from workbench.model.seal import seal
from workbench.panel.packs import create_packs
from workbench.storage import TenderFile

from ui import errors

RATIONALE = "Clear staffing plan with named leads and realistic caseloads."


@pytest.fixture
def pack(tmp_path: Path, demo_data: TenderData) -> tuple[Path, Path]:
    """(lead's tender, Gareth's pack): Gareth scores Q1 of each lot, nothing scored yet."""
    demo_data.tender.status = "scoring"
    for lot in demo_data.lots:
        lot.scores, lot.moderated = [], []
        lot.assignments = [Assignment("E1", ["Q1", "Q2"]), Assignment("E2", ["Q1"])]
    lead = tmp_path / "lead.tender"
    out = tmp_path / "packs"
    out.mkdir()
    with TenderFile.create(lead, demo_data, user="lead") as tf:
        seal(tf)
        paths = create_packs(tf, out, "tender", ["E2"])
    return lead, paths[0]


def focused():
    return QApplication.focusWidget()


def type_keys(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def visible_text(view) -> str:
    """Everything a person can read on the view: labels and the list of scores."""
    labels = [w.text() for w in view.findChildren(QLabel) if w.isVisible()]
    model = view.items_model
    cells = [str(model.index(r, c).data()) for r in range(model.rowCount())
             for c in range(model.columnCount())]
    return "\n".join(labels + cells)


def open_pack(window, qtbot, path: Path):
    assert window.open_path(str(path))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    return window.views["scoring"]


def test_pack_opens_in_evaluator_mode_with_declaration_first(window, qtbot, pack) -> None:
    view = open_pack(window, qtbot, pack[1])
    assert list(window.views) == ["scoring"]
    assert view.pages.currentWidget() is view.declaration
    text = visible_text(view)
    assert "Lot 1: Social prescribing link workers" in text
    for bidder in ("Café Connect CIC", "Meridian Care Group plc", "Greenway Hubs Ltd"):
        assert bidder not in text
    assert not view.submit.isVisible()


def test_declare_score_undo_and_submit_by_keyboard(window, qtbot, pack) -> None:
    lead, pack_path = pack
    view = open_pack(window, qtbot, pack_path)
    # Lot 1: no conflict (the default), confirmed with Ctrl+Enter.
    assert focused() is view.declaration.form.none
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Lot 2" in view.declaration.lot_title.text())
    # Lot 2: a conflict, with its nature and mitigation.
    press(qtbot, Qt.Key.Key_Down)
    assert view.declaration.form.declared.isChecked()
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "My sister works at Greenway Hubs Ltd")
    press(qtbot, Qt.Key.Key_Tab)
    bidders = view.declaration.form.bidders
    assert focused() is bidders
    bidders.setCurrentRow(0)
    for _ in range(4):  # Greenway Hubs Ltd is the fifth bidder on lot 2
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "I will not score Greenway Hubs")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.scoring)
    assert view.progress.text() == "This lot: 0 of 5 scored"

    # Score every bidder on lot 1's question: digit, Tab, rationale, Ctrl+Enter.
    assert focused() is view.entry.score
    for digit in "34253":
        type_keys(qtbot, digit)
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is view.entry.rationale
        type_keys(qtbot, RATIONALE)
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    # Ctrl+Enter on the last bidder moved on to lot 2.
    assert view.lot.currentData() == "L2" and focused() is view.entry.score
    press(qtbot, Qt.Key.Key_Backtab)  # to the list: in the score box Ctrl+Z undoes typing
    assert focused() is view.items
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the last score
    qtbot.waitUntil(lambda: len(view.doc.tf.rows("scores")) == 4)
    press(qtbot, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(view.doc.tf.rows("scores")) == 5)

    # A digit typed on the list goes to the score box; a score off the scale is refused.
    type_keys(qtbot, "7")
    assert focused() is view.entry.score and view.entry.score.text() == "7"
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, RATIONALE)
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert errors.last_message == "7 is not on the 0–5 scale of Q1"
    press(qtbot, Qt.Key.Key_Backtab)
    type_keys(qtbot, "4")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    for digit in "123":  # Greenway is not hers to score: four bidders on lot 2
        type_keys(qtbot, digit)
        press(qtbot, Qt.Key.Key_Tab)
        type_keys(qtbot, RATIONALE)
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.progress.value() == 4 and view.progress.maximum() == 4
    assert "Greenway" not in {view.items_model.index(r, 1).data()
                              for r in range(view.items_model.rowCount())}

    press(qtbot, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # S&ubmit; ask() says yes
    qtbot.waitUntil(lambda: view.doc.tf.meta("pack_submitted") == "1")
    assert view.entry.score.isReadOnly() and not view.save.isVisible()
    assert not view.submit.isVisible()
    assert "You have submitted this pack" in view.banner.text()
    assert not view.doc.undo_stack.canUndo()

    window.close_document()
    with TenderFile.open(pack_path, read_only=True) as tf:
        scores = tf.rows("scores")
        conflicts = {r["lot_id"]: r for r in tf.rows("lot_conflicts")}
    assert len(scores) == 9
    assert {(s["status"], s["entered_by"]) for s in scores} == {("submitted",
                                                                 "Gareth Llewellyn")}
    assert [s["score"] for s in scores if s["lot_id"] == "L1"] == ["3", "4", "2", "5", "3"]
    assert conflicts["L1"]["status"] == "none"
    assert conflicts["L2"]["nature"] == "My sister works at Greenway Hubs Ltd"
    assert conflicts["L2"]["bidders"] == '["B5"]'

    # Back in the lead's file, the returned pack is dropped in and merged.
    assert window.open_path(str(lead))
    panel = window.show_view("panel")
    panel.merge_paths([str(pack_path)])
    report = panel.packs.report
    assert "Gareth Llewellyn" in report.item(0).text() and "9 added" in report.item(0).text()
    with TenderFile.open(lead, read_only=True) as tf:
        merged = tf.rows("scores", "evaluator_id = 'E2'")
    assert len(merged) == 9 and {s["status"] for s in merged} == {"submitted"}


def test_pack_shows_only_what_it_holds(window, qtbot, pack) -> None:
    """Gareth's pack knows nothing of Priya: not her name, not her questions."""
    view = open_pack(window, qtbot, pack[1])
    for _ in range(2):
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.scoring)
    text = visible_text(view)
    assert "Priya Raman" not in text and "Q2" not in text
    assert "Café Connect CIC" in text
    assert [view.lot.itemText(i) for i in range(view.lot.count())] == [
        "Lot 1: Social prescribing link workers", "Lot 2: Community wellbeing hubs"]
