"""The portfolio window: a folder read in the background, a row per lot, drill-down into a
tender by double-click, and the PDF and workbook saved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from workbench.demo import create_demo

from ui import errors
from ui.views.portfolio import LotsModel


def test_the_lots_model_passes_the_model_tester(qtmodeltester, tmp_path: Path) -> None:
    from workbench.portfolio.reading import read_folder
    create_demo(tmp_path / "demo.tender").close()
    tenders, _skipped = read_folder(tmp_path)
    model = LotsModel()
    model.set_rows([(t, lot) for t in tenders for lot in t.lots])
    qtmodeltester.check(model)
    assert model.index(0, 7).data() == "Northbridge Voluntary Action (VCSE)"
    assert model.index(1, 7).data() == "provisional"


def test_a_folder_read_with_a_damaged_file_and_a_drill_down(window, qtbot, tmp_path: Path,
                                                            monkeypatch) -> None:
    folder = tmp_path / "tenders"
    folder.mkdir()
    create_demo(folder / "demo.tender").close()
    (folder / "broken.tender").write_bytes(b"not a tender at all")
    found = window.show_portfolio(str(folder))
    qtbot.addWidget(found)
    qtbot.waitUntil(lambda: found.found is not None, timeout=20_000)
    assert found.model.rowCount() == 2
    assert "broken.tender" in found.skipped.text()
    assert "of which 1 won (14%)" in found.summary.text()
    with qtbot.waitExposed(found):
        found.show()
    rect = found.table.visualRect(found.model.index(0, 1))
    qtbot.mouseClick(found.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(found.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.doc is not None or errors.last_message != "")
    assert errors.last_message == ""
    assert window.doc.tf.path.name == "demo.tender" and not window.doc.tf.read_only
    for kind in ("pdf", "xlsx"):
        out = tmp_path / f"portfolio.{kind}"
        monkeypatch.setattr(found, "ask_save_path", lambda _kind, out=out: str(out))
        qtbot.mouseClick(found.pdf_button if kind == "pdf" else found.xlsx_button,
                         Qt.MouseButton.LeftButton)
        qtbot.waitUntil(out.exists, timeout=20_000)
    assert errors.last_message == ""
