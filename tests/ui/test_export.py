"""The Export view: make the pack or a summary, read it in the preview, save exactly that;
save every summary, the workbook and the OCDS file; cancel; a stale preview cannot be saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QProgressDialog, QPushButton

from workbench.details import update_details

from ui import errors, tasks
from ui.document import CoreCommand
from ui.views.export import ExportView


@pytest.fixture
def view(window, demo_tender: Path, qtbot) -> ExportView:
    assert window.open_path(str(demo_tender))
    window.show()
    shown = window.show_view("export")
    assert isinstance(shown, ExportView)
    return shown


def choose(view: ExportView, qtbot, row: int) -> None:
    """Pick what to export with the keyboard, as a user would."""
    view.kinds.setFocus()
    view.kinds.setCurrentRow(0)
    for _ in range(row):
        qtbot.keyClick(view.kinds, Qt.Key.Key_Down)
    assert view.kinds.currentRow() == row


def test_pack_preview_is_saved_byte_for_byte(view: ExportView, qtbot, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert "PROVISIONAL" in view.banner.text()  # the demo's lot 2 is still in moderation
    assert not view.save_pdf.isEnabled()
    qtbot.mouseClick(view.make_pack, Qt.MouseButton.LeftButton)
    assert view.document.status() == QPdfDocument.Status.Ready
    assert view.document.pageCount() > 20
    assert f"({view.document.pageCount()} pages)" in view.preview_label.text()
    target = tmp_path / "pack.pdf"
    monkeypatch.setattr(view, "ask_save_path", lambda *a: str(target))
    qtbot.mouseClick(view.save_pdf, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == bytes(view._pdf.data())
    assert target.read_bytes().startswith(b"%PDF")
    assert view.last_status == "Saved pack.pdf"


def test_summary_for_the_chosen_bidder(view: ExportView, qtbot) -> None:
    choose(view, qtbot, 1)
    assert view.pages.currentIndex() == 1
    view.lot.setCurrentIndex(1)
    view.bidder.setFocus()
    view.bidder.setCurrentIndex(view.bidder.findText("Greenway Hubs Ltd"))
    qtbot.mouseClick(view.make_summary, Qt.MouseButton.LeftButton)
    assert view.preview_label.text().startswith(
        "Assessment summary: Greenway Hubs Ltd, Lot 2: Community wellbeing hubs")
    assert view.document.pageCount() >= 2
    assert view._suggested == "L2-B5-Greenway-Hubs-Ltd.pdf"


def test_every_summary_saved_to_a_folder(view: ExportView, qtbot, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    choose(view, qtbot, 1)
    monkeypatch.setattr(view, "ask_folder", lambda *a: str(tmp_path))
    qtbot.mouseClick(view.save_summaries, Qt.MouseButton.LeftButton)
    assert len(list(tmp_path.glob("*.pdf"))) == 10
    assert view.last_status.startswith("Saved 10 assessment summaries")


def test_workbook_and_open_data_release(view: ExportView, qtbot, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    choose(view, qtbot, 2)
    workbook = tmp_path / "results.xlsx"
    monkeypatch.setattr(view, "ask_save_path", lambda *a: str(workbook))
    qtbot.mouseClick(view.save_xlsx, Qt.MouseButton.LeftButton)
    assert "L1 Results" in load_workbook(workbook).sheetnames

    choose(view, qtbot, 3)
    release = tmp_path / "ocds.json"
    monkeypatch.setattr(view, "ask_save_path", lambda *a: str(release))
    view.prefix.selectAll()
    qtbot.keyClicks(view.prefix, "nope")
    qtbot.mouseClick(view.save_ocds, Qt.MouseButton.LeftButton)
    assert "starts with “ocds-”" in errors.last_message and not release.exists()
    view.prefix.selectAll()
    qtbot.keyClicks(view.prefix, "ocds-abc123")
    qtbot.mouseClick(view.save_ocds, Qt.MouseButton.LeftButton)
    package = json.loads(release.read_text(encoding="utf-8"))
    assert package["releases"][0]["ocid"].startswith("ocds-abc123-")


def test_cancel_stops_the_pack_and_shows_nothing(view: ExportView, qtbot,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "synchronous", False)
    qtbot.mouseClick(view.make_pack, Qt.MouseButton.LeftButton)
    dialog = view.findChild(QProgressDialog)
    assert dialog is not None
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)  # Cancel
    qtbot.waitUntil(lambda: view.last_status == "Cancelled: nothing was made.", timeout=20000)
    assert view.document.pageCount() == 0 and not view.save_pdf.isEnabled()


def test_a_preview_goes_out_of_date_when_the_tender_changes(view: ExportView, qtbot) -> None:
    qtbot.mouseClick(view.make_pack, Qt.MouseButton.LeftButton)
    assert view.save_pdf.isEnabled()
    view.doc.push(CoreCommand("Change title", lambda tf: update_details(tf, title="New")))
    assert not view.save_pdf.isEnabled()
    assert "out of date" in view.preview_label.text()
    qtbot.mouseClick(view.make_pack, Qt.MouseButton.LeftButton)
    assert view.save_pdf.isEnabled() and "out of date" not in view.preview_label.text()
