"""The Panel view: evaluators, conflicts register, assignments, coverage, packs out and back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.core.test_packs_support import sealed_copy

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from workbench.domain import LotConflict
from workbench.panel import roster
from workbench.panel.packs import submit_pack
from workbench.panel.returns import criterion_returns, returns_dashboard
from workbench.storage import TenderFile

from ui import errors
from ui.views.panel_dialogs import PackOptionsDialog
from ui.views.panel_models import AssignmentModel, ConflictsModel, EvaluatorsModel
from ui.views.panel_packs import CriterionReturnsModel, ReturnsModel

RATIONALE = "Strong partnership plan with named GP practices and dates."


@pytest.fixture
def panel(window, qtbot, demo_tender: Path):
    sealed_copy(demo_tender)  # as a lead's file is by the time packs go out
    assert window.open_path(str(demo_tender))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    return window.show_view("panel")


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key to whatever has the focus, as a user's key press would go."""
    qtbot.waitUntil(lambda: focused() is not None)
    qtbot.keyClick(focused(), key, modifier)


def dialog_closed(qtbot, panel) -> None:
    """Wait for the dialog to close and the window to take the keyboard back (the offscreen
    test platform does not hand activation back by itself, as a desktop does)."""
    qtbot.waitUntil(lambda: panel.dialog is None)
    panel.window().activateWindow()
    qtbot.waitUntil(lambda: panel.window().isActiveWindow() and focused() is not None)


def type_keys(qtbot, text: str) -> None:
    qtbot.waitUntil(lambda: focused() is not None)
    qtbot.keyClicks(focused(), text)


def rows(path: Path, table: str, where: str = "") -> list[dict]:
    with TenderFile.open(path, read_only=True) as tf:
        return tf.rows(table, where)


def test_models(qtmodeltester, demo_tender) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf:
        data, register = tf.load(), roster.conflicts(tf)
        returns = returns_dashboard(data, tf.rows("packs"))
        per_question = criterion_returns(data)
    evaluators = EvaluatorsModel()
    evaluators.set_rows(data, register)
    conflicts = ConflictsModel()
    conflicts.set_rows(data, register)
    matrix = AssignmentModel()
    lot = data.lot("L1")
    matrix.set_rows(data.evaluators, lot, roster.assignable(lot))
    dashboard, questions = ReturnsModel(), CriterionReturnsModel()
    dashboard.set_rows(returns)
    questions.set_rows(per_question)
    for model in (evaluators, conflicts, matrix, dashboard, questions):
        qtmodeltester.check(model)
    assert evaluators.index(2, EvaluatorsModel.COL_CONFLICTS).data() == "Declared: Lot 1, Lot 2"
    assert conflicts.index(2, ConflictsModel.COL_STATUS).data() == "Conflict declared"
    assert matrix.headerData(3, Qt.Orientation.Horizontal) == \
        "Q4\nOutcomes and\nservice-user…\n2 scoring"
    assert matrix.index(1, 3).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert dashboard.index(1, ReturnsModel.COL_COMPLETE).data() == "35 of 35"


def test_add_edit_remove_evaluator_by_keyboard_with_undo(panel, qtbot, demo_tender) -> None:
    panel.evaluators.setFocus()
    press(qtbot, Qt.Key.Key_Insert)
    dialog = panel.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: focused() is dialog.name)
    type_keys(qtbot, "Sam Okafor")
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "Clinical lead")
    press(qtbot, Qt.Key.Key_Return)
    dialog_closed(qtbot, panel)
    assert rows(demo_tender, "evaluators", "id = 'E4'")[0]["role"] == "Clinical lead"
    assert panel.evaluators.currentIndex().row() == 3  # the new row is selected
    assert "Not yet declared for 2 of 2 lot(s)" in panel.evaluators_model.index(
        3, EvaluatorsModel.COL_CONFLICTS).data()

    assert focused() is panel.evaluators
    press(qtbot, Qt.Key.Key_Return)  # edit the selected evaluator
    qtbot.waitUntil(lambda: panel.dialog is not None and focused() is panel.dialog.name)
    press(qtbot, Qt.Key.Key_Tab)
    panel.dialog.role.lineEdit().selectAll()
    type_keys(qtbot, "Clinical lead, community nursing")
    press(qtbot, Qt.Key.Key_Return)
    dialog_closed(qtbot, panel)
    assert rows(demo_tender, "evaluators", "id = 'E4'")[0]["role"] == \
        "Clinical lead, community nursing"

    press(qtbot, Qt.Key.Key_Delete)
    assert rows(demo_tender, "evaluators", "id = 'E4'") == []
    stack = panel.doc.undo_stack
    stack.undo()
    assert rows(demo_tender, "evaluators", "id = 'E4'")[0]["name"] == "Sam Okafor"
    stack.undo()
    stack.undo()
    assert rows(demo_tender, "evaluators", "id = 'E4'") == []
    stack.redo()
    assert rows(demo_tender, "evaluators", "id = 'E4'")[0]["role"] == "Clinical lead"

    # Someone who has scored cannot be removed: the message says why, nothing changes.
    panel.evaluators.setCurrentIndex(panel.evaluators_model.index(0, 0))
    press(qtbot, Qt.Key.Key_Delete)
    assert errors.last_message.startswith("Priya Raman has 45 score(s) on file")
    assert len(rows(demo_tender, "evaluators")) == 4


