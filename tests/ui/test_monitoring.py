"""Monitoring view: commitments from the bid, edited, added and removed in the table; deliveries
recorded by keyboard, corrected, removed; the rating method; returns; undo; export."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from PySide6.QtCore import Qt

from workbench import details, monitoring, tender_lock
from workbench.demo import create_demo
from workbench.storage import TenderFile

from ui import errors
from ui.views.monitoring_models import CommitmentsModel, DeliveriesModel


def _deliveries(path: Path, code: str) -> list[tuple[str, str, str, str]]:
    with TenderFile.open(path, read_only=True) as tf:
        return [(r["period"], r["delivered"], r["narrative"], r["evidence"])
                for r in tf.rows("deliveries", "commitment_id = ?", [code])]


def _commitments(path: Path) -> list[tuple[str, str | None, str, int | None]]:
    with TenderFile.open(path, read_only=True) as tf:
        return [(r["id"], r["target"], r["basis"], r["periods"])
                for r in tf.rows("commitments")]


def _open(window, path: Path, qtbot, rows: int):
    assert window.open_path(str(path))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    found = window.show_view("monitoring")
    found.lots.setCurrentIndex(0)
    qtbot.waitUntil(lambda: found.commitments_model.rowCount() == rows)
    return found


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.tender"
    create_demo(path).close()
    return path


@pytest.fixture
def view(window, demo: Path, qtbot):
    """The Monitoring view on lot 1 of the bundled demo: four commitments, two quarters."""
    return _open(window, demo, qtbot, 4)


def _wait_for_step(qtbot, view, done: int) -> None:
    qtbot.waitUntil(lambda: view.doc.undo_stack.count() > done or errors.last_message != "")


def _select(qtbot, view, code: str) -> None:
    row = view.commitments_model.row_of(code)
    rect = view.commitments.visualRect(view.commitments_model.index(row, 0))
    qtbot.mouseClick(view.commitments.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.selected_commitment().commitment.id == code


def _record_by_keyboard(qtbot, view, period: str, figure: str, account: str,
                        evidence: str) -> None:
    """Type into the entry card as a user would: period, Tab, figure, Tab, account, Tab,
    evidence, Enter."""
    form = view.form
    form.period.setFocus()
    form.period.selectAll()
    qtbot.keyClicks(form.period, period)
    for box, text in ((form.delivered, figure), (form.narrative, account),
                      (form.evidence, evidence)):
        qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
        assert box.hasFocus()
        qtbot.keyClicks(box, text)
    done = view.doc.undo_stack.count()
    qtbot.keyClick(form.evidence, Qt.Key.Key_Return)
    _wait_for_step(qtbot, view, done)


def _edit_cell(qtbot, view, code: str, column: int, *keys: str | Qt.Key) -> None:
    """F2 on a cell of the commitments table, then the keys, then Enter."""
    table = view.commitments
    table.setCurrentIndex(view.commitments_model.index(view.commitments_model.row_of(code),
                                                       column))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.focusWidget()
    assert editor is not table
    for key in keys:
        (qtbot.keyClicks if isinstance(key, str) else qtbot.keyClick)(editor, key)
    done = view.doc.undo_stack.count()
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    _wait_for_step(qtbot, view, done)


def test_models_pass_the_model_tester(qtmodeltester, demo: Path) -> None:
    with TenderFile.open(demo, read_only=True) as tf:
        found = monitoring.monitor_lot(monitoring.ledger(tf), "L1")
    rows = CommitmentsModel(lambda *_args: True)
    rows.set_rows(found.commitments, editable=True)
    qtmodeltester.check(rows)
    assert rows.index(3, CommitmentsModel.COL_DELIVERED).data() == "3.5 FTE (2027-Q3)"
    assert rows.index(3, CommitmentsModel.COL_STATUS).data() == "Off track"
    assert "70%" in rows.index(3, CommitmentsModel.COL_STATUS).data(
        Qt.ItemDataRole.ToolTipRole)
    deliveries = DeliveriesModel()
    deliveries.set_rows(list(found.commitments[3].deliveries), "FTE")
    qtmodeltester.check(deliveries)
    assert deliveries.index(1, DeliveriesModel.COL_DELIVERED).data() == "3.5 FTE"


def test_the_demo_opens_on_its_rating_and_how_it_was_worked_out(view) -> None:
    assert view.rating.text() == "Overall: Approaching"
    assert view.rule.text().startswith("How: 3 of 4 rated commitments on track = 75%")
    assert not view.banner.isVisible()


def test_lot_two_is_not_monitored_until_its_results_are_final(view, qtbot) -> None:
    view.lots.setCurrentIndex(1)
    qtbot.waitUntil(view.banner.isVisible)
    assert "results are still provisional" in view.banner.text()
    assert view.purpose.isVisible() and not view.commitments.isVisible()


def test_record_by_keyboard_undo_and_redo(view, qtbot, demo: Path) -> None:
    _select(qtbot, view, "SV2.1")
    assert view.form.period.text() == "2027-Q4"  # the next quarter, suggested
    _record_by_keyboard(qtbot, view, "2027-Q4", "5", "Both posts filled locally",
                        "Payroll extract")
    assert errors.last_message == ""
    assert _deliveries(demo, "SV2.1")[-1] == ("2027-Q4", "5", "Both posts filled locally",
                                              "Payroll extract")
    status = view.commitments_model.index(3, CommitmentsModel.COL_STATUS)
    assert status.data() == "On track"  # and SV1.3, left out of 2027-Q4, falls behind
    assert view.commitments_model.index(2, CommitmentsModel.COL_STATUS).data() == "Off track"
    qtbot.keyClick(view.commitments, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.commitments_model.index(3, CommitmentsModel.COL_STATUS)
                    .data() == "Off track")
    assert len(_deliveries(demo, "SV2.1")) == 2
    view.doc.undo_stack.redo()
    assert len(_deliveries(demo, "SV2.1")) == 3


def test_a_bad_entry_is_refused_and_kept_for_correction(view, qtbot, demo: Path) -> None:
    _select(qtbot, view, "SV1.2")
    _record_by_keyboard(qtbot, view, "2027-Q4", "41", "", "Spend report")
    assert errors.last_message == ""  # 41% is a percentage, held, not a sum
    _record_by_keyboard(qtbot, view, "2028-Q1", "seven", "", "Spend report")
    assert "the delivered figure must be a number" in errors.last_message
    assert view.form.delivered.text() == "seven"  # nothing typed is lost


def test_commitments_edited_added_and_removed_in_the_table(view, qtbot, demo: Path) -> None:
    _edit_cell(qtbot, view, "SV1.3", CommitmentsModel.COL_TARGET, "600")
    assert ("SV1.3", "600", "contract total", 12) in _commitments(demo)
    _edit_cell(qtbot, view, "SV1.3", CommitmentsModel.COL_BASIS, Qt.Key.Key_Down)
    assert ("SV1.3", "600", "per period", 12) in _commitments(demo)
    _edit_cell(qtbot, view, "SV1.3", CommitmentsModel.COL_UNIT, "%")
    assert "a percentage is held each period" in errors.last_message
    _select(qtbot, view, "SV1.1")
    done = view.doc.undo_stack.count()
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    _wait_for_step(qtbot, view, done)
    assert [c[0] for c in _commitments(demo)] == ["SV1.1", "SV1.2", "SV1.3", "SV1.4", "SV2.1"]
    assert view.selected_commitment().commitment.id == "SV1.4"
    done = view.doc.undo_stack.count()
    qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)
    _wait_for_step(qtbot, view, done)
    assert len(_commitments(demo)) == 4
    for _ in range(4):
        view.doc.undo_stack.undo()
    assert ("SV1.3", "480", "contract total", 12) in _commitments(demo)


def test_value_based_rating_chosen_from_the_drop_down(view, qtbot) -> None:
    _edit_cell(qtbot, view, "SV1.3", CommitmentsModel.COL_PROXY, "15")
    done = view.doc.undo_stack.count()
    view.method.setFocus()
    qtbot.keyClick(view.method, Qt.Key.Key_Down)
    _wait_for_step(qtbot, view, done)
    assert view.rule.text().startswith("How: £1,260 delivered against £1,200 committed")


def test_the_bands_are_the_tenders_own(view, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(view, "ask_bands", lambda now: "95, 80, 60")
    done = view.doc.undo_stack.count()
    qtbot.mouseClick(view.bands_button, Qt.MouseButton.LeftButton)
    _wait_for_step(qtbot, view, done)
    assert view.rating.text() == "Overall: Requires improvement"  # 75% is below 80 now
    assert "Good from 95%" in view.rule.text()
    monkeypatch.setattr(view, "ask_bands", lambda now: "60, 80, 95")
    qtbot.mouseClick(view.bands_button, Qt.MouseButton.LeftButton)
    assert "thresholds must fall" in errors.last_message
    view.doc.undo_stack.undo()
    assert view.rating.text() == "Overall: Approaching"


def test_commitments_from_the_winning_bid_on_a_fresh_award(window, tmp_path: Path,
                                                          demo_data, qtbot) -> None:
    demo_tender = tmp_path / "awarded.tender"
    demo_data.lots[0].commitments.clear()
    demo_data.lots[0].deliveries.clear()
    TenderFile.create(demo_tender, demo_data).close()
    view = _open(window, demo_tender, qtbot, 0)
    done = view.doc.undo_stack.count()
    qtbot.mouseClick(view.seed_button, Qt.MouseButton.LeftButton)
    _wait_for_step(qtbot, view, done)
    assert _commitments(demo_tender) == [("SV1.1", None, "contract total", None),
                                         ("SV2.1", "5", "contract total", None)]
    assert view.commitments_model.index(0, CommitmentsModel.COL_TARGET).data() == \
        "To be agreed"


def test_a_return_goes_out_and_comes_back(view, qtbot, demo: Path, tmp_path: Path,
                                          monkeypatch) -> None:
    out = tmp_path / "return.xlsx"
    monkeypatch.setattr(view, "ask_period", lambda suggested: suggested)
    monkeypatch.setattr(view, "ask_return_path", lambda _suggested: str(out))
    qtbot.mouseClick(view.return_button, Qt.MouseButton.LeftButton)
    assert out.exists() and errors.last_message == ""
    wb = load_workbook(out)
    for row in range(2, 6):
        wb["Return"][f"E{row}"], wb["Return"][f"G{row}"] = 5, "Quarterly return"
    wb.save(out)
    monkeypatch.setattr(view, "ask_open_return", lambda: str(out))
    done = view.doc.undo_stack.count()
    qtbot.mouseClick(view.merge_button, Qt.MouseButton.LeftButton)
    _wait_for_step(qtbot, view, done)
    assert errors.last_message == ""
    assert _deliveries(demo, "SV1.1")[-1][:2] == ("2027-Q4", "5")
    view.doc.undo_stack.undo()
    assert len(_deliveries(demo, "SV1.1")) == 2


def test_a_locked_tender_still_takes_deliveries(window, demo: Path, qtbot) -> None:
    with TenderFile.open(demo) as tf:
        details.set_status(tf, "award_recommended")
        tender_lock.lock_tender(tf, "cabinet approved the award")
    view = _open(window, demo, qtbot, 4)
    assert "monitoring stays open" in view.banner.text()
    _select(qtbot, view, "SV1.1")
    _record_by_keyboard(qtbot, view, "2027-Q4", "1", "", "Enrolment letter")
    assert _deliveries(demo, "SV1.1")[-1][:2] == ("2027-Q4", "1")


def test_export_writes_the_report(view, qtbot, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "monitoring.pdf"
    monkeypatch.setattr(view, "ask_save_path", lambda _suggested: str(out))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists)
    assert out.read_bytes().startswith(b"%PDF")
    assert errors.last_message == ""
