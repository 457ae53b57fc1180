"""Fuzzing every door a file from outside comes in: interchange JSON, model workbooks, workbook
scoring packs and `.tender` packs. Whatever the content, the answer is the data or a named
refusal (a WorkbenchError, one line, short): never another exception, never a hang.

Fixed seed, bounded: about 30 s in the default run. For a longer campaign set
WORKBENCH_FUZZ=10 (ten times the examples; any whole number) or run `-m slow`.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from tests.core.test_merge_bad_input import issue
from tests.core.test_packs_support import new_tender, unscored

from workbench.domain import TenderData
from workbench.errors import WorkbenchError
from workbench.exchange import interchange
from workbench.model.model_xlsx import export_model, read_model
from workbench.panel.merge import merge_packs
from workbench.storage import TenderFile

SCALE = int(os.environ.get("WORKBENCH_FUZZ", "1"))


def fuzz(examples: int) -> Any:
    """Hypothesis settings: derandomized (the same cases every run), no deadline."""
    return settings(max_examples=examples * SCALE, derandomize=True, deadline=None,
                    database=None, suppress_health_check=list(HealthCheck),
                    phases=[Phase.explicit, Phase.generate])  # shrinking can take minutes


def one_line(message: str) -> None:
    assert "\n" not in message and len(message) < 2_000, message[:300]


# -- what an attacker types -------------------------------------------------------------------

NASTY_TEXT = ["=HYPERLINK(\"http://x\")", "=cmd|' /C calc'!A0", "\x00", "\x1b[2J", "\ud800",
              "\udfff x", "３", "1_0", "1E+99999999", "-0", "NaN", "Infinity", "\u202e",
              "W" * 5000, "", " ", "\n", "L1\nL2", "٣", "0x10", "1e-400", "9" * 400]
texts = st.one_of(st.text(max_size=40), st.sampled_from(NASTY_TEXT),
                  st.text(st.characters(codec=None, exclude_categories=()), max_size=8))
numbers = st.one_of(st.integers(min_value=-(10**30), max_value=10**30),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from([10**400, -1, 0, 101, 1e300, 0.1 + 0.2]))
scalars = st.one_of(st.none(), st.booleans(), texts, numbers)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)), max_leaves=6)


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [path] + [p for k, v in node.items() for p in _leaves(v, (*path, k))]
    if isinstance(node, list):
        return [path] + [p for i, v in enumerate(node) for p in _leaves(v, (*path, i))]
    return [path]


def _replace(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    node = root
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return root


# -- interchange JSON ---------------------------------------------------------------------------


@fuzz(200)
@given(data=st.data())
def test_json_import_gives_the_data_or_a_named_refusal(small_json: str, data: st.DataObject
                                                       ) -> None:
    root = json.loads(small_json)
    for _ in range(data.draw(st.integers(1, 3), label="changes")):
        paths = _leaves(root)
        path = data.draw(st.sampled_from(paths), label="where")
        root = _replace(root, path, data.draw(values, label="value"))
    text = json.dumps(root)
    try:
        loaded = interchange.loads(text)
    except WorkbenchError as exc:
        one_line(str(exc))
        return
    interchange.loads(interchange.dumps(loaded))  # what was accepted writes and reads back


@fuzz(200)
@given(cuts=st.lists(st.tuples(st.integers(0, 5000), st.text(max_size=3)), max_size=4))
def test_damaged_json_text_gives_a_named_refusal(small_json: str,
                                                 cuts: list[tuple[int, str]]) -> None:
    text = small_json
    for at, insert in cuts:
        at %= max(len(text), 1)
        text = text[:at] + insert + text[at + 1:]
    try:
        interchange.loads(text)
    except WorkbenchError as exc:
        one_line(str(exc))


# -- model workbooks ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = interchange.loads((Path(__file__).parents[1] / "fixtures" / "small.json")
                             .read_text(encoding="utf-8"))
    path = tmp_path_factory.mktemp("model") / "model.xlsx"
    export_model(data, path)
    return path


cells = st.tuples(st.sampled_from(["L1", "Scales"]), st.integers(1, 12), st.integers(1, 18),
                  st.one_of(texts, numbers, st.none()))


@fuzz(60)
@given(changes=st.lists(cells, min_size=1, max_size=4))
def test_model_workbook_gives_the_model_or_a_named_refusal(
        model_book: Path, tmp_path_factory: pytest.TempPathFactory,
        changes: list[tuple[str, int, int, Any]]) -> None:
    book = load_workbook(model_book)
    for sheet, row, column, value in changes:
        book[sheet].cell(row, column).value = _cell_value(value)
    path = tmp_path_factory.mktemp("fuzzed") / "model.xlsx"
    book.save(path)
    try:
        read_model(path, [])
    except WorkbenchError as exc:
        one_line(str(exc))


def _cell_value(value: Any) -> Any:
    """What a cell can hold (openpyxl refuses control characters and huge ints itself)."""
    if isinstance(value, str):
        return "".join(c for c in value if c >= " " and not 0xD800 <= ord(c) <= 0xDFFF)
    if isinstance(value, int) and abs(value) > 10**300:
        return str(value)[:50]
    return value


# -- scoring packs ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from workbench.resources import read_text
    folder = tmp_path_factory.mktemp("issued")
    data: TenderData = interchange.loads(read_text("demo", "demo.json"))
    lead = new_tender(folder / "lead.tender", unscored(data))
    out = {"lead": lead}
    for fmt in ("xlsx", "tender"):
        out[fmt] = issue(lead, folder / fmt, fmt, ["E1"])[0]
    return out


def merge_copy(issued: dict[str, Path], pack: Path, folder: Path) -> None:
    """Merge `pack` into a fresh copy of the lead's file: merged, or refused one line each."""
    lead = folder / "lead.tender"
    shutil.copyfile(issued["lead"], lead)
    with TenderFile.open(lead, user="lead") as tf:
        report = merge_packs(tf, [pack])
    for result in report.results:
        for line in result.problem_lines():
            one_line(line)