def test_declare_a_conflict_and_see_the_warning(panel, qtbot, demo_tender) -> None:
    roster_add(demo_tender, panel)
    panel.tabs.setCurrentIndex(1)
    conflicts = panel.conflicts
    row = next(r for r in range(panel.conflicts_model.rowCount())
               if panel.conflicts_model.entry(r).evaluator.id == "E4")
    conflicts.setFocus()
    conflicts.setCurrentIndex(panel.conflicts_model.index(row, 0))
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.dialog is not None)
    form = panel.dialog.form
    qtbot.waitUntil(lambda: focused() is not None and focused().window() is panel.dialog)
    form.none.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    assert form.declared.isChecked()
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "Trustee of Northbridge Voluntary Action")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.bidders
    press(qtbot, Qt.Key.Key_Tab)  # no bidder ticked: the lot as a whole
    press(qtbot, Qt.Key.Key_Tab)  # no mitigation yet; on to the date
    press(qtbot, Qt.Key.Key_Return)
    dialog_closed(qtbot, panel)
    with TenderFile.open(demo_tender, read_only=True) as tf:
        assert roster.conflicts(tf)[("L1", "E4")].nature == \
            "Trustee of Northbridge Voluntary Action"
    assert panel.conflicts_model.index(row, ConflictsModel.COL_MITIGATION).data() == \
        "None recorded"

    # Assign Sam on lot 1 (Space on a cell): the unmitigated conflict is flagged.
    panel.tabs.setCurrentIndex(2)
    matrix = panel.matrix
    matrix.setFocus()
    matrix.setCurrentIndex(panel.matrix_model.index(3, 3))
    press(qtbot, Qt.Key.Key_Space)
    assert rows(demo_tender, "assignments", "evaluator_id = 'E4'") == [
        {"lot_id": "L1", "evaluator_id": "E4", "criterion_id": "Q4"}]
    assert matrix.currentIndex().row() == 3 and matrix.currentIndex().column() == 3
    warnings = [panel.warnings.item(i).text() for i in range(panel.warnings.count())]
    assert warnings == ["Lot 1: Social prescribing link workers: Sam Okafor declared a conflict "
                        "with no mitigation recorded, yet is assigned to Q4"]
    press(qtbot, Qt.Key.Key_Space)
    assert rows(demo_tender, "assignments", "evaluator_id = 'E4'") == []


