"""Crafted scoring packs: a FIFO, a 3 GiB sparse file, a planted trigger or generated column,
a binary score, 200,000 stray rows, a workbook that expands past the limit. Each is refused
with a short message before anything of it is read, and the lead's file is unchanged."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.core.test_merge_bad_input import issue, refused
from tests.core.test_packs_support import fill_tender_pack, new_tender, unscored

from workbench import untrusted
from workbench.domain import TenderData
from workbench.panel.merge import PackResult


@pytest.fixture
def sealed(tmp_path: Path, demo_data: TenderData) -> Path:
    return new_tender(tmp_path / "sealed.tender", unscored(demo_data))


@pytest.fixture
def pack(sealed: Path, tmp_path: Path) -> Path:
    path = issue(sealed, tmp_path / "packs", "tender")[0]
    fill_tender_pack(path)
    return path


def tamper(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def merge_cli(tender: Path, pack: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`workbench-cli merge` in its own process, as a user runs it (a hang fails, not waits)."""
    return subprocess.run([sys.executable, "-m", "workbench.cli", "merge", str(tender),
                           str(pack)], capture_output=True, text=True, timeout=timeout)


def test_a_planted_trigger_is_refused_before_any_row_is_read(sealed: Path, pack: Path) -> None:
    tamper(pack, "CREATE TRIGGER fix AFTER INSERT ON scores BEGIN "
                 "UPDATE scores SET score = '5'; END")
    assert refused(sealed, pack) == [
        f"{pack.name} has an unexpected trigger 'fix': it was not written by the workbench "
        "(or was altered); nothing was read"]


def test_a_generated_column_is_refused_before_any_row_is_read(sealed: Path, pack: Path) -> None:
    tamper(pack, "ALTER TABLE scores ADD COLUMN boom TEXT GENERATED ALWAYS AS "
                 "(zeroblob(1000000000)) VIRTUAL")
    assert refused(sealed, pack) == [
        f"{pack.name} has a changed table 'scores': it was not written by the workbench "
        "(or was altered); nothing was read"]


def test_a_view_or_extra_table_is_refused(sealed: Path, pack: Path) -> None:
    tamper(pack, "CREATE VIEW peek AS SELECT * FROM scores")
    assert "has an unexpected view 'peek'" in refused(sealed, pack)[0]


def test_a_binary_score_gets_a_named_refusal(sealed: Path, pack: Path) -> None:
    tamper(pack, "UPDATE scores SET score = x'00ff' WHERE rowid = (SELECT min(rowid) FROM "
                 "scores)")
    assert refused(sealed, pack) == [
        f"{pack.name}: 1 row(s) of scores hold binary data where the workbench writes text or "
        "numbers; nothing was read"]


@pytest.mark.parametrize("stored", ["３", "1_0", "1E+99999999"])
def test_a_score_that_is_not_a_plain_number_is_refused(sealed: Path, pack: Path,
                                                       stored: str) -> None:
    tamper(pack, f"UPDATE scores SET score = '{stored}'")
    problem = refused(sealed, pack)[0]
    assert problem.startswith(f"{pack.name}: a score ") and "nothing was read" in problem


def test_200000_stray_rows_give_one_line_with_a_count(sealed: Path, pack: Path) -> None:
    with sqlite3.connect(pack) as conn:
        row = conn.execute("SELECT * FROM scores LIMIT 1").fetchone()
        columns = [d[0] for d in conn.execute("SELECT * FROM scores LIMIT 1").description]
        at = columns.index("bidder_id")
        conn.executemany(f"INSERT INTO scores VALUES ({', '.join('?' * len(columns))})",
                         ([*row[:at], f"X{n}", *row[at + 1:]] for n in range(200_000)))
    conn.close()
    run = merge_cli(sealed, pack)
    assert run.returncode == 1
    lines = run.stderr.splitlines()
    assert len(lines) <= 3, lines[:5]
    assert any("200,000 score(s) this pack did not ask for" in line for line in lines)


def test_problem_lines_are_capped() -> None:
    result = PackResult(Path("p.xlsx"), problems=[f"Scores!E{n}: bad" for n in range(5000)])
    lines = result.problem_lines()
    assert len(lines) == 21 and lines[-1] == "p.xlsx: … and 4,980 more problems"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_waiting(sealed: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pack.tender"
    os.mkfifo(fifo)
    run = merge_cli(sealed, fifo, timeout=30)
    assert run.returncode == 1
    assert "pack.tender is a pipe (FIFO), not a file; nothing was read" in run.stderr


def test_a_3_gib_sparse_pack_is_refused_by_its_size_before_copying(sealed: Path,
                                                                   tmp_path: Path) -> None:
    huge = tmp_path / "huge.tender"
    with open(huge, "wb") as handle:
        handle.write(b"SQLite format 3\x00")
        handle.truncate(3 * 2**30)
    started = time.monotonic()
    problems = refused(sealed, huge)
    assert time.monotonic() - started < 5
    assert problems == ["huge.tender is 3,072 MB, larger than any scoring pack (256 MB at "
                        "most); nothing was read"]


def test_a_workbook_expanding_past_the_limit_is_refused_before_parsing(
        sealed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = issue(sealed, tmp_path / "packs", "xlsx")[0]
    # A real bomb needs 256 MB of XML; the limit is what is under test.
    monkeypatch.setattr(untrusted, "MAX_WORKBOOK_XML", 10_000)
    problems = refused(sealed, book)
    assert "MB of XML, more than any workbook this app reads" in problems[0]


def test_a_folder_named_like_a_pack_is_refused(sealed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pack.xlsx"
    folder.mkdir()
    assert refused(sealed, folder) == ["pack.xlsx is a folder, not a file; nothing was read"]


def test_the_expected_schema_is_this_versions() -> None:
    kinds = {kind for kind, *_ in untrusted.expected_schema()}
    assert {"table", "index", "trigger"} <= kinds
