"""A delivery typed in Monitoring and not recorded is never lost: quitting, closing the tender or
opening another asks Save / Discard / Cancel; Save records it as one audited step, Cancel keeps
it on screen, a refused one keeps the window open with the field named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.ui.test_monitoring import _deliveries, _select, demo, view  # noqa: F401

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from workbench.storage import TenderFile

from ui import errors

TYPED = ("2027-Q4", "5", "Both posts filled locally", "Payroll extract")


def type_delivery(qtbot, page, period: str, figure: str, account: str, evidence: str) -> None:
    """Click the period box and type, Tab from box to box; no Enter."""
    form = page.form
    qtbot.mouseClick(form.period, Qt.MouseButton.LeftButton)
    form.period.selectAll()
    for text in (period, figure, account, evidence):
        if text != period:
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClicks(QApplication.focusWidget(), text)
    assert form.values() == (period, figure, account, evidence)


def audit_actions(path: Path) -> list[int]:
    with TenderFile.open(path, read_only=True) as tf:
        return [row["action_id"] for row in tf.db.query("SELECT DISTINCT action_id FROM audit")]


@pytest.mark.parametrize("answer", ["save", "discard", "cancel"])
def test_quitting_with_a_delivery_typed_asks(window, view, qtbot, demo, monkeypatch,  # noqa: F811
                                             answer) -> None:
    _select(qtbot, view, "SV2.1")
    before, actions = _deliveries(demo, "SV2.1"), audit_actions(demo)
    type_delivery(qtbot, view, *TYPED)
    asked: list[str] = []
    monkeypatch.setattr("ui.main_window.ask_unsaved",
                        lambda _parent, what: asked.append(what) or answer)
    window.close()  # the window's close button, or File > Quit
    assert asked == ["A delivery on SV2.1 for 2027-Q4 typed in Monitoring and not recorded."]
    if answer == "cancel":
        assert window.isVisible() and window.doc is not None
        assert view.form.values() == TYPED and _deliveries(demo, "SV2.1") == before
        return
    assert not window.isVisible() and window.doc is None
    if answer == "save":
        assert _deliveries(demo, "SV2.1") == [*before, TYPED]
        assert len(audit_actions(demo)) == len(actions) + 1  # one audited action
    else:
        assert _deliveries(demo, "SV2.1") == before and audit_actions(demo) == actions


def test_opening_another_tender_asks_first(window, view, qtbot, demo, tmp_path,  # noqa: F811
                                           monkeypatch) -> None:
    other = tmp_path / "other.tender"
    shutil.copy(demo, other)
    _select(qtbot, view, "SV2.1")
    type_delivery(qtbot, view, *TYPED)
    monkeypatch.setattr(errors, "unsaved_answer", "cancel")
    assert not window.open_path(str(other))
    assert window.doc.path == str(demo) and view.form.values() == TYPED
    monkeypatch.setattr(errors, "unsaved_answer", "save")
    assert window.open_path(str(other))
    assert _deliveries(demo, "SV2.1")[-1] == TYPED
    assert _deliveries(other, "SV2.1")[-1] != TYPED


def test_a_correction_typed_is_named_too(window, view, qtbot, demo) -> None:  # noqa: F811
    _select(qtbot, view, "SV2.1")
    table = view.deliveries
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(view.deliveries_model.index(0, 0)).center())
    assert view.form.editing and not view.form.typed()
    qtbot.mouseClick(view.form.evidence, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.form.evidence, " and timesheets")
    assert view.unsaved() == (f"A correction to the {view.form.editing} delivery on SV2.1 "
                              "typed in Monitoring and not saved.")


def test_a_refused_delivery_keeps_the_window_open(window, view, qtbot, demo) -> None:  # noqa: F811
    _select(qtbot, view, "SV2.1")
    before = _deliveries(demo, "SV2.1")
    type_delivery(qtbot, view, "2027-Q4", "five", "Both posts filled locally",
                  "Payroll extract")
    window.close()  # Save is the default answer
    assert "the delivered figure must be a number" in errors.last_message
    assert window.isVisible() and window.doc is not None
    assert view.form.values()[1] == "five" and _deliveries(demo, "SV2.1") == before


def test_what_is_typed_survives_another_change(window, view, qtbot, demo) -> None:  # noqa: F811
    """A change made elsewhere reloads the view; the delivery being typed stays."""
    _select(qtbot, view, "SV2.1")
    type_delivery(qtbot, view, *TYPED)
    from workbench import monitoring

    from ui.document import CoreCommand
    rules = monitoring.ledger(view.doc.tf).rules
    assert view.doc.push(CoreCommand("Change the bands", lambda tf: monitoring.set_rating_rules(
        tf, rules.method, "90", rules.approaching_at, rules.improvement_at)))
    assert view.form.values() == TYPED and view.unsaved()


def test_picking_another_commitment_asks_first(window, view, qtbot, demo,  # noqa: F811
                                               monkeypatch) -> None:
    _select(qtbot, view, "SV2.1")
    before = _deliveries(demo, "SV2.1")
    type_delivery(qtbot, view, *TYPED)
    asked: list[str] = []
    answer = "cancel"
    monkeypatch.setattr("ui.views.monitoring.ask_unsaved",
                        lambda _parent, what: asked.append(what) or answer)
    row = view.commitments_model.row_of("SV1.1")
    table = view.commitments
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(view.commitments_model.index(row, 0)).center())
    assert asked == ["A delivery on SV2.1 for 2027-Q4 typed in Monitoring and not recorded."]
    qtbot.waitUntil(lambda: view.selected_commitment().commitment.id == "SV2.1")
    assert view.form.values() == TYPED  # cancelled: still there to finish

    answer = "save"
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(view.commitments_model.index(row, 0)).center())
    assert _deliveries(demo, "SV2.1") == [*before, TYPED]
    assert view.selected_commitment().commitment.id == "SV1.1"
    assert view.form.title.text().startswith("Record a delivery: SV1.1")


def test_picking_an_entry_or_another_lot_asks_first(window, view, qtbot, demo,  # noqa: F811
                                                   monkeypatch) -> None:
    _select(qtbot, view, "SV2.1")
    before = _deliveries(demo, "SV2.1")
    type_delivery(qtbot, view, *TYPED)
    asked: list[str] = []
    monkeypatch.setattr("ui.views.monitoring.ask_unsaved",
                        lambda _parent, what: asked.append(what) or "cancel")
    table = view.deliveries
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(view.deliveries_model.index(0, 0)).center())
    assert len(asked) == 1
    qtbot.wait(20)
    assert view.form.values() == TYPED and not view.form.editing
    view.lots.setFocus()
    qtbot.keyClick(view.lots, Qt.Key.Key_Down)  # lot 2
    assert len(asked) == 2 and view.lots.lot_id() == "L1"
    assert view.form.values() == TYPED

    monkeypatch.setattr("ui.views.monitoring.ask_unsaved", lambda _parent, what: "discard")
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(view.deliveries_model.index(0, 0)).center())
    assert view.form.editing == before[0][0]
    assert _deliveries(demo, "SV2.1") == before
