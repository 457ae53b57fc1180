"""A two-lot tender from nothing to locked, in the real window, as a lead and her panel would.

The lead creates the tender, builds both lots' models, enters the bids and the panel, records
that Funmi Adeyemi is a trustee of one lot-2 bidder, seals the plan and sends out packs: Priya
scores hers in the app, Gareth fills an Excel workbook (as LibreOffice Calc would save it),
Funmi scores everything except the bidder she is conflicted with. The packs come back, the
panel moderates both lots (part of it on the presentation screen), and the lead exports the
evaluation pack, recommends the award and locks the tender. Each step goes through the widgets a
person uses; the file is checked at the end.

Set SCENARIO_SCREENSHOTS=DIR to keep the screenshots taken along the way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from workbench.panel import roster
from workbench.scoring.results import compute
from workbench.storage import TenderFile

from ui import errors
from ui.views.model import ModelView
from ui.views.panel_dialogs import PackOptionsDialog

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
LOTS = {"L1": ("Home care, north", {"Ashgrove Home Care Ltd": "412000",
                                    "Brookside Carers CIC": "398500"}),
        "L2": ("Home care, south", {"Castle Community Care": "505000",
                                    "Dovecote Support Co-operative": "489000",
                                    "Elmfield Care Partnership": "517250"})}
PANEL = [("Priya Raman", "Commissioning lead"), ("Gareth Llewellyn", "Finance"),
         ("Funmi Adeyemi", "Community representative")]
CONFLICTED = "Dovecote Support Co-operative"
TRUSTEE = "Trustee of Dovecote Support Co-operative since 2023"
REASONS = "Evidence weighed against every descriptor of the scale."


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.waitUntil(lambda: focused() is not None)
    qtbot.keyClick(focused(), key, modifier)


def type_keys(qtbot, text: str) -> None:
    qtbot.waitUntil(lambda: focused() is not None)
    qtbot.keyClicks(focused(), text)


def activate(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow() and focused() is not None)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SCENARIO_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_two_lots_from_nothing_to_locked(window, qtbot, tmp_path: Path, monkeypatch,
                                         shots: Path) -> None:
    path = tmp_path / "Home care 2027.tender"
    window.resize(1366, 768)
    window.show()
    activate(qtbot, window)

    # File > New tender (Ctrl+N), saved where the lead says.
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "")))
    press(qtbot, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: window.doc is not None)
    build_models(qtbot, window, monkeypatch)
    enter_bids(qtbot, window)
    panel = build_panel(qtbot, window)
    seal_plan(qtbot, window)
    packs = send_packs(qtbot, window, panel, tmp_path, monkeypatch)
    score_in_the_app(qtbot, window, packs["Priya Raman"], shots=shots)
    score_in_excel(packs["Gareth Llewellyn"])
    shutil.copy(packs["Gareth Llewellyn"], shots / "scoring-pack.xlsx")
    score_in_the_app(qtbot, window, packs["Funmi Adeyemi"], conflicted=CONFLICTED)
    merge_returns(qtbot, window, path, packs)
    moderate(qtbot, window, shots)
    finish(qtbot, window, tmp_path, monkeypatch)
    window.close_document()
    check_the_file(path)


def build_models(qtbot, window, monkeypatch) -> None:
    view = window.show_view("model")
    titles = iter(title for title, _bids in LOTS.values())
    monkeypatch.setattr(ModelView, "ask_lot_title", staticmethod(lambda parent: next(titles)))
    for lot_id in LOTS:
        view.add_lot_action.trigger()
        assert view.lot_combo.currentData() == lot_id
        view.starter_action.trigger()
    assert [lot.id for lot in window.doc.data.lots] == ["L1", "L2"]
    assert view.problems.title.text().startswith("✔ No problems")


def enter_bids(qtbot, window) -> None:
    view = window.show_view("bidders")
    for lot_id, (_title, bids) in LOTS.items():
        view.lots.setCurrentIndex(view.lots.findData(lot_id))
        for name, price in bids.items():
            view.table.setFocus()
            qtbot.keyClick(view.table, Qt.Key.Key_Insert)
            editor = cell_editor(qtbot, view)
            editor.selectAll()
            qtbot.keyClicks(editor, name)
            commit(qtbot, view, editor)
            bidder = next(b for b in view.lot().bidders if b.name == name)
            edit_cell(qtbot, view, bidder.id, "price", f"£{int(price):,}")
            # The insurance gateway: checked and passed, with the evidence seen.
            box, rationale, save = view.gateways.rows["G1"]
            box.setCurrentIndex(box.findData("pass"))
            rationale.setFocus()
            rationale.selectAll()
            qtbot.keyClicks(rationale, "Certificates seen: £5m public liability")
            qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    lot2 = window.doc.data.lot("L2")
    assert [str(b.price) for b in lot2.bidders] == list(LOTS["L2"][1].values())


def edit_cell(qtbot, view, bidder_id: str, field: str, text: str) -> None:
    model = view.model
    index = model.index(model.row_of(bidder_id), model.column_of(field))
    activate(qtbot, view.window())
    view.table.scrollTo(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.table.visualRect(index).center())
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    editor = cell_editor(qtbot, view)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    commit(qtbot, view, editor)


def cell_editor(qtbot, view):
    """The editor the table opened in the current cell, once it has the keyboard."""
    qtbot.waitUntil(lambda: focused() is not None and focused() is not view.table
                    and view.table.isAncestorOf(focused()))
    return focused()


def commit(qtbot, view, editor) -> None:
    stack = view.doc.undo_stack
    done = stack.count()
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: stack.count() > done or errors.last_message != "")
    assert errors.last_message == ""


def build_panel(qtbot, window):
    panel = window.show_view("panel")
    for name, role in PANEL:
        panel.evaluators.setFocus()
        press(qtbot, Qt.Key.Key_Insert)
        qtbot.waitUntil(lambda: panel.dialog is not None and focused() is panel.dialog.name)
        type_keys(qtbot, name)
        press(qtbot, Qt.Key.Key_Tab)
        type_keys(qtbot, role)
        press(qtbot, Qt.Key.Key_Return)
        dialog_closed(qtbot, panel)
    # Funmi is a trustee of one lot-2 bidder: declared for that bidder only.
    panel.tabs.setCurrentIndex(1)
    model = panel.conflicts_model
    row = next(r for r in range(model.rowCount())
               if model.entry(r).evaluator.name == "Funmi Adeyemi"
               and model.entry(r).lot.id == "L2")
    panel.conflicts.setFocus()
    panel.conflicts.setCurrentIndex(model.index(row, 0))
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.dialog is not None)
    form = panel.dialog.form
    qtbot.waitUntil(lambda: focused() is not None and focused().window() is panel.dialog)
    form.none.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, TRUSTEE)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.bidders
    form.bidders.setCurrentRow(0)
    press(qtbot, Qt.Key.Key_Down)  # the second lot-2 bidder
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "Takes no part in scoring Dovecote")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    dialog_closed(qtbot, panel)
    # Everyone scores every question of both lots.
    panel.tabs.setCurrentIndex(2)
    for lot_id in LOTS:
        panel.lot.setCurrentIndex(panel.lot.findData(lot_id))
        qtbot.mouseClick(panel.all_on, Qt.MouseButton.LeftButton)
    cell = panel.matrix_model.index(2, 0)  # Funmi, Q1 of lot 2
    assert cell.data() == "not 1"
    return panel


def dialog_closed(qtbot, panel) -> None:
    qtbot.waitUntil(lambda: panel.dialog is None)
    activate(qtbot, panel.window())


def seal_plan(qtbot, window) -> None:
    view = window.show_view("model")
    assert view.seal_button.isEnabled(), view.seal_button.toolTip()
    qtbot.mouseClick(view.seal_button, Qt.MouseButton.LeftButton)  # dialogs off: yes
    assert window.doc.head.tender.seal is not None


def send_packs(qtbot, window, panel, tmp_path: Path, monkeypatch) -> dict[str, Path]:
    panel = window.show_view("panel")
    out = tmp_path / "packs"
    out.mkdir()
    formats = iter(["tender", "xlsx"])
    chosen = {"tender": ["E1", "E3"], "xlsx": ["E2"]}

    def options(cls, parent, owing, folder):
        fmt = next(formats)
        return fmt, out, chosen[fmt]

    monkeypatch.setattr(PackOptionsDialog, "ask", classmethod(options))
    panel.packs.create_packs()
    panel.packs.create_packs()
    written = {p.name.split(" - ")[1]: p for p in out.iterdir()}
    assert sorted(written) == sorted(name for name, _role in PANEL)
    assert written["Gareth Llewellyn"].suffix == ".xlsx"
    return written


def score_in_the_app(qtbot, window, pack: Path, conflicted: str = "",
                     shots: Path | None = None) -> None:
    """An evaluator opens her pack, declares for each lot, scores every item, submits."""
    assert window.open_path(str(pack))
    activate(qtbot, window)
    view = window.views["scoring"]
    declared = 0
    while view.pages.currentWidget() is view.declaration:  # lots not declared by the lead
        qtbot.waitUntil(lambda: focused() is view.declaration.form.none)
        press(qtbot, Qt.Key.Key_Return, CTRL)  # no conflict
        declared += 1
    assert declared == (1 if conflicted else 2)
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.scoring)
    if shots is not None:  # evaluator mode on a council laptop, without maximising
        assert view.save.isVisible() and window.rect().contains(
            view.save.mapTo(window, view.save.rect().bottomRight()))
        window.grab().save(str(shots / "evaluator-mode.png"))
    seen: set[str] = set()
    while view._shown is not None and view._shown.saved is None:
        item = view._shown
        seen.add(item.bidder_label)
        type_keys(qtbot, "4" if item.bidder_label.startswith(("Brook", "Castle")) else "3")
        press(qtbot, Qt.Key.Key_Tab)
        type_keys(qtbot, REASONS)
        press(qtbot, Qt.Key.Key_Return, CTRL)
    if conflicted:
        assert conflicted not in seen
    press(qtbot, Qt.Key.Key_U, ALT)  # Submit; dialogs off: yes
    qtbot.waitUntil(lambda: view.doc.tf.meta("pack_submitted") == "1")
    window.close_document()


def score_in_excel(pack: Path) -> None:
    """Gareth's workbook, filled in, then saved by LibreOffice Calc where it is installed
    (which rewrites the whole file)."""
    wb = load_workbook(pack)
    ws = wb["Scores"]
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
        if row[3].value:
            row[4].value = 4 if "Castle" in str(row[3].value) else 3
            row[5].value = REASONS
    for row in wb["Instructions"].iter_rows(min_row=1, max_row=wb["Instructions"].max_row,
                                            max_col=2):
        if row[0].value == "Declaration":
            row[1].value = "No conflict"
    wb["Instructions"]["B12"] = "Yes"
    wb.save(pack)
    if shutil.which("soffice"):
        saved = pack.parent / "saved by Calc"
        subprocess.run(["soffice", f"-env:UserInstallation=file://{pack.parent}/lo",
                        "--headless", "--convert-to", "xlsx", "--outdir", str(saved),
                        str(pack)], check=True, capture_output=True, timeout=180)
        shutil.move(saved / pack.name, pack)
        shutil.rmtree(pack.parent / "lo", ignore_errors=True)
        saved.rmdir()
        with zipfile.ZipFile(pack) as rewritten:
            assert b"LibreOffice" in rewritten.read("docProps/app.xml")


def merge_returns(qtbot, window, path: Path, packs: dict[str, Path]) -> None:
    assert window.open_path(str(path))
    activate(qtbot, window)
    panel = window.show_view("panel")
    panel.merge_paths([str(p) for p in packs.values()])
    report = [panel.packs.report.item(i).text() for i in range(panel.packs.report.count())]
    assert all("refused" not in line for line in report), report
    with TenderFile.open(path, read_only=True) as tf:
        register = roster.conflicts(tf)
        scores = tf.rows("scores")
    assert register[("L2", "E3")].bidders == ("B2",)
    assert not [s for s in scores if s["evaluator_id"] == "E3" and s["bidder_id"] == "B2"
                and s["lot_id"] == "L2"]


def moderate(qtbot, window, shots: Path) -> None:
    view = window.show_view("moderation")
    activate(qtbot, window)
    for lot_id in LOTS:
        view.lot_box.setCurrentIndex(view.lot_box.findData(lot_id))
        chair = view.meeting_bar.chair
        chair.setFocus()
        chair.lineEdit().selectAll()
        type_keys(qtbot, "Priya Raman")
        press(qtbot, Qt.Key.Key_Return)
        press(qtbot, Qt.Key.Key_Return)  # start, the whole panel attending
        assert view.stage.hasFocus(), (focused(), errors.last_message)
        if lot_id == "L2":
            # The room follows on the shared screen for a while, then the desk again.
            press(qtbot, Qt.Key.Key_F11)
            assert view.presentation is not None
            qtbot.waitUntil(lambda: focused() is view.stage)
            agree(qtbot, view)
            qtbot.waitUntil(lambda: focused() is view.stage)
            press(qtbot, Qt.Key.Key_Escape)  # a stray Esc does not leave the room's view
            assert view.presentation is not None
            press(qtbot, Qt.Key.Key_F11)
            assert view.presentation is None and view.stage.isVisible()
            activate(qtbot, window)  # as the desktop hands the keyboard back
            window.grab().save(str(shots / "moderation-after-presentation.png"))
        for _step in range(40):
            if "results final" in view.progress_label.text():
                break
            if view.stage.item.agreed is not None:
                press(qtbot, Qt.Key.Key_Right)  # to an item still to agree
            else:
                agree(qtbot, view)
        assert "results final" in view.progress_label.text(), (view.progress_label.text(),
                                                               errors.last_message)
        view.meeting_bar.end.setFocus()
        press(qtbot, Qt.Key.Key_Space)


def agree(qtbot, view) -> None:
    """The panel's agreed score, with its reasons, by keyboard (median, then rationale)."""
    item = view.stage.item
    if item.recused:
        assert "Not taking part: Funmi Adeyemi (conflict declared)" in view.stage.stats.text()
    press(qtbot, Qt.Key.Key_M, ALT)
    press(qtbot, Qt.Key.Key_Return)
    type_keys(qtbot, "The panel agreed the median on the evidence given.")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert errors.last_message == "", errors.last_message