def test_a_conflict_with_one_bidder_is_ticked_and_shown(panel, qtbot, demo_tender) -> None:
    roster_add(demo_tender, panel)
    panel.tabs.setCurrentIndex(1)
    row = next(r for r in range(panel.conflicts_model.rowCount())
               if panel.conflicts_model.entry(r).evaluator.id == "E4")
    panel.conflicts.setFocus()
    panel.conflicts.setCurrentIndex(panel.conflicts_model.index(row, 0))
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.dialog is not None)
    form = panel.dialog.form
    qtbot.waitUntil(lambda: focused() is not None and focused().window() is panel.dialog)
    form.none.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "Trustee of Northbridge Voluntary Action")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.bidders
    form.bidders.setCurrentRow(0)
    for _ in range(3):  # down to the fourth bidder, Northbridge Voluntary Action
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Space)
    assert form.values()[4] == ["B4"]
    panel.dialog.accept()
    dialog_closed(qtbot, panel)
    with TenderFile.open(demo_tender, read_only=True) as tf:
        assert roster.conflicts(tf)[("L1", "E4")].bidders == ("B4",)
    assert panel.conflicts_model.index(row, ConflictsModel.COL_BIDDERS).data() == \
        "Northbridge Voluntary Action"
    # Assigned on lot 1, the grid says who she does not score, and nothing warns: not scoring
    # the bidder is the mitigation.
    panel.tabs.setCurrentIndex(2)
    panel.matrix.setFocus()
    panel.matrix.setCurrentIndex(panel.matrix_model.index(3, 3))
    press(qtbot, Qt.Key.Key_Space)
    cell = panel.matrix_model.index(3, 3)
    assert cell.data() == "not 1"
    assert "Declared a conflict with Northbridge Voluntary Action: takes no part on that " \
           "bidder" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert [panel.warnings.item(i).text() for i in range(panel.warnings.count())] == [
        "Every quality question has enough evaluators, and every declared conflict has a "
        "mitigation."]


def roster_add(path: Path, panel) -> None:
    """Sam Okafor joins the panel (through the view's own undoable action)."""
    panel.add_evaluator()
    panel.dialog.name.setText("Sam Okafor")
    panel.dialog.accept()
    assert rows(path, "evaluators", "id = 'E4'")


def test_bulk_assignment_row_column_all_and_undo(panel, qtbot, demo_tender) -> None:
    roster_add(demo_tender, panel)
    panel.tabs.setCurrentIndex(2)
    panel.matrix.setFocus()
    panel.matrix.setCurrentIndex(panel.matrix_model.index(3, 0))
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # Assign &row
    qtbot.waitUntil(lambda: len(rows(demo_tender, "assignments", "evaluator_id = 'E4'")) == 5)
    panel.matrix.setCurrentIndex(panel.matrix_model.index(1, 3))
    qtbot.mouseClick(panel.column_on, Qt.MouseButton.LeftButton)  # Assign column (Q4)
    assert "E2" in {r["evaluator_id"] for r in rows(demo_tender, "assignments",
                                                    "lot_id = 'L1' AND criterion_id = 'Q4'")}
    assert panel.matrix_model.headerData(3, Qt.Orientation.Horizontal).endswith("4 scoring")
    qtbot.keyClick(panel.lot, Qt.Key.Key_Down)  # lot 2
    assert panel.lot.currentData() == "L2"
    before = len(rows(demo_tender, "assignments"))
    qtbot.mouseClick(panel.all_on, Qt.MouseButton.LeftButton)
    assert len(rows(demo_tender, "assignments", "lot_id = 'L2'")) == 4 * 4
    panel.doc.undo_stack.undo()
    assert len(rows(demo_tender, "assignments")) == before
    panel.doc.undo_stack.undo()
    panel.doc.undo_stack.undo()
    assert rows(demo_tender, "assignments", "evaluator_id = 'E4'") == []


def test_panel_rules_change_and_undo(panel, qtbot, demo_tender) -> None:
    spin = panel.min_evaluators
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "3")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert rows(demo_tender, "tender")[0]["min_evaluators"] == 3
    panel.tabs.setCurrentIndex(2)
    assert panel.warnings.count() == 2  # Q4 of lot 1 and Q3 of lot 2 have two each
    panel.doc.undo_stack.undo()
    assert rows(demo_tender, "tender")[0]["min_evaluators"] == 2


def issue_packs(panel, monkeypatch, out: Path, evaluators: list[str],
                fmt: str = "tender") -> list[Path]:
    """Create scoring packs through the Panel, the folder dialog answered by `out`."""
    out.mkdir()
    monkeypatch.setattr(PackOptionsDialog, "ask", classmethod(
        lambda cls, parent, owing, folder: (fmt, out, evaluators)))
    panel.packs.create_packs()
    return sorted(out.iterdir())


