"""Every bad return the issue lists gets a clear message naming where, and changes nothing:
the lead file's tables and audit trail are exactly as before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.core.test_packs_support import (
    fill_tender_pack,
    fill_workbook,
    new_tender,
    state,
    unscored,
)

from workbench.domain import TenderData
from workbench.panel.merge import merge_packs, read_pack
from workbench.panel.packs import pack_checksum
from workbench.storage import TenderFile


@pytest.fixture
def sealed(tmp_path: Path, demo_data: TenderData) -> Path:
    return new_tender(tmp_path / "sealed.tender", unscored(demo_data))


def issue(tender: Path, out: Path, fmt: str, evaluators: list[str] | None = None) -> list[Path]:
    from workbench.panel.packs import create_packs
    out.mkdir(exist_ok=True)
    with TenderFile.open(tender, user="lead") as tf:
        return create_packs(tf, out, fmt, evaluators)


def refused(tender: Path, path: Path) -> list[str]:
    """Merge `path`, check it changed nothing, return the problems (one-line each)."""
    before = state(tender)
    with TenderFile.open(tender, user="lead") as tf:
        report = merge_packs(tf, [path])
    assert state(tender) == before
    assert report.refused, "the pack was merged"
    problems = report.results[0].problems
    assert all("\n" not in p for p in problems)
    return problems


def _edit(path: Path, change: Callable[..., None]) -> None:
    wb = load_workbook(path)
    change(wb)
    wb.save(path)


def _cell(sheet: str, cell: str, value: object) -> Callable[..., None]:
    def change(wb) -> None:  # type: ignore[no-untyped-def]
        wb[sheet][cell] = value
    return change


def _delete_row(wb) -> None:  # type: ignore[no-untyped-def]
    wb["Scores"].delete_rows(7)


def _rename(wb) -> None:  # type: ignore[no-untyped-def]
    wb["Scores"].title = "My scores"


def _same_bidder_twice(wb) -> None:  # type: ignore[no-untyped-def]
    ws = wb["Scores"]
    ws.append([c.value for c in ws[3]])


XLSX_CASES = [
    ("score 7", _cell("Scores", "E7", 7),
     "Scores!E7: score 7 is not on the 0–5 scale (choose 0, 1, 2, 3, 4 or 5)"),
    ("text score", _cell("Scores", "E7", "good"),
     "Scores!E7: 'good' is not a score; choose a number from the scale"),
    ("formula score", _cell("Scores", "E7", "=2+2"),
     "Scores!E7: a formula is not allowed in a score cell; type the score"),
    ("empty rationale", _cell("Scores", "F7", None),
     "Scores!F7: no rationale; every score needs the evaluator's reasons"),
    ("short rationale", _cell("Scores", "F7", "Fine."),
     "Scores!F7: the rationale has 5 characters; at least 20 are needed"),
    ("deleted row", _delete_row,
     "Scores: the row for Q2 and Café Connect CIC (row 7 as issued) is missing"),
    ("renamed sheet", _rename, "sheet 'Scores' is missing (renamed or deleted?); the workbook "
                               "has 'Instructions', 'My scores', 'Scale'"),
    ("edited hidden id", _cell("_identity", "B3", "E2"),
     "_identity: the hidden pack identity was edited (its checksum does not match)"),
    ("same bidder twice", _same_bidder_twice,
     "Scores!A47: Q1 for Hartley & Moss Community Health Ltd appears twice (rows 3 and 47)"),
    ("protected cell", _cell("Scores", "D7", "Someone else"),
     "Scores!D7: this protected cell was changed from 'Café Connect CIC' to 'Someone else'"),
    ("final but blank", _cell("Scores", "E9", None),
     "Scores!E9: no score, but the pack is marked final"),
    ("bad final flag", _cell("Instructions", "B12", "Maybe"),
     "Instructions!B12: choose Yes or No"),
]


@pytest.mark.parametrize("change, message", [c[1:] for c in XLSX_CASES],
                         ids=[c[0] for c in XLSX_CASES])
def test_bad_workbook_is_refused_naming_the_cell(sealed: Path, tmp_path: Path,
                                                 change: Callable[..., None],
                                                 message: str) -> None:
    path = issue(sealed, tmp_path / "out", "xlsx", ["E1"])[0]
    fill_workbook(path)
    _edit(path, change)
    problems = refused(sealed, path)
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize("content, message", [
    (lambda raw: raw[: len(raw) // 2], "is damaged or is not an Excel workbook"),
    (lambda raw: b"name,score\nAcme,3\n", "is not a scoring pack"),
    (lambda raw: b"", "is not a scoring pack"),
    (lambda raw: raw[:4] + b"\x00" * (len(raw) - 4), "is damaged or is not an Excel workbook"),
])
def test_damaged_or_foreign_files_are_refused(sealed: Path, tmp_path: Path,
                                              content: Callable[[bytes], bytes],
                                              message: str) -> None:
    path = issue(sealed, tmp_path / "out", "xlsx", ["E1"])[0]
    fill_workbook(path)
    path.write_bytes(content(path.read_bytes()))
    assert any(message in p for p in refused(sealed, path))


def _ods(path: Path) -> None:
    """A real OpenDocument spreadsheet as LibreOffice writes one: `mimetype` first, stored."""
    import zipfile
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")


# The first sector of an Excel 97-2003 file: the OLE2 signature, then its header.
XLS_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00" + \
    b"\x00" * 484


XLS = "an Excel 97-2003 workbook (.xls)"
ODS = "an OpenDocument spreadsheet (.ods)"


@pytest.mark.parametrize("name, write, kind", [
    ("pack.xls", lambda p: p.write_bytes(XLS_BYTES), XLS),
    ("pack.xlsx", lambda p: p.write_bytes(XLS_BYTES), XLS),  # really .xls, renamed
    ("pack.ods", _ods, ODS),
    ("pack.xlsx", _ods, ODS),
    ("pack.csv", lambda p: p.write_bytes(b"Question,Bidder,Score\nQ1,Bidder A,3\n"),
     "a CSV file (.csv)"),
])
def test_a_pack_saved_in_another_spreadsheet_format_gets_one_clear_message(
        sealed: Path, tmp_path: Path, name: str, write: Callable[[Path], None],
        kind: str) -> None:
    path = tmp_path / name
    write(path)
    assert refused(sealed, path) == [
        f"{name} was saved as {kind}: "
        "open it, save it as an Excel Workbook (.xlsx) and merge again"]


def test_truncated_tender_pack_is_refused(sealed: Path, tmp_path: Path) -> None:
    path = issue(sealed, tmp_path / "out", "tender", ["E1"])[0]
    fill_tender_pack(path)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 3])
    assert "damaged" in refused(sealed, path)[0] or "not a tender" in refused(sealed, path)[0]


def test_missing_file_is_refused(sealed: Path, tmp_path: Path) -> None:
    assert refused(sealed, tmp_path / "nowhere.xlsx") == ["nowhere.xlsx: no such file"]


@pytest.mark.parametrize("fmt", ["tender", "xlsx"])
def test_a_pack_from_another_tender_is_refused(sealed: Path, tmp_path: Path, demo_data: TenderData,
                                               fmt: str) -> None:
    other = new_tender(tmp_path / "other.tender", unscored(demo_data))
    path = issue(other, tmp_path / "out", fmt, ["E1"])[0]
    (fill_workbook if fmt == "xlsx" else fill_tender_pack)(path)
    assert refused(sealed, path) == ["this pack belongs to another tender, not NBC-2026-0147"]


def test_a_workbook_claiming_another_evaluator_is_refused(sealed: Path, tmp_path: Path) -> None:
    path = issue(sealed, tmp_path / "out", "xlsx", ["E1"])[0]
    fill_workbook(path)
    pack = read_pack(path)
    forged = pack.identity.__class__(pack.identity.tender_uid, pack.identity.pack_id, "E2",
                                     pack.identity.blind)
    _edit(path, _cell("_identity", "B3", "E2"))  # and a checksum that matches the forgery
    _edit(path, _cell("_identity", "B5", pack_checksum(forged, pack.items)))
    assert refused(sealed, path) == [
        "this pack was issued to Priya Raman (E1), but it says it is for Gareth Llewellyn (E2)"]


def test_a_tender_pack_claiming_another_evaluator_is_refused(sealed: Path,
                                                             tmp_path: Path) -> None:
    path = issue(sealed, tmp_path / "out", "tender", ["E1"])[0]
    fill_tender_pack(path)
    with TenderFile.open(path) as pack:
        pack.set_meta("pack_evaluator", "E3")
    assert refused(sealed, path) == [
        "this pack was issued to Priya Raman (E1), but it says it is for Funmi Adeyemi (E3)"]


def test_a_plain_tender_file_is_not_a_pack(sealed: Path, tmp_path: Path,
                                           demo_tender: Path) -> None:
    assert refused(sealed, demo_tender) == ["demo.tender is a tender file, not a scoring pack"]


def test_a_pack_not_issued_by_this_file_is_refused(sealed: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.tender"
    copy.write_bytes(sealed.read_bytes())
    path = issue(copy, tmp_path / "out", "xlsx", ["E1"])[0]
    fill_workbook(path)
    assert refused(sealed, path) == [
        "this pack was not issued from this tender file (was it issued from a copy?)"]


@pytest.mark.parametrize("column, value, message", [
    ("score", "7", "L1 Q1 (Service model and mobilisation), Café Connect CIC: score 7 is not on "
                   "the 0–5 scale"),
    ("rationale", "  ", "L1 Q1 (Service model and mobilisation), Café Connect CIC: no "
                        "rationale"),
    ("rationale", "Short.", "L1 Q1 (Service model and mobilisation), Café Connect CIC: the "
                            "rationale has 6 characters; at least 20 are needed"),
])
def test_bad_scores_in_a_tender_pack_are_named_by_question_and_bidder(
        sealed: Path, tmp_path: Path, column: str, value: str, message: str) -> None:
    path = issue(sealed, tmp_path / "out", "tender", ["E1"])[0]
    fill_tender_pack(path)
    with TenderFile.open(path) as pack, pack.action("A pack written by a faulty tool"):
        pack.update("scores", {"lot_id": "L1", "evaluator_id": "E1", "bidder_id": "B1",
                               "criterion_id": "Q1"}, **{column: value})
    problems = refused(sealed, path)
    assert any(p.startswith(message) for p in problems), problems


def test_one_bad_pack_does_not_stop_the_good_ones(sealed: Path, tmp_path: Path) -> None:
    good, bad = issue(sealed, tmp_path / "out", "xlsx", ["E1", "E2"])
    fill_workbook(good)
    fill_workbook(bad, score=9)
    with TenderFile.open(sealed) as tf:
        report = merge_packs(tf, [good, bad])
    assert report.results[0].merged and report.results[0].added == 45
    assert not report.results[1].merged
    assert len(report.results[1].problems) == 35  # every cell named, not just the first
    assert report.results[1].problem_lines()[0].startswith(f"{bad.name}: Scores!E2: score 9")
    tables, _ = state(sealed)
    assert {r["evaluator_id"] for r in tables["scores"]} == {"E1"}


def test_a_forged_workbook_with_a_matching_hidden_checksum_is_still_refused(
        sealed: Path, tmp_path: Path) -> None:
    path = issue(sealed, tmp_path / "out", "xlsx", ["E1"])[0]
    fill_workbook(path)
    pack = read_pack(path)

    def drop_last_row_everywhere(wb) -> None:  # type: ignore[no-untyped-def]
        wb["Scores"].delete_rows(wb["Scores"].max_row)
        wb["_identity"].delete_rows(wb["_identity"].max_row)
        wb["_identity"]["B5"] = pack_checksum(pack.identity, pack.items[:-1])

    _edit(path, drop_last_row_everywhere)
    assert refused(sealed, path) == [
        "its questions or bidders are not those issued (the pack was altered); ask the "
        "evaluator to copy their scores into a new pack"]
