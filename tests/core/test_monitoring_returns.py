"""Supplier monitoring returns round trip on real workbooks: issued, filled (by openpyxl, and
by LibreOffice when installed), merged whole or not at all, named by cell, idempotent."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench import monitoring
from workbench.cli import main
from workbench.demo import create_demo
from workbench.errors import InterchangeError
from workbench.monitoring.returns import IDENTITY, RETURN, create_return, merge_return
from workbench.storage import TenderFile

SUPPLIER = "B4"
#: What the supplier reports for 2027-Q4, row by row (SV1.1, SV1.2, SV1.3, SV2.1).
FILLED = {2: (1, "Third apprentice started in November.", "College enrolment letter"),
          3: (5.5, "Christmas event catering bought in the borough.", "Spend analysis Q4"),
          4: (38, "Food bank shifts in December.", "Volunteering log"),
          5: (4, "One post refilled locally in October; one still vacant.", "Payroll extract")}


@pytest.fixture
def tf(tmp_path: Path) -> Iterator[TenderFile]:
    with create_demo(tmp_path / "demo.tender", user="lead") as tf:
        yield tf


@pytest.fixture
def issued(tf: TenderFile, tmp_path: Path) -> Path:
    path = tmp_path / "NBC return 2027-Q4.xlsx"
    create_return(tf, "L1", "2027-Q4", path)
    return path


def _fill(path: Path, rows: dict[int, tuple[object, str, str]] = FILLED) -> Path:
    wb = load_workbook(path)
    ws = wb[RETURN]
    for row, values in rows.items():
        for column, value in zip("EFG", values, strict=True):
            ws[f"{column}{row}"] = value
    wb.save(path)
    return path


def _q4(tf: TenderFile) -> dict[str, Decimal]:
    return {r["commitment_id"]: Decimal(r["delivered"])
            for r in tf.rows("deliveries", "period = ?", ["2027-Q4"])}


def test_the_issued_return_is_protected_and_holds_one_row_per_commitment(
        tf: TenderFile, issued: Path) -> None:
    wb = load_workbook(issued)
    ws = wb[RETURN]
    assert [ws[f"A{r}"].value for r in range(2, 6)] == ["SV1.1", "SV1.2", "SV1.3", "SV2.1"]
    assert ws["C3"].value == "6% held each period"
    assert ws.protection.sheet and wb[IDENTITY].sheet_state == "veryHidden"
    assert not ws["E2"].protection.locked and ws["B2"].protection.locked
    assert [r["period"] for r in tf.rows("monitoring_returns")] == ["2027-Q4"]


def test_a_filled_return_merges_once_and_again_changes_nothing(tf: TenderFile,
                                                              issued: Path) -> None:
    assert merge_return(tf, _fill(issued)) == 4
    assert _q4(tf) == {"SV1.1": 1, "SV1.2": Decimal("5.5"), "SV1.3": 38, "SV2.1": 4}
    [row] = tf.rows("deliveries", "period = ? AND commitment_id = ?", ["2027-Q4", "SV2.1"])
    assert row["narrative"].startswith("One post refilled") and row["evidence"] == \
        "Payroll extract"
    trail = tf.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    assert merge_return(tf, issued) == 0
    assert tf.db.execute("SELECT count(*) FROM audit").fetchone()[0] == trail
    lot = monitoring.monitor_lot(monitoring.ledger(tf), "L1")
    assert lot.periods[-1] == "2027-Q4"


@pytest.mark.parametrize(("change", "message"), [
    ({2: ("lots", "x", "y")}, "Return!E2: the delivered figure must be a number"),
    ({3: (140, "x", "spend")}, "Return!E3: the delivered figure is a percentage"),
    ({5: (4, "refilled", "")}, "Return!G5: say what evidence was seen"),
    ({4: ("=1+1", "x", "log")}, "Return!E4: a formula is not allowed"),
])
def test_a_bad_cell_is_named_and_nothing_is_merged(tf: TenderFile, issued: Path,
                                                   change: dict[int, tuple[object, str, str]],
                                                   message: str) -> None:
    _fill(issued, {**FILLED, **change})
    with pytest.raises(InterchangeError, match=message):
        merge_return(tf, issued)
    assert _q4(tf) == {}


def test_a_changed_protected_cell_or_identity_is_refused(tf: TenderFile, issued: Path,
                                                          tmp_path: Path) -> None:
    wb = load_workbook(_fill(issued))
    wb[RETURN]["B3"] = "Spend anywhere"
    wb.save(tmp_path / "edited.xlsx")
    with pytest.raises(InterchangeError, match=r"Return!B3: this protected cell was changed"):
        merge_return(tf, tmp_path / "edited.xlsx")
    wb = load_workbook(issued)
    wb[IDENTITY]["B5"] = "2028-Q1"
    wb.save(tmp_path / "forged.xlsx")
    with pytest.raises(InterchangeError, match="identity was edited"):
        merge_return(tf, tmp_path / "forged.xlsx")
    assert _q4(tf) == {}


def test_a_return_from_another_tender_or_not_issued_is_refused(tf: TenderFile, issued: Path,
                                                               tmp_path: Path) -> None:
    with create_demo(tmp_path / "other.tender") as other:
        with pytest.raises(InterchangeError, match="another tender file"):
            merge_return(other, _fill(issued))
    (tmp_path / "junk.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InterchangeError, match="damaged or is not an Excel workbook"):
        merge_return(tf, tmp_path / "junk.xlsx")


def test_the_command_line_issues_and_merges(tf: TenderFile, tmp_path: Path, capsys) -> None:
    path = tf.path
    tf.close()
    out = tmp_path / "q4.xlsx"
    assert main(["return", str(path), "--lot", "L1", "--period", "2027-Q4", "-o",
                 str(out)]) == 0
    _fill(out)
    assert main(["merge-return", str(path), str(out)]) == 0
    assert "4 deliveries recorded" in capsys.readouterr().out
    assert main(["merge-return", str(path), str(out)]) == 0
    assert "nothing new" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_return_filled_and_saved_by_libreoffice_merges(tf: TenderFile, issued: Path,
                                                         tmp_path: Path) -> None:
    """The supplier's spreadsheet program rewrites the whole file: it must still merge."""
    _fill(issued)
    saved = tmp_path / "saved"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(saved), str(issued)],
                   check=True, capture_output=True, timeout=180)
    [again] = saved.iterdir()
    assert merge_return(tf, again) == 4
    assert _q4(tf)["SV1.2"] == Decimal("5.5")
