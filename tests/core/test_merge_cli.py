"""`workbench-cli packs` and `merge`: a summary line per pack, one line per problem, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.core.test_packs_support import fill_workbook, new_tender, state, unscored

from workbench.cli import main
from workbench.domain import TenderData


def test_packs_then_merge_from_the_command_line(tmp_path: Path, demo_data: TenderData,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    tender = new_tender(tmp_path / "t.tender", unscored(demo_data))
    out = tmp_path / "packs"
    out.mkdir()
    assert main(["packs", str(tender), "-o", str(out), "--format", "xlsx"]) == 0
    written = sorted(out.iterdir())
    assert len(written) == 3
    assert capsys.readouterr().out.count("wrote ") == 3
    for path in written:
        fill_workbook(path)
    assert main(["merge", str(tender), *map(str, written)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"Funmi Adeyemi ({written[0].name}): 45 added, 0 changed, 0 unchanged, "
        "2 conflict declaration(s); final",
        f"Gareth Llewellyn ({written[1].name}): 35 added, 0 changed, 0 unchanged, "
        "2 conflict declaration(s); final",
        f"Priya Raman ({written[2].name}): 45 added, 0 changed, 0 unchanged, "
        "2 conflict declaration(s); final",
    ]


def test_merge_prints_each_problem_and_exits_1(tmp_path: Path, demo_data: TenderData,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    tender = new_tender(tmp_path / "t.tender", unscored(demo_data))
    out = tmp_path / "packs"
    out.mkdir()
    main(["packs", str(tender), "-o", str(out), "--format", "xlsx"])
    path = sorted(out.iterdir())[0]
    fill_workbook(path)
    wb = load_workbook(path)
    wb["Scores"]["E2"] = 7
    wb["Scores"]["E3"] = "=1+1"
    wb.save(path)
    capsys.readouterr()
    before = state(tender)
    assert main(["merge", str(tender), str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.strip().endswith("refused, 2 problem(s); nothing was merged")
    assert captured.err.splitlines() == [
        f"{path.name}: Scores!E3: a formula is not allowed in a score cell; type the score",
        f"{path.name}: Scores!E2: score 7 is not on the 0–5 scale (choose 0, 1, 2, 3, 4 or 5)",
    ]
    assert state(tender) == before


def test_merge_after_moderation_needs_the_flag(tmp_path: Path, demo_tender: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "packs"
    out.mkdir()
    assert main(["packs", str(demo_tender), "-o", str(out), "--format", "xlsx"]) == 1
    assert "seal it first" in capsys.readouterr().err
    assert main(["seal", str(demo_tender)]) == 0
    assert main(["packs", str(demo_tender), "-o", str(out), "--format", "xlsx"]) == 0
    path = sorted(out.iterdir())[0]
    fill_workbook(path, score=1)
    capsys.readouterr()
    assert main(["merge", str(demo_tender), str(path)]) == 1
    assert capsys.readouterr().err.strip().endswith("(use --after-moderation)")
    assert main(["merge", str(demo_tender), str(path), "--after-moderation"]) == 0


def test_user_errors_are_one_line(tmp_path: Path, demo_tender: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    assert main(["packs", str(demo_tender), "-o", str(blocker)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"workbench-cli: cannot make folder {blocker}: File exists")
    with pytest.raises(SystemExit) as usage:
        main(["packs", str(demo_tender), "-o", str(tmp_path), "--format", "pdf"])
    assert usage.value.code == 2
