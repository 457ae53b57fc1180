"""Every hostile number and name the adversarial review found, at every door (interchange
JSON, workbook scoring packs, model workbooks): each gets a named one-line refusal quoting at
most a short excerpt, never the catch-all and never a value read wrongly."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from workbench.cli import main
from workbench.resources import read_text

#: Longest refusal a user should ever have to read.
SHORT = 400


def refusal(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run the CLI, expecting a named one-line refusal; return it."""
    capsys.readouterr()
    assert main(argv) == 1
    out = capsys.readouterr()
    lines = out.err.strip().splitlines()
    assert len(lines) == 1, out.err[:2000]
    assert "unexpected error" not in lines[0], lines[0]
    assert len(lines[0]) < SHORT, lines[0][:SHORT]
    return lines[0]


def small() -> dict[str, Any]:
    return json.loads((Path(__file__).parents[1] / "fixtures" / "small.json").read_text())


def demo() -> dict[str, Any]:
    return json.loads(read_text("demo", "demo.json"))


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = d
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value
    return change


def _unassigned(d: dict[str, Any]) -> None:
    d["evaluators"].append({"id": "E2", "name": "Mallory", "role": "x",
                            "conflict": {"status": "none", "declared_on": "2026-11-01"}})
    d["lots"][0]["scores"].append({"evaluator": "E2", "bidder": "B1", "criterion": "Q1",
                                   "score": 5, "rationale": "not mine to score"})


JSON_CASES = [
    ("negative price", _set("lots.0.bidders.0.price", -100), "'price' must be 0 or more"),
    ("negative figure", _set("lots.0.bidders.0.values.SV", -5), "'SV' must be 0 or more"),
    ("social value minimum -5", _set("tender.social_value_minimum_weight", -5),
     "'social_value_minimum_weight' must be 0 or more"),
    ("social value minimum 500", _set("tender.social_value_minimum_weight", 500),
     "'social_value_minimum_weight' must be at most 100"),
    ("weight 150", _set("lots.0.criteria.1.weight", 150), "'weight' must be at most 100"),
    ("unassigned evaluator", _unassigned, "evaluator 'E2' is not assigned criterion 'Q1'"),
    ("lot id with a newline", _set("lots.0.id", "L1\nL2"), "control character or a line break"),
    ("terminal escape in an id", _set("evaluators.0.id", "E1\x1b[2J"), "control character"),
    ("lone surrogate", _set("lots.0.bidders.0.name", "Acme \ud800"), "lone surrogate"),
]


@pytest.mark.parametrize("change, expected", [c[1:] for c in JSON_CASES],
                         ids=[c[0] for c in JSON_CASES])
def test_json_values_are_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         change: Callable[[dict[str, Any]], None],
                                         expected: str) -> None:
    data = small()
    change(data)
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    message = refusal(tmp_path, capsys, ["import", str(source), str(tmp_path / "out.tender")])
    assert expected in message
    assert not (tmp_path / "out.tender").exists()


RAW_CASES = [
    ("1E+99999999 price", '"price": 1E+99999999', "too large"),
    ("5,000-digit integer", '"price": ' + "9" * 5000, "a number with 5,000 digits"),
    ("100 MB number", '"price": ' + "1" * 10_000_000, "a number with 10,000,000 digits"),
    ("NaN", '"price": NaN', "'NaN' is not a number"),
    ("16 significant digits", '"price": 1234567.890123456', "more than 15 significant"),
    ("10 MB key", '"' + "k" * 10_000_000 + '": 1, "price": 5', "unknown key 'kkkk"),
]


@pytest.mark.parametrize("replacement, expected", [c[1:] for c in RAW_CASES],
                         ids=[c[0] for c in RAW_CASES])
def test_json_text_is_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      replacement: str, expected: str) -> None:
    text = json.dumps(small()).replace('"price": 980000', replacement)
    source = tmp_path / "in.json"
    source.write_text(text, encoding="utf-8")
    message = refusal(tmp_path, capsys, ["import", str(source), str(tmp_path / "out.tender")])
    assert expected in message