def test_create_packs_then_drop_them_back(panel, qtbot, demo_tender, tmp_path,
                                          monkeypatch) -> None:
    out = tmp_path / "packs"
    out.mkdir()
    monkeypatch.setattr(PackOptionsDialog, "ask",
                        classmethod(lambda cls, parent, owing, folder: ("tender", out,
                                                                        ["E2", "E3"])))
    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # scoring &packs
    qtbot.waitUntil(lambda: len(list(out.iterdir())) == 2)  # a mnemonic clicks a moment later
    written = sorted(out.iterdir())
    assert [p.name for p in written] == [
        "NBC-2026-0147 - Funmi Adeyemi - scoring pack.tender",
        "NBC-2026-0147 - Gareth Llewellyn - scoring pack.tender"]
    assert panel.packs.returns_model.index(1, ReturnsModel.COL_PACK).data() == "Workbench file"
    gareth = written[1]
    # Gareth declares and changes one score in his pack, then submits it.
    window = panel.window()
    with TenderFile.open(gareth, user="gareth") as tf:
        for lot in ("L1", "L2"):
            roster.declare_conflict(tf, lot, "E2", "none")
        roster.set_score(tf, "L1", "E2", "B1", "Q3", "5", RATIONALE, entered_by="Gareth")
        submit_pack(tf)
    # The tender is in moderation: merging asks first (dialogs off: the answer is yes).
    drop = QMimeData()
    drop.setUrls([QUrl.fromLocalFile(str(gareth)), QUrl.fromLocalFile(str(tmp_path / "x.txt"))])
    (tmp_path / "x.txt").write_text("not a pack")
    window.dropEvent(QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, drop,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    report = [panel.packs.report.item(i).text() for i in range(panel.packs.report.count())]
    assert report[0] == ("Gareth Llewellyn (NBC-2026-0147 - Gareth Llewellyn - scoring "
                         "pack.tender): 0 added, 1 changed, 34 unchanged, 2 conflict "
                         "declaration(s); final")
    assert report[1] == "x.txt: refused, 1 problem(s); nothing was merged"
    assert "x.txt is not a scoring pack" in report[2]
    changed = rows(demo_tender, "scores", "evaluator_id = 'E2' AND lot_id = 'L1' AND "
                   "bidder_id = 'B1' AND criterion_id = 'Q3'")[0]
    assert (changed["score"], changed["rationale"]) == ("5", RATIONALE)
    with TenderFile.open(demo_tender, read_only=True) as tf:
        assert roster.conflicts(tf)[("L1", "E2")] == LotConflict("E2", "none",
                                                                 date.today().isoformat())
    assert panel.tabs.currentWidget() is panel.packs


def test_merge_after_moderation_can_be_declined(panel, qtbot, demo_tender, tmp_path,
                                                monkeypatch) -> None:
    pack = issue_packs(panel, monkeypatch, tmp_path / "packs", ["E1"])[0]
    with TenderFile.open(demo_tender, read_only=True) as tf:
        before = tf.rows("scores")
    with TenderFile.open(pack) as tf:
        for lot in ("L1", "L2"):
            roster.declare_conflict(tf, lot, "E1", "none")
        roster.set_score(tf, "L1", "E1", "B1", "Q1", "1", RATIONALE, entered_by="Priya")
    monkeypatch.setattr(errors, "ask", lambda *args, **kwargs: False)
    panel.merge_paths([str(pack)])
    report = [panel.packs.report.item(i).text() for i in range(panel.packs.report.count())]
    assert "refused" in report[0] and "moderation has started" in report[1]
    with TenderFile.open(demo_tender, read_only=True) as tf:
        assert tf.rows("scores") == before


def test_pack_options_by_keyboard(qtbot, tmp_path) -> None:
    dialog = PackOptionsDialog(None, [("E1", "Priya Raman"), ("E2", "Gareth Llewellyn")],
                               str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.tender.setFocus()
    press(qtbot, Qt.Key.Key_Down)  # to the Excel workbook choice
    press(qtbot, Qt.Key.Key_Tab)  # to the list of evaluators
    assert focused() is dialog.people
    dialog.people.setCurrentRow(0)
    press(qtbot, Qt.Key.Key_Space)  # untick Priya
    assert dialog.values() == ("xlsx", tmp_path, ["E2"])


def test_workbook_packs_are_listed_as_excel(panel, tmp_path, monkeypatch) -> None:
    written = issue_packs(panel, monkeypatch, tmp_path / "packs", ["E2"], "xlsx")
    assert [p.suffix for p in written] == [".xlsx"]
    assert panel.packs.returns_model.index(1, ReturnsModel.COL_PACK).data() == "Excel workbook"
    assert panel.packs.report.item(0).text().startswith("1 scoring pack(s) written to ")
