"""Undo never overwrites later work and never drifts from the file.

Each test is a user's path through the app: an edit, then something else changes the same
rows (a merged pack, the seal), then Ctrl+Z.
"""

from __future__ import annotations

from pathlib import Path

from tests.core.test_integrity_lock import moderate_everything
from tests.core.test_packs_support import sealed_copy

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from workbench.panel import roster
from workbench.panel.packs import create_packs, submit_pack
from workbench.storage import TenderFile

from ui import errors
from ui.views.audit_dialogs import ReasonDialog

RATIONALE = "Mobilisation plan is realistic but TUPE timetable is missing."
PACK_RATIONALE = "Scored again at home against the specification: a solid, costed plan."


def score_of(path: Path, evaluator: str, bidder: str, criterion: str = "Q1") -> dict:
    with TenderFile.open(path, read_only=True) as tf:
        return tf.rows("scores", "lot_id = 'L1' AND evaluator_id = ? AND bidder_id = ? AND "
                       "criterion_id = ?", [evaluator, bidder, criterion])[0]


def focused():
    return QApplication.focusWidget()


def open_view(window, qtbot, path: Path, name: str):
    assert window.open_path(str(path))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    return window.show_view(name)


def test_undo_after_a_merge_is_refused_naming_the_score(window, qtbot, demo_tender: Path,
                                                        tmp_path: Path, monkeypatch) -> None:
    # Priya's pack goes out before the lead touches her scores.
    sealed_copy(demo_tender)
    with TenderFile.open(demo_tender, user="lead") as tf:
        pack = create_packs(tf, tmp_path, "tender", ["E1"])[0]
    view = open_view(window, qtbot, demo_tender, "scoring")
    # The lead types a correction to Priya's first score (Q1 for Café Connect CIC).
    view.entry.focus_score()
    qtbot.keyClicks(focused(), "2")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    view.entry.rationale.selectAll()
    qtbot.keyClicks(focused(), RATIONALE)
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert score_of(demo_tender, "E1", "B1")["score"] == "2"
    # Priya returns her pack with her own mark on the same question; the lead merges it.
    with TenderFile.open(pack, user="priya") as tf:
        for lot in ("L1", "L2"):
            roster.declare_conflict(tf, lot, "E1", "none")
        roster.set_score(tf, "L1", "E1", "B1", "Q1", "5", PACK_RATIONALE, entered_by="Priya")
        submit_pack(tf)
    monkeypatch.setattr(errors, "ask", lambda *args, **kwargs: True)  # after moderation: yes
    window.show_view("panel").merge_paths([str(pack)])
    assert score_of(demo_tender, "E1", "B1")["score"] == "5"
    # Ctrl+Z would put back the mark from before the lead's edit: refused, naming the score.
    stack = window.doc.undo_stack
    assert stack.canUndo()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert errors.last_message.startswith("cannot undo: the score of Q1 for Café Connect CIC "
                                          "by Priya Raman (lot L1) was changed by a later "
                                          "action")
    assert "Merge" in errors.last_message
    merged = score_of(demo_tender, "E1", "B1")
    assert (merged["score"], merged["rationale"]) == ("5", PACK_RATIONALE)  # nothing lost
    # The refused step is gone: the stack offers neither it nor a redo of it.
    assert not stack.canRedo()
    assert stack.undoText() != "Score Q1 for Café Connect CIC"


def test_a_refused_undo_leaves_undo_and_redo_in_step(window, qtbot, demo_tender: Path) -> None:
    model = open_view(window, qtbot, demo_tender, "model")
    stack = window.doc.undo_stack
    assert model.commands.commit("L1", "Q1", "title", "Service model and safe mobilisation")
    assert stack.count() == 1 and stack.undoText() == "Change title of Q1"
    model.seal_or_unseal()  # dialogs answer yes in tests
    with TenderFile.open(demo_tender, read_only=True) as tf:
        assert tf.rows("tender")[0]["seal_hash"]
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert errors.last_message.startswith("the evaluation plan is sealed")
    with TenderFile.open(demo_tender, read_only=True) as tf:
        title = tf.rows("criteria", "lot_id = 'L1' AND id = 'Q1'")[0]["title"]
    assert title == "Service model and safe mobilisation"
    # The file did not move, so neither does the stack: nothing to undo, nothing to redo.
    assert not stack.canUndo() and not stack.canRedo() and stack.count() == 0
    undo_action = next(a for a in window.findChildren(type(window.menuBar().actions()[0]))
                       if a.text().startswith("&Undo"))
    assert not undo_action.isEnabled()


def test_locking_clears_the_undo_history_and_says_why(window, qtbot, demo_tender: Path,
                                                       monkeypatch) -> None:
    audit = open_view(window, qtbot, demo_tender, "audit")
    moderate_everything(window.doc.tf)  # results final on every lot
    window.doc.notify()
    overview = window.show_view("overview")
    overview.edits["title"].setText("Social prescribing and wellbeing hubs")
    overview._commit_text("title")
    stack = window.doc.undo_stack
    assert stack.count() == 1
    reasons = iter(["Panel meeting agreed the ranking", "Signed off by the director"])
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, *a, **k: next(reasons)))
    window.show_view("audit")
    qtbot.mouseClick(audit.recommend_button, Qt.MouseButton.LeftButton)
    assert stack.count() == 1  # recommending freezes nothing: the title edit stays undoable
    with qtbot.waitSignal(window.doc.message) as said:
        qtbot.mouseClick(audit.lock_button, Qt.MouseButton.LeftButton)
    assert said.args == ["Undo history cleared: the tender is locked"]
    assert stack.count() == 0 and not stack.canUndo()
