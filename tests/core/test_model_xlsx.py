"""The Excel model template: the demo model round-trips into a fresh tender; bad workbooks are
refused naming sheet, row and column, and change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.domain import Tender, TenderData
from workbench.errors import InterchangeError, ReadOnlyError
from workbench.exchange import interchange
from workbench.model.model_xlsx import export_model, import_model
from workbench.model.seal import seal
from workbench.storage import TenderFile


@pytest.fixture
def workbook(tmp_path: Path, demo_data: TenderData) -> Path:
    path = tmp_path / "model.xlsx"
    export_model(demo_data, path)
    return path


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    path = tmp_path / "fresh.tender"
    TenderFile.create(path, TenderData(Tender("Fresh tender"))).close()
    return path


def test_demo_model_round_trips_into_a_fresh_tender(workbook: Path, fresh: Path,
                                                    demo_data: TenderData) -> None:
    with TenderFile.open(fresh) as tf:
        import_model(tf, workbook)
        got = tf.load()
        assert tf.integrity_problem == ""
    assert [(lot.id, lot.title) for lot in got.lots] == [
        (lot.id, lot.title) for lot in demo_data.lots]
    assert [lot.criteria for lot in got.lots] == [lot.criteria for lot in demo_data.lots]
    assert got.scales == demo_data.scales


def test_workbook_is_formatted_for_people(workbook: Path) -> None:
    book = load_workbook(workbook)
    assert book.sheetnames == ["L1", "L2", "Scales"]
    sheet = book["L1"]
    assert sheet["B1"].value == "L1" and sheet.freeze_panes == "D4"
    assert [c.value for c in sheet[3]][:5] == ["Code", "Parent", "Title", "Type", "Weight (%)"]
    assert sheet["A4"].value == "Q" and sheet["A4"].font.b
    assert sheet["B5"].value == "Q" and sheet["C5"].alignment.indent == 2
    assert sheet["F5"].value == "=E5*F4/100"  # effective weight, an Excel formula
    assert any("D4" in str(v.sqref) for v in sheet.data_validations.dataValidation)


def _edit(path: Path, sheet: str, cell: str, value: object) -> None:
    book = load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def _refused(tender: Path, workbook: Path, message: str) -> None:
    with TenderFile.open(tender) as tf:
        before = interchange.dumps(tf.load())
        audit = len(list(tf.db.query("SELECT seq FROM audit")))
        with pytest.raises(InterchangeError) as raised:
            import_model(tf, workbook)
        assert interchange.dumps(tf.load()) == before
        assert len(list(tf.db.query("SELECT seq FROM audit"))) == audit
    assert str(raised.value) == message


def test_text_in_a_weight_cell(workbook: Path, fresh: Path) -> None:
    _edit(workbook, "L1", "E5", "thirty")
    _refused(fresh, workbook, "sheet 'L1', row 5, column E (Weight (%)): 'thirty' is not a "
                              "number")


def test_weights_that_do_not_add_up_name_the_group(workbook: Path, fresh: Path) -> None:
    _edit(workbook, "L2", "E5", 45)  # Q1 of lot 2: 40 → 45
    _refused(fresh, workbook, "sheet 'L2', rows 5, 6, 7, column E (Weight (%)): the weights in "
                              "group Q (row 4) add up to 105%, not 100%")


def test_negative_weight(workbook: Path, fresh: Path) -> None:
    _edit(workbook, "L1", "E9", -30)
    _refused(fresh, workbook, "sheet 'L1', row 9, column E (Weight (%)): -30 is below the "
                              "lowest allowed, 0")


def test_unknown_scale(workbook: Path, fresh: Path) -> None:
    _edit(workbook, "L1", "H6", "1-10")
    _refused(fresh, workbook, "sheet 'L1', row 6, column H (Scale): there is no scale '1-10' "
                              "(see the Scales sheet)")


def test_renamed_sheet(workbook: Path, fresh: Path) -> None:
    book = load_workbook(workbook)
    book["L2"].title = "Lot 2"
    book.save(workbook)
    _refused(fresh, workbook, "sheet 'Lot 2', row 1, column B: this sheet is for lot 'L2', so "
                              "its name must be that code (was the sheet renamed?)")


def test_renamed_scales_sheet_and_shifted_columns(workbook: Path, fresh: Path) -> None:
    book = load_workbook(workbook)
    book["Scales"].title = "Scoring scales"
    book.save(workbook)
    _refused(fresh, workbook, "sheet 'Scoring scales': this is the scales sheet; its name must "
                              "be 'Scales' (was the sheet renamed?)")
    book["Scoring scales"].title = "Scales"
    book["L1"].insert_cols(3)
    book.save(workbook)
    _refused(fresh, workbook, "sheet 'L1', row 3, column C: expected the heading 'Title', "
                              "found '' (columns must stay in their order)")


def test_parent_loop_and_scored_parent(workbook: Path, fresh: Path) -> None:
    _edit(workbook, "L1", "B4", "Q1")  # Q inside its own child Q1 (a scored criterion)
    _refused(fresh, workbook, "sheet 'L1', row 4, column B (Parent): Q1 is scored; only a "
                              "group can contain criteria")


def test_not_a_workbook(tmp_path: Path, fresh: Path) -> None:
    bad = tmp_path / "model.xlsx"
    bad.write_text("not a workbook")
    _refused(fresh, bad, "model.xlsx is not an Excel workbook (.xlsx)")


def test_dropping_a_scored_criterion_with_scores_is_refused(workbook: Path,
                                                            demo_tender: Path) -> None:
    book = load_workbook(workbook)
    book["L1"].delete_rows(8)  # Q4 of lot 1, which has scores
    book["L1"]["E5"] = 50  # keep group Q adding up to 100 (30 + 25 + 25 → 50 + 25 + 25)
    book.save(workbook)
    with TenderFile.open(demo_tender) as tf:
        with pytest.raises(InterchangeError, match=r"sheet 'L1': lot L1 has .* on Q4"):
            import_model(tf, workbook)
        assert tf.load().lot("L1").criterion("Q4") is not None


def test_import_refused_while_sealed(workbook: Path, small_tender: Path) -> None:
    with TenderFile.open(small_tender) as tf:
        seal(tf)
        with pytest.raises(ReadOnlyError, match="sealed"):
            import_model(tf, workbook)


def test_groups_inside_each_other(workbook: Path, fresh: Path) -> None:
    book = load_workbook(workbook)
    book["L1"]["B4"], book["L1"]["B10"] = "SV", "Q"  # Quality inside Social value and back
    book.save(workbook)
    _refused(fresh, workbook, "sheet 'L1', row 4, column B (Parent): Q ends up inside itself "
                              "(the parents loop)")


def test_command_line_export_and_import(demo_tender: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from workbench import cli

    out = tmp_path / "m.xlsx"
    assert cli.main(["model-xlsx", str(demo_tender), "-o", str(out)]) == 0
    assert cli.main(["import-model-xlsx", str(demo_tender), str(out)]) == 0
    assert "imported 2 lot model(s) and 1 scale(s)" in capsys.readouterr().out
    _edit(out, "L1", "E5", "thirty")
    assert cli.main(["import-model-xlsx", str(demo_tender), str(out)]) == 1
    assert capsys.readouterr().err == ("workbench-cli: sheet 'L1', row 5, column E (Weight (%)): "
                                       "'thirty' is not a number\n")


@pytest.mark.parametrize(("cell", "value", "message"), [
    ("A6", "Q1", "sheet 'L1', row 6, column A (Code): the code Q1 is already used on row 5"),
    ("H5", None, "sheet 'L1', row 5, column H (Scale): a scored criterion needs a scale"),
    ("D5", "points", "sheet 'L1', row 5, column D (Type): 'points' must be one of group, "
                     "scored, pass/fail, price or quantitative"),
    ("E13", 5, "sheet 'L1', row 13, column E (Weight (%)): a pass/fail gateway carries no "
               "weight; leave it empty"),
])
def test_other_bad_cells(workbook: Path, fresh: Path, cell: str, value: object,
                         message: str) -> None:
    _edit(workbook, "L1", cell, value)
    _refused(fresh, workbook, message)