score_cells = st.tuples(st.sampled_from(["A", "B", "D", "E", "E", "E", "F", "F"]),
                        st.integers(1, 40), st.one_of(texts, numbers, st.none()))


@fuzz(20)
@given(changes=st.lists(score_cells, min_size=1, max_size=4), final=st.sampled_from(
    ["Yes", "No", "maybe", None]))
def test_workbook_pack_merges_or_is_refused_by_name(
        issued: dict[str, Path], tmp_path_factory: pytest.TempPathFactory,
        changes: list[tuple[str, int, Any]], final: str | None) -> None:
    folder = tmp_path_factory.mktemp("xlsx")
    book = load_workbook(issued["xlsx"])
    for column, row, value in changes:
        book["Scores"][f"{column}{row}"] = _cell_value(value)
    book["Instructions"]["B12"] = final
    path = folder / issued["xlsx"].name
    book.save(path)
    merge_copy(issued, path, folder)


TAMPERING = [
    "UPDATE scores SET score = ?", "UPDATE scores SET rationale = ?",
    "UPDATE bidders SET name = ?", "UPDATE meta SET value = ? WHERE key = 'pack_evaluator'",
    "INSERT INTO scores SELECT lot_id, evaluator_id, ?, criterion_id, score, rationale, status, "
    "entered_by, updated_at FROM scores LIMIT 1",
    "UPDATE criteria SET title = ?", "UPDATE scores SET score = CAST(? AS BLOB)",
]


@fuzz(40)
@given(changes=st.lists(st.tuples(st.sampled_from(TAMPERING), st.one_of(texts, numbers)),
                        max_size=3),
       flips=st.lists(st.tuples(st.integers(0, 400_000), st.integers(0, 255)), max_size=2))
def test_tender_pack_merges_or_is_refused_by_name(
        issued: dict[str, Path], tmp_path_factory: pytest.TempPathFactory,
        changes: list[tuple[str, Any]], flips: list[tuple[int, int]]) -> None:
    folder = tmp_path_factory.mktemp("tender")
    path = folder / issued["tender"].name
    shutil.copyfile(issued["tender"], path)
    with sqlite3.connect(path) as conn:
        for statement, value in changes:
            try:
                conn.execute(statement, [_sql_value(value)])
            except sqlite3.Error:
                pass  # a change SQLite itself refuses is not a pack anyone can make
    conn.close()
    if flips:
        raw = bytearray(path.read_bytes())
        for at, byte in flips:
            raw[at % len(raw)] = byte
        path.write_bytes(bytes(raw))
    merge_copy(issued, path, folder)


def _sql_value(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, int) and abs(value) >= 2**63:
        return str(value)
    return value


@pytest.mark.slow
def test_a_longer_campaign_is_one_setting_away() -> None:
    """`-m slow` runs the suite again with WORKBENCH_FUZZ=10 in a child process."""
    import subprocess
    import sys
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          __file__, "-m", "not slow"],
                         env={**os.environ, "WORKBENCH_FUZZ": "10"},
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:]
