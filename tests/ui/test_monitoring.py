"""Monitoring view: seed, record deliveries by keyboard, correct, remove, undo, export."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt

from workbench import details, monitoring, tender_lock
from workbench.storage import TenderFile

from ui import errors
from ui.views.monitoring_models import DeliveriesModel, MeasuresModel

SUPPLIER = "B2"  # Riverside Neighbourhood Trust, first on lot 2 of the demo


def _awarded(path: Path, lock: bool = False) -> Path:
    with TenderFile.open(path) as tf:
        details.set_status(tf, "award_recommended")
        if lock:
            tender_lock.lock_tender(tf, "cabinet approved the award")
    return path


def _deliveries(path: Path) -> list[tuple[str, str, str]]:
    with TenderFile.open(path, read_only=True) as tf:
        return [(r["period"], r["delivered"], r["evidence"]) for r in tf.rows("deliveries")]


def _commitments(path: Path) -> list[tuple[str, str, str, int | None]]:
    with TenderFile.open(path, read_only=True) as tf:
        return [(r["criterion_id"], r["committed"], r["period"], r["periods_planned"])
                for r in tf.rows("commitments")]


@pytest.fixture
def view(window, demo_tender: Path, qtbot):
    """The Monitoring view on lot 2 of the demo, award recommended, nothing committed yet."""
    assert window.open_path(str(_awarded(demo_tender)))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    found = window.show_view("monitoring")
    found.lots.setCurrentIndex(1)
    qtbot.waitUntil(lambda: found.measures_model.rowCount() == 1)
    return found


def _wait_for_step(qtbot, view, done: int) -> None:
    qtbot.waitUntil(lambda: view.doc.undo_stack.count() > done or errors.last_message != "")


def _record_by_keyboard(qtbot, view, period: str, figure: str, evidence: str) -> None:
    """Type into the entry card as a user would: period, Tab, figure, Tab, evidence, Enter."""
    form = view.form
    form.period.setFocus()
    form.period.selectAll()
    qtbot.keyClicks(form.period, period)
    qtbot.keyClick(form.period, Qt.Key.Key_Tab)
    assert form.delivered.hasFocus()
    qtbot.keyClicks(form.delivered, figure)
    qtbot.keyClick(form.delivered, Qt.Key.Key_Tab)
    assert form.evidence.hasFocus()
    qtbot.keyClicks(form.evidence, evidence)
    done = view.doc.undo_stack.count()
    qtbot.keyClick(form.evidence, Qt.Key.Key_Return)
    _wait_for_step(qtbot, view, done)


def _seed(qtbot, view) -> None:
    done = view.doc.undo_stack.count()
    qtbot.mouseClick(view.seed_button, Qt.MouseButton.LeftButton)
    _wait_for_step(qtbot, view, done)


def test_models_pass_the_model_tester(qtmodeltester, demo_tender: Path) -> None:
    path = _awarded(demo_tender)
    with TenderFile.open(path) as tf:
        monitoring.record_commitments_from_bid(tf, "L2", SUPPLIER)
        monitoring.record_delivery(tf, "L2", SUPPLIER, "SV2", "2027-Q1", "700", "Q1 return")
        found = monitoring.monitor_lot(tf, "L2")
    measures = MeasuresModel(lambda *_args: True)
    measures.set_rows(found.measures, editable=True)
    qtmodeltester.check(measures)
    assert measures.index(0, MeasuresModel.COL_COMMITTED).data() == "3,100"
    assert measures.index(0, MeasuresModel.COL_DELIVERED).data() == "700 hours"
    assert measures.index(0, MeasuresModel.COL_STATUS).data() == (
        "Red: well behind (23% of target)")
    deliveries = DeliveriesModel()
    deliveries.set_rows(list(found.measures[0].deliveries), "hours")
    qtmodeltester.check(deliveries)
    assert deliveries.index(0, DeliveriesModel.COL_DELIVERED).data() == "700 hours"


def test_before_the_award_the_view_says_how_to_get_there(window, demo_tender: Path) -> None:
    assert window.open_path(str(demo_tender))
    window.show()
    view = window.show_view("monitoring")
    assert view.banner.isVisible()
    assert "Recommend award" in view.banner.text()
    assert view.purpose.isVisible() and not view.measures.isVisible()
    assert not view.export_button.isVisible()


def test_seed_record_by_keyboard_undo_and_redo(view, qtbot, demo_tender: Path) -> None:
    assert view.form.save_button.isEnabled() is False  # nothing committed yet
    _seed(qtbot, view)
    assert _commitments(demo_tender) == [("SV2", "3100", "contract total", None)]
    assert not view.seed_button.isEnabled()
    _record_by_keyboard(qtbot, view, "2027-Q1", "700", "Q1 return and timesheets")
    assert errors.last_message == ""
    assert _deliveries(demo_tender) == [("2027-Q1", "700", "Q1 return and timesheets")]
    assert view.deliveries_model.rowCount() == 1
    assert view.form.period.text() == "2027-Q2"  # ready for the next quarter
    assert view.measures_model.index(0, MeasuresModel.COL_DELIVERED).data() == "700 hours"

    qtbot.keyClick(view.measures, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.deliveries_model.rowCount() == 0)
    assert _deliveries(demo_tender) == []
    view.doc.undo_stack.redo()
    assert _deliveries(demo_tender) == [("2027-Q1", "700", "Q1 return and timesheets")]
    view.doc.undo_stack.undo()
    view.doc.undo_stack.undo()  # the seeding too
    assert _commitments(demo_tender) == []


def test_a_bad_entry_is_refused_with_a_message_and_kept_for_correction(
        view, qtbot, demo_tender: Path) -> None:
    _seed(qtbot, view)
    _record_by_keyboard(qtbot, view, "2027-Q1", "seven hundred", "Q1 return")
    assert "the delivered figure must be a number" in errors.last_message
    assert _deliveries(demo_tender) == []
    assert view.form.delivered.text() == "seven hundred"  # nothing typed is lost


def _edit_cell(qtbot, view, column: int, *keys: str | Qt.Key) -> None:
    """F2 on a cell of the measures table, then the keys, then Enter."""
    table = view.measures
    table.setCurrentIndex(view.measures_model.index(0, column))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.focusWidget()
    assert editor is not table
    for key in keys:
        (qtbot.keyClicks if isinstance(key, str) else qtbot.keyClick)(editor, key)
    done = view.doc.undo_stack.count()
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    _wait_for_step(qtbot, view, done)


def test_commitment_edited_in_the_table(view, qtbot, demo_tender: Path) -> None:
    _seed(qtbot, view)
    _edit_cell(qtbot, view, MeasuresModel.COL_PLANNED, "12")
    assert _commitments(demo_tender) == [("SV2", "3100", "contract total", 12)]
    _edit_cell(qtbot, view, MeasuresModel.COL_BASIS, Qt.Key.Key_Down)  # the drop-down
    assert _commitments(demo_tender) == [("SV2", "3100", "per year", 12)]
    _edit_cell(qtbot, view, MeasuresModel.COL_COMMITTED, "lots")
    assert "the committed figure must be a number, not 'lots'" in errors.last_message
    view.doc.undo_stack.undo()
    view.doc.undo_stack.undo()
    assert _commitments(demo_tender) == [("SV2", "3100", "contract total", None)]


def test_correct_then_remove_an_entry(view, qtbot, demo_tender: Path) -> None:
    _seed(qtbot, view)
    _record_by_keyboard(qtbot, view, "2027-Q1", "700", "Q1 return")
    _record_by_keyboard(qtbot, view, "2072-Q2", "800", "Q2 return")
    row = view.deliveries_model.row_of("2072-Q2")
    rect = view.deliveries.visualRect(view.deliveries_model.index(row, 0))
    qtbot.mouseClick(view.deliveries.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.form.editing == "2072-Q2"
    _record_by_keyboard(qtbot, view, "2027-Q2", "850", "Q2 return (corrected)")
    assert _deliveries(demo_tender) == [("2027-Q1", "700", "Q1 return"),
                                        ("2027-Q2", "850", "Q2 return (corrected)")]
    row = view.deliveries_model.row_of("2027-Q1")
    rect = view.deliveries.visualRect(view.deliveries_model.index(row, 0))
    qtbot.mouseClick(view.deliveries.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    done = view.doc.undo_stack.count()
    qtbot.keyClick(view.deliveries, Qt.Key.Key_Delete)
    _wait_for_step(qtbot, view, done)
    assert [d[0] for d in _deliveries(demo_tender)] == ["2027-Q2"]
    view.doc.undo_stack.undo()
    assert [d[0] for d in _deliveries(demo_tender)] == ["2027-Q1", "2027-Q2"]


def test_a_locked_tender_still_takes_deliveries(window, demo_tender: Path, qtbot) -> None:
    assert window.open_path(str(_awarded(demo_tender, lock=True)))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view = window.show_view("monitoring")
    view.lots.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.measures_model.rowCount() == 1)
    assert "monitoring stays open" in view.banner.text()
    _seed(qtbot, view)
    _record_by_keyboard(qtbot, view, "2027-Q1", "700", "Q1 return")
    assert _deliveries(demo_tender) == [("2027-Q1", "700", "Q1 return")]
    with TenderFile.open(demo_tender, read_only=True) as tf:
        assert tf.rows("tender")[0]["status"] == "locked"


def test_export_writes_the_report(view, qtbot, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "monitoring.pdf"
    monkeypatch.setattr(view, "ask_save_path", lambda _suggested: str(out))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists)
    assert out.read_bytes().startswith(b"%PDF")
    assert errors.last_message == ""