def test_deep_nesting_is_refused_by_name(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "deep.json"
    source.write_text('{"format": "workbench-tender/1", "tender": ' + "[" * 100_000
                      + "]" * 100_000 + "}", encoding="utf-8")
    assert "nested too deeply" in refusal(tmp_path, capsys, ["import", str(source),
                                                             str(tmp_path / "o.tender")])


def test_deep_criteria_tree_is_refused_by_name(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    data = small()
    node: dict[str, Any] = {"id": "X0", "title": "deep", "weight": 100, "type": "scored",
                            "scale": "0-5"}
    for depth in range(1, 15):
        node = {"id": f"X{depth}", "title": "deep", "weight": 100, "children": [node]}
    node["weight"] = 60
    data["lots"][0]["criteria"][0] = node
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    assert "nested more than 10 deep" in refusal(tmp_path, capsys, [
        "import", str(source), str(tmp_path / "o.tender")])


def test_locked_status_on_provisional_results_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = demo()
    data["tender"]["status"] = "locked"  # the demo's lot 2 is only part-moderated
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    message = refusal(tmp_path, capsys, ["import", str(source), str(tmp_path / "o.tender")])
    assert "status 'locked' is refused" in message and "provisional" in message


@pytest.mark.parametrize("typed", ["３", "1_0", "1E+99999999", "٣", "9" * 1_000_000],
                         ids=["full-width", "underscore", "huge", "arabic-indic", "1 MB"])
def test_workbook_pack_scores_are_plain_ascii_numbers(tmp_path: Path, demo_tender: Path,
                                                      typed: str) -> None:
    from tests.core.test_merge_bad_input import issue, refused
    from tests.core.test_packs_support import new_tender, unscored

    from workbench.storage import TenderFile
    with TenderFile.open(demo_tender, read_only=True) as tf:
        sealed = new_tender(tmp_path / "sealed.tender", unscored(tf.load()))
    pack = issue(sealed, tmp_path / "packs", "xlsx")[0]
    book = load_workbook(pack)
    book["Scores"]["E2"] = typed
    book.save(pack)
    problems = refused(sealed, pack)
    assert any(p.startswith("Scores!E2:") and "is not a score" in p for p in problems)
    assert all(len(p) < SHORT for p in problems)


# -- model workbooks ---------------------------------------------------------------------------


def model_workbook(tender: Path, tmp_path: Path) -> Path:
    out = tmp_path / "model.xlsx"
    assert main(["model-xlsx", str(tender), "-o", str(out)]) == 0
    return out


def _rewrite(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            archive.writestr(info, change(data) if info.filename == member else data)


def test_model_workbook_with_malformed_xml_is_refused_by_name(
        small_tender: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = model_workbook(small_tender, tmp_path)
    _rewrite(book, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    message = refusal(tmp_path, capsys, ["import-model-xlsx", str(small_tender), str(book)])
    assert "the XML inside the workbook is malformed" in message


def test_model_workbook_with_an_entity_bomb_is_refused(
        small_tender: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = model_workbook(small_tender, tmp_path)
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    _rewrite(book, "xl/worksheets/sheet1.xml",
             lambda xml: bomb + xml.replace(b"<t>Lot</t>", b"<t>&b;</t>", 1))
    message = refusal(tmp_path, capsys, ["import-model-xlsx", str(small_tender), str(book)])
    assert "model.xlsx" in message


def test_model_workbook_with_a_million_rows_is_refused_by_a_limit(
        small_tender: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = model_workbook(small_tender, tmp_path)
    rows = b"".join(b'<row r="%d"/>' % n for n in range(10, 1_000_010))
    _rewrite(book, "xl/worksheets/sheet1.xml",
             lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>"))
    assert book.stat().st_size < 3_000_000
    message = refusal(tmp_path, capsys, ["import-model-xlsx", str(small_tender), str(book)])
    assert "more than 10,000 rows" in message


@pytest.mark.parametrize("typed, expected", [
    ("1E+99999999", "too large"), ("３0", "is not a number"), ("1_0", "is not a number"),
    ("-20", "below the lowest allowed")])
def test_model_workbook_weights_are_plain_bounded_numbers(
        small_tender: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], typed: str,
        expected: str) -> None:
    book = model_workbook(small_tender, tmp_path)
    wb = load_workbook(book)
    wb["L1"]["E4"] = typed
    wb.save(book)
    message = refusal(tmp_path, capsys, ["import-model-xlsx", str(small_tender), str(book)])
    assert "column E (Weight (%))" in message and expected in message
