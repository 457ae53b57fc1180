"""The Model view's helpers: scales editor, pairwise weighting, social value block, templates."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from workbench.domain import Lot, Tender, TenderData
from workbench.storage import TenderFile

from ui import errors
from ui.views.pairwise_dialog import PairwiseDialog
from ui.views.scales_dialog import LevelsModel, ScalesDialog
from ui.views.seal_dialog import UnsealDialog
from ui.views.social_value_dialog import SocialValueDialog


@pytest.fixture
def view(window, demo_tender: Path):
    assert window.open_path(str(demo_tender))
    window.show()
    return window.show_view("model")


def test_scales_dialog_adds_from_template_edits_a_level_and_undoes(qtbot, view) -> None:
    dialog = ScalesDialog(view.doc)
    qtbot.addWidget(dialog)
    dialog.add_template("0-10")
    assert view.doc.data.scale("0-10") is not None
    assert dialog.range_radio.isChecked() and dialog.highest.text() == "10"
    dialog.add_template("0-5")  # the code is taken: it gets a free one
    assert view.doc.data.scale("0-5_2") is not None
    levels = dialog.levels_view
    levels.setCurrentIndex(dialog.levels.index(5, 1))
    levels.setFocus()
    qtbot.keyClick(levels, Qt.Key.Key_F2)
    editor = levels.findChild(QLineEdit)
    qtbot.keyClicks(editor, "Outstanding")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.levels.rows()[5][1] == "Outstanding")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert view.doc.data.scale("0-5_2").levels[5].label == "Outstanding"
    view.doc.undo_stack.undo()
    assert view.doc.data.scale("0-5_2").levels[5].label == "Excellent"
    view.doc.undo_stack.undo()
    assert view.doc.data.scale("0-5_2") is None


def test_scales_dialog_refuses_bad_levels_and_deleting_a_used_scale(qtbot, view) -> None:
    dialog = ScalesDialog(view.doc)
    qtbot.addWidget(dialog)
    assert dialog.code.text() == "0-5"
    dialog.levels.setData(dialog.levels.index(1, 0), "zero")
    assert not dialog.save_current()
    assert errors.last_message == "scale 0-5, level 2: the value must be a number, not 'zero'"
    assert not dialog.delete_current()
    assert "scale 0-5 is used by Q1 in lot L1" in errors.last_message


def test_pairwise_dialog_derives_weights_and_view_applies_them(qtbot, view,
                                                               monkeypatch) -> None:
    lot = view.doc.data.lot("L1")
    dialog = PairwiseDialog(lot)
    qtbot.addWidget(dialog)
    combo = dialog.combos[("Q", "P")]
    combo.setCurrentIndex(combo.findData(2))  # quality 3× as important as price
    combo = dialog.combos[("Q", "SV")]
    combo.setCurrentIndex(combo.findData(4))
    combo = dialog.combos[("P", "SV")]
    combo.setCurrentIndex(combo.findData(2))
    assert dialog.outcome.weights == {"Q": Decimal("63.70"), "P": Decimal("25.83"),
                                      "SV": Decimal("10.47")}
    assert "consistent" in dialog.consistency.text()
    assert dialog.table.item(0, 2).text() == "63.70"
    monkeypatch.setattr(PairwiseDialog, "ask", classmethod(
        lambda cls, parent, lot: dialog.outcome.weights))
    view.pairwise()
    assert view.doc.data.lot("L1").criterion("Q").weight == Decimal("63.7")
    view.doc.undo_stack.undo()
    assert view.doc.data.lot("L1").criterion("Q").weight == 55


def test_social_value_block_and_undo(qtbot, view, monkeypatch) -> None:
    dialog = SocialValueDialog()
    qtbot.addWidget(dialog)
    assert dialog.model_key == "ppn002" and dialog.chosen() == [0, 4]
    assert dialog.boxes[0].text() == "Fair work"
    dialog.model.setCurrentIndex(1)  # the older model, chosen by the user
    qtbot.waitUntil(lambda: len(dialog.boxes) == 8)
    assert dialog.model_key == "ppn0620" and dialog.chosen() == [1, 6]
    for box in dialog.boxes:
        box.setChecked(False)
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    monkeypatch.setattr(SocialValueDialog, "ask",
                        classmethod(lambda cls, parent: ("ppn0620", [3])))
    view.select("G1")
    view.social_value_block()
    block = view.doc.data.lot("L1").criteria[-1]
    assert block.id == "SV_2" and block.children[0].theme == "Fighting climate change"
    assert "below" not in view.status.policy_banner.text()
    assert "add up to 110%" in view.status.policy_banner.text()
    view.doc.undo_stack.undo()
    assert [c.id for c in view.doc.data.lot("L1").criteria] == ["Q", "P", "SV", "G1"]


def test_starter_model_fills_an_empty_lot(qtbot, window, tmp_path: Path) -> None:
    path = tmp_path / "new.tender"
    TenderFile.create(path, TenderData(Tender("New"), lots=[Lot("L1", "Only lot")])).close()
    window.open_path(str(path))
    window.show()
    view = window.show_view("model")
    assert view.starter_action.isEnabled() and not view.delete_action.isEnabled()
    view.starter_action.trigger()
    data = view.doc.data
    assert [c.id for c in data.lot("L1").criteria] == ["Q", "P", "SV", "G1"]
    assert view.problems.title.text().startswith("✔ No problems")
    view.doc.undo_stack.undo()
    assert view.doc.data.lot("L1").criteria == [] and view.doc.data.scales == []


def test_a_new_tender_gets_its_first_lot_and_a_starter_model(qtbot, window, tmp_path: Path,
                                                             monkeypatch) -> None:
    from ui.views.model import ModelView

    path = tmp_path / "new.tender"
    TenderFile.create(path, TenderData(Tender("New"))).close()
    window.open_path(str(path))
    window.show()
    view = window.show_view("model")
    assert "no lots yet" in view.status.summary.text()
    assert not view.add_action.isEnabled() and view.import_action.isEnabled()
    monkeypatch.setattr(ModelView, "ask_lot_title", staticmethod(lambda parent: "Home care"))
    view.add_lot_action.trigger()
    assert [(lot.id, lot.title) for lot in view.doc.data.lots] == [("L1", "Home care")]
    assert view.lot_combo.currentText() == "L1 — Home care"
    view.starter_action.trigger()
    assert view.problems.title.text().startswith("✔ No problems")
    view.doc.undo_stack.undo()
    view.doc.undo_stack.undo()
    assert view.doc.data.lots == []


def test_unseal_dialog_needs_a_reason(qtbot) -> None:
    dialog = UnsealDialog()
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.reason, "Clarification 4 changed Q2")
    assert ok.isEnabled()


def test_levels_model_passes_qtmodeltester(qtmodeltester, demo_data) -> None:
    model = LevelsModel()
    model.set_rows(demo_data.scales[0].levels)
    qtmodeltester.check(model)
    model.add_row()
    assert model.rows()[-1][0] == "6"
