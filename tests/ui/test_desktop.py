"""Desktop conventions: F1 opens the guide at the view shown, Ctrl+C copies cells as a table,
Ctrl+F finds in the current table, Ctrl+P prints, layouts are remembered, and the first
window fits the screen."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from PySide6.QtCore import QItemSelectionModel, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QSplitter, QWidget

from workbench.demo import create_demo

from ui import table_tools
from ui.help import TOPICS
from ui.main_window import MainWindow


@pytest.fixture
def demo_window(window: MainWindow, tmp_path: Path) -> MainWindow:
    path = tmp_path / "demo.tender"
    create_demo(path, user="tester").close()
    assert window.open_path(str(path))
    window.show()
    return window


def test_f1_opens_the_guide_at_the_part_for_every_view(demo_window: MainWindow, qtbot) -> None:
    for name in demo_window.views:
        demo_window.show_view(name)
        qtbot.keyClick(demo_window, Qt.Key.Key_F1)
        guide = demo_window.guide
        assert guide is not None and guide.isVisible(), name
        assert guide.topic == TOPICS[name]
        assert f'id="{TOPICS[name]}"' in _guide_source()
        guide.close()


def test_the_guide_follows_the_workflow_order() -> None:
    text = _guide_source()
    order = ["seal", "scoring packs", "Merging returned packs", "Moderation", "Results",
             "Reports and exports", "Award and lock", "Monitoring"]
    places = [text.index(word) for word in order]
    assert places == sorted(places)


def _guide_source() -> str:
    from workbench.resources import read_text
    return read_text("help", "guide.html")


def test_ctrl_c_copies_the_selected_cells_for_excel_and_word(demo_window: MainWindow,
                                                             qtbot) -> None:
    results = demo_window.show_view("results")
    table = results.table
    model = table.model()
    table.setFocus()
    selection = table.selectionModel()
    selection.select(model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
    selection.select(model.index(1, 0), QItemSelectionModel.SelectionFlag.Select
                     | QItemSelectionModel.SelectionFlag.Rows)
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    clipboard = QGuiApplication.clipboard()
    try:
        mime = clipboard.mimeData()
        text, html = mime.text(), mime.html()
    finally:
        # The offscreen platform's clipboard crashes Python's exit if it still holds data
        # (a real display does not): empty it.
        clipboard.clear()
    lines = text.split("\n")
    assert len(lines) == 3  # headers and the two rows
    assert lines[0].split("\t")[:2] == [model.headerData(c, Qt.Orientation.Horizontal)
                                        for c in range(2)]
    assert lines[1].split("\t")[1] == model.index(0, 1).data()
    assert "<table" in html and f"<td>{model.index(1, 1).data()}</td>" in html


def test_ctrl_f_finds_in_the_current_table(demo_window: MainWindow, qtbot) -> None:
    audit = demo_window.show_view("audit")
    table = audit.findChild(QWidget, "audit_table")
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = demo_window.find_bar
    assert bar.isVisible() and bar.text.hasFocus()
    qtbot.keyClicks(bar.text, "seal")
    qtbot.keyClick(bar.text, Qt.Key.Key_Return)
    found = table.currentIndex()
    assert "seal" in str(found.data()).casefold()
    qtbot.keyClicks(bar.text, "no such words anywhere")
    qtbot.keyClick(bar.text, Qt.Key.Key_Return)
    assert "No cell contains" in bar.result.text()
    qtbot.keyClick(bar.text, Qt.Key.Key_Escape)
    assert not bar.isVisible() and QApplication.focusWidget() is table


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
def test_ctrl_p_prints_the_current_table(demo_window: MainWindow, qtbot, tmp_path: Path,
                                         monkeypatch) -> None:
    out = tmp_path / "printed.pdf"

    def to_pdf(_parent, printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    monkeypatch.setattr(table_tools, "ask_printer", to_pdf)
    results = demo_window.show_view("results")
    results.table.setFocus()
    qtbot.keyClick(results.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    model = results.table.model()
    assert "Rank" in text and "Total" in text
    for row in range(model.rowCount()):  # names may wrap in their cell: look for each word
        assert all(word in text for word in model.index(row, 1).data().split())


def test_splitters_and_columns_are_remembered(demo_window: MainWindow, tmp_path: Path) -> None:
    audit = demo_window.show_view("audit")
    splitter = audit.findChild(QSplitter)
    header = audit.findChild(QWidget, "audit_table").horizontalHeader()
    splitter.setSizes([500, 100])
    header.resizeSection(1, 211)
    sizes = splitter.sizes()
    path = demo_window.doc.path
    demo_window.close_document()
    assert demo_window.open_path(str(path))
    audit = demo_window.show_view("audit")
    assert audit.findChild(QSplitter).sizes() == sizes
    assert audit.findChild(QWidget, "audit_table").horizontalHeader().sectionSize(1) == 211


@pytest.mark.parametrize("room, size", [
    ((1366, 728), (1280, 688)),  # a 1366×768 laptop less its taskbar
    ((1920, 1040), (1280, 800)),
    ((1024, 700), (984, 660)),
])
def test_the_first_window_fits_the_screen(qtbot, room, size) -> None:
    win = MainWindow(user="tester")
    qtbot.addWidget(win)
    fitted = win.fit_size(QSize(*room))
    assert (fitted.width(), fitted.height()) == size
    assert fitted.width() <= room[0] and fitted.height() <= room[1]


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs poppler")
def test_ctrl_p_in_export_prints_the_previewed_report(demo_window: MainWindow, qtbot,
                                                      tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "printed.pdf"

    def to_pdf(_parent, printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(60)  # enough to check the pages, quick to draw
        return True

    monkeypatch.setattr(table_tools, "ask_printer", to_pdf)
    export = demo_window.show_view("export")
    export.kinds.setCurrentRow(1)
    qtbot.mouseClick(export.make_summary, Qt.MouseButton.LeftButton)
    pages = export.document.pageCount()
    assert pages >= 2
    qtbot.keyClick(export, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True,
                          check=True).stdout
    assert f"Pages:           {pages}" in info