def finish(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    export = window.show_view("export")
    qtbot.mouseClick(export.make_pack, Qt.MouseButton.LeftButton)
    target = tmp_path / "evaluation pack.pdf"
    monkeypatch.setattr(export, "ask_save_path", lambda *args: str(target))
    qtbot.mouseClick(export.save_pdf, Qt.MouseButton.LeftButton)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Trustee of Dovecote Support Co-operative" in text
    assert "PROVISIONAL" not in text and "Scoring in progress" not in text
    flowing = " ".join(text.split())
    assert "Status of the tender: Results final" in flowing
    # Dovecote's agreed scores: Funmi was in the room but took no part in agreeing them.
    assert "present: Priya Raman, Gareth Llewellyn; taking no part (conflict declared): Funmi " \
           "Adeyemi." in flowing
    assert " · Evaluation pack" not in text  # no reference: the header starts with the title
    for event in ("Evaluation plan sealed", "Scoring packs (xlsx) issued to Gareth",
                  "Scoring pack from Funmi Adeyemi merged:",
                  "Moderation meeting on Home care, south"):
        assert event in flowing  # the audit summary lists what an approver needs
    audit = window.show_view("audit")
    qtbot.mouseClick(audit.recommend_button, Qt.MouseButton.LeftButton)
    assert window.doc.head.tender.status == "award_recommended"
    qtbot.mouseClick(audit.lock_button, Qt.MouseButton.LeftButton)
    assert window.doc.head.tender.status == "locked"


def check_the_file(path: Path) -> None:
    with TenderFile.open(path, read_only=True) as tf:
        assert tf.integrity_problem == ""
        data = tf.load()
    results = compute(data)
    assert [r.provisional for r in results] == [False, False]
    assert [r.winners[0].name for r in results] == ["Brookside Carers CIC",
                                                    "Castle Community Care"]
    lot2 = data.lot("L2")
    dovecote = [m for m in lot2.moderated if m.bidder == "B2"]
    assert dovecote and all(m.recused == ["E3"] for m in dovecote)
