"""The model workbook's calculated columns are Excel formulas that give the engine's figures,
and every word a user typed is stored as text, never as a formula."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from workbench.domain import TenderData
from workbench.model.model_xlsx import export_model
from workbench.scoring.weights import effective_percent, points_available


def evaluate(sheet, ref: str) -> Decimal:  # type: ignore[no-untyped-def]
    """Work out one of our own formulas (cell references, numbers, * and /) as Excel would."""
    value = sheet[ref].value
    if not (isinstance(value, str) and value.startswith("=")):
        return Decimal(str(value))
    expression = re.sub(r"[A-Z]+\d+", lambda m: f"Decimal('{evaluate(sheet, m.group(0))}')",
                        value[1:])
    assert re.fullmatch(r"[\w'().*/ ]+", expression), value  # nothing but arithmetic
    return Decimal(eval(expression))  # our own formula, checked above


def test_calculated_columns_are_formulas_giving_the_engines_figures(
        demo_data: TenderData, tmp_path: Path) -> None:
    out = tmp_path / "model.xlsx"
    export_model(demo_data, out)
    book = load_workbook(out)
    for lot in demo_data.lots:
        sheet = book[lot.id]
        effective = effective_percent(lot)
        points = points_available(lot, demo_data.tender.total_points)
        rows = {sheet.cell(r, 1).value: r for r in range(4, sheet.max_row + 1)}
        assert set(effective) <= set(rows)
        for code, row in rows.items():
            if code not in effective:
                assert sheet.cell(row, 6).value is None  # a pass/fail gateway has no weight
                continue
            assert str(sheet.cell(row, 6).value).startswith("=")
            assert evaluate(sheet, f"F{row}") == effective[code], code
            assert evaluate(sheet, f"G{row}") == points[code], code


def test_user_words_starting_like_a_formula_stay_text(demo_data: TenderData,
                                                      tmp_path: Path) -> None:
    lot = demo_data.lots[0]
    risky = '=HYPERLINK("http://example.org","click")'
    lot.criteria[0] = replace(lot.criteria[0], title=risky, question="+1 then -2")
    out = tmp_path / "model.xlsx"
    export_model(demo_data, out)
    sheet = load_workbook(out)[lot.id]
    cells = [c for column in ("C", "O") for c in sheet[column] if c.value in (risky, "+1 then -2")]
    assert len(cells) == 2
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_every_exported_workbook_prints_landscape_one_page_wide(tmp_path: Path) -> None:
    """The model, results, audit and scoring-pack workbooks, as the command line writes them."""
    from workbench.cli import main
    demo_tender = tmp_path / "demo.tender"
    assert main(["demo", str(demo_tender)]) == 0  # sealed, so packs can go out
    assert main(["model-xlsx", str(demo_tender), "-o", str(tmp_path / "model.xlsx")]) == 0
    assert main(["export-xlsx", str(demo_tender), "-o", str(tmp_path / "results.xlsx")]) == 0
    assert main(["audit", str(demo_tender), "-o", str(tmp_path / "audit.xlsx")]) == 0
    (tmp_path / "packs").mkdir()
    assert main(["packs", str(demo_tender), "-o", str(tmp_path / "packs"), "--format",
                 "xlsx"]) == 0
    books = [*tmp_path.glob("*.xlsx"), *(tmp_path / "packs").glob("*.xlsx")]
    assert len(books) >= 4
    for path in books:
        for ws in load_workbook(path).worksheets:
            if ws.sheet_state != "visible":
                continue
            where = f"{path.name}!{ws.title}"
            assert ws.page_setup.orientation == "landscape", where
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), where
            if ws.max_row > 20:  # long sheets repeat their header row on every page
                assert ws.print_title_rows, where
