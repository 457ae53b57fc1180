"""The results workbook: the engine's figures, formatted for reading, user text never a
formula. (The OCDS release package: test_ocds.py.)"""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.cli import main
from workbench.domain import TenderData
from workbench.exchange.results_xlsx import write_results_xlsx
from workbench.reports.facts import from_data

HOSTILE = {"B1": "=SUM(A1)", "B2": "<b>Care</b> & Co", "B3": "Ünïcødé — Ltd",
           "B4": "+44 20 7946 0000", "B5": "@risk -1"}


def results(tender: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["results", str(tender), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_workbook_sheets_totals_and_layout(demo_tender: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results.xlsx"
    assert main(["export-xlsx", str(demo_tender), "-o", str(out)]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "L1 Results", "L1 Agreed scores",
                             "L1 Individual scores", "L1 Working", "L2 Results",
                             "L2 Agreed scores", "L2 Individual scores", "L2 Working"]
    for lot in results(demo_tender, capsys)["lots"]:
        ws = wb[f"{lot['id']} Results"]
        header = [c.value for c in ws[1]]
        total_col = header.index("Total")
        rows = {row[1]: row for row in ws.iter_rows(min_row=2, values_only=True)}
        for b in lot["bidders"]:
            row = rows[b["name"]]
            assert row[0] == b["rank"]
            expected = None if b["total"] is None else Decimal(b["total"])
            assert (None if row[total_col] is None else Decimal(str(row[total_col]))) == expected
        assert ws.freeze_panes == "C2"
        assert ws.cell(row=2, column=total_col + 1).number_format == "0.00"
        assert ws.column_dimensions["B"].width >= 30
    individual = wb["L1 Individual scores"]
    assert individual.max_row - 1 == 70 and individual.freeze_panes == "B2"
    working = wb["L1 Working"]
    assert any(str(v).startswith("lowest £648,000") for v in next(
        working.iter_cols(min_col=8, max_col=8, values_only=True)))


def test_hostile_names_are_stored_as_text_never_formulas(demo_data: TenderData,
                                                         tmp_path: Path) -> None:
    lot = demo_data.lots[0]
    bidders = [replace(b, name=HOSTILE[b.id]) for b in lot.bidders]
    moderated = [replace(m, rationale="=HYPERLINK(\"http://x\")") for m in lot.moderated]
    data = replace(demo_data, lots=[replace(lot, bidders=bidders, moderated=moderated)])
    out = tmp_path / "hostile.xlsx"
    write_results_xlsx(from_data(data), out)
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in sheet or "<f " in sheet for sheet in sheets)
    wb = load_workbook(out)
    ws = wb["L1 Results"]
    names = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=2)
             for r in range(2, ws.max_row + 1)}
    assert set(names) == set(HOSTILE.values())
    for name in ("=SUM(A1)", "+44 20 7946 0000", "@risk -1"):
        assert names[name].data_type == "s"
        assert names[name].quotePrefix  # stays text if someone edits the cell
    assert wb["L1 Agreed scores"]["F2"].value == "=HYPERLINK(\"http://x\")"


def test_unwritable_workbook_is_a_one_line_error(demo_tender: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-xlsx", str(demo_tender), "-o", str(tmp_path / "no" / "r.xlsx")]) == 1
    assert capsys.readouterr().err.strip() == (
        "workbench-cli: cannot write r.xlsx: No such file or directory")
