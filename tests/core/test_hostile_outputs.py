"""What the app writes and prints, under hostile content and a hostile machine: reports with
many lots, long titles, unbreakable words and any Unicode; terminal escapes in names; a full
disk (the file size limit stands in for it, so no root is needed); a kill mid-write."""

from __future__ import annotations

import copy
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.domain import TenderData
from workbench.exchange import interchange
from workbench.model.seal import seal
from workbench.reports.facts import from_data
from workbench.reports.pack import write_pack
from workbench.reports.textflow import MISSING_GLYPH
from workbench.resources import read_text
from workbench.storage import TenderFile

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) is not installed")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def many_lots(data: TenderData, lots: int = 4) -> TenderData:
    first = data.lots[0]
    for n in range(2, lots + 1):
        lot = copy.deepcopy(first)
        lot.id, lot.title = f"L{n}X", f"Lot {n}: " + "Domiciliary care and reablement " * 6
        data.lots.append(lot)
    return data


@needs_pdftotext
def test_pack_with_many_lots_long_titles_and_words_and_any_unicode(
        demo_data: TenderData, tmp_path: Path) -> None:
    data = many_lots(demo_data)
    data.lots[0].title = "T" * 200
    data.lots[0].bidders[0].name = "W" * 1500
    data.evaluators[0].name = "Ana 漢字 🦄 ꙮ 𝔘𝔫𝔦 \x1b[31m"
    data.lots[0].scores[0].rationale = "R" * 1500 + " " + "一" * 800
    out = tmp_path / "pack.pdf"
    pages = write_pack(from_data(data), out)
    text = pdf_text(out)
    assert pages > 20
    assert "Ana " + MISSING_GLYPH * 2 in text  # glyphs DejaVu lacks: a visible placeholder
    assert "WWWWWWWWWWWWWWWWWWWW" in text and "TTTTTTTTTTTTTTTTTTTT" in text
    assert "\x1b" not in text


def test_cli_prints_names_literally_not_as_terminal_commands(
        tmp_path: Path, small_data: TenderData) -> None:
    small_data.lots[0].bidders[0].name = "Acme\x1b]0;owned\x07\x1b[2J\u202eevil"
    path = tmp_path / "escape.tender"
    TenderFile.create(path, small_data, user="tester").close()
    run = subprocess.run([sys.executable, "-m", "workbench.cli", "results", str(path)],
                         capture_output=True, text=True, check=True)
    assert "\x1b" not in run.stdout and "\u202e" not in run.stdout
    assert "Acme\\x1b]0;owned\\x07\\x1b[2J\\u202eevil" in run.stdout


def test_cli_json_stays_valid_json_and_keeps_the_name(tmp_path: Path,
                                                      small_data: TenderData) -> None:
    name = "Acme\x9b31m\x7f\u202e"
    small_data.lots[0].bidders[0].name = name
    path = tmp_path / "escape.tender"
    TenderFile.create(path, small_data, user="tester").close()
    run = subprocess.run([sys.executable, "-m", "workbench.cli", "results", str(path),
                          "--json"], capture_output=True, text=True, check=True)
    assert "\x9b" not in run.stdout and "\u202e" not in run.stdout
    assert json.loads(run.stdout)["lots"][0]["bidders"][0]["name"] == name


# -- a full disk ------------------------------------------------------------------------------


def _small_files(limit: int) -> None:
    """In the child: files may not grow past `limit` bytes (writes fail with EFBIG, as on a
    full disk) and the signal that would otherwise kill the process is ignored."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


#: Above the 32 KiB shared-memory file SQLite needs to open the tender, below every export.
LIMIT = 33_000


@pytest.fixture(scope="module")
def five_lots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tender whose every export is larger than LIMIT: six lots, long questions."""
    data = json.loads(read_text("demo", "demo.json"))
    data["tender"].pop("seal", None)  # the plan changes: more lots
    words = random.Random(1)

    def lengthen(criteria: list[dict[str, object]]) -> None:
        for c in criteria:
            c["question"] = "".join(words.choice("abcdefghij klmnop") for _ in range(1500))
            lengthen(c.get("children", []))  # type: ignore[arg-type]

    lengthen(data["lots"][0]["criteria"])
    for n in range(2, 6):
        lot = copy.deepcopy(data["lots"][0])
        lot["id"] = f"L{n}X"
        data["lots"].append(lot)
    path = tmp_path_factory.mktemp("five") / "five.tender"
    with TenderFile.create(path, interchange.loads(json.dumps(data)), user="tester") as tf:
        seal(tf)  # packs go out only on a sealed plan
    return path


EXPORTS = [
    ("pack", "out.pdf"), ("export-xlsx", "out.xlsx"), ("model-xlsx", "out.xlsx"),
    ("audit", "out.xlsx"), ("audit", "out.csv"), ("export-json", "out.json"),
    ("export-ocds", "out.json"),
]


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="POSIX file size limits only")
@pytest.mark.parametrize("command, name", EXPORTS, ids=[f"{c} {n}" for c, n in EXPORTS])
def test_an_export_on_a_full_disk_says_so_in_one_line_and_keeps_the_old_file(
        five_lots: Path, tmp_path: Path, command: str, name: str) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / name
    target.write_text("the previous export\n")
    run = subprocess.run([sys.executable, "-m", "workbench.cli", command, str(five_lots),
                          "-o", str(target)], capture_output=True, text=True,
                         preexec_fn=lambda: _small_files(LIMIT))
    assert run.returncode == 1
    assert run.stderr.splitlines() == [f"workbench-cli: cannot write {name}: File too large"]
    assert target.read_text() == "the previous export\n"
    assert sorted(p.name for p in out_dir.iterdir()) == [name]  # no part file left


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="POSIX file size limits only")
@pytest.mark.parametrize("fmt", ["tender", "xlsx"])
def test_issuing_packs_on_a_full_disk_leaves_nothing(five_lots: Path, tmp_path: Path,
                                                      fmt: str) -> None:
    tender = tmp_path / "five.tender"
    shutil.copyfile(five_lots, tender)
    out_dir = tmp_path / "packs"
    out_dir.mkdir()
    run = subprocess.run([sys.executable, "-m", "workbench.cli", "packs", str(tender),
                          "-o", str(out_dir), "--format", fmt], capture_output=True,
                         text=True, preexec_fn=lambda: _small_files(LIMIT))
    assert run.returncode == 1
    assert run.stderr.splitlines()[0].startswith("workbench-cli: cannot write "), run.stderr
    assert len(run.stderr.splitlines()) == 1
    assert list(out_dir.iterdir()) == []
    with TenderFile.open(tender, read_only=True) as tf:
        assert tf.rows("packs") == []


# -- a kill mid-write ---------------------------------------------------------------------


def _big_json(path: Path) -> None:
    data = json.loads(read_text("demo", "demo.json"))
    data["tender"].pop("seal", None)  # the plan changes: more lots
    first = data["lots"][0]
    for n in range(2, 30):
        lot = copy.deepcopy(first)
        lot["id"] = f"L{n}X"
        data["lots"].append(lot)
    path.write_text(json.dumps(data), encoding="utf-8")


def _kill_after(argv: list[str], seconds: float) -> None:
    child = subprocess.Popen([sys.executable, "-m", "workbench.cli", *argv],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    child.send_signal(signal.SIGKILL)
    child.wait()


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_killed_import_leaves_nothing_a_user_sees_and_the_next_run_clears_it(
        tmp_path: Path) -> None:
    source = tmp_path / "big.json"
    _big_json(source)
    out = tmp_path / "work" / "big.tender"
    out.parent.mkdir()
    for seconds in random.Random(7).sample([0.6, 0.9, 1.2, 1.5], 2):
        _kill_after(["import", str(source), str(out)], seconds)
        # Anything but the finished tender and its own side files (lock, journal) is left over.
        visible = [p.name for p in out.parent.iterdir()
                   if not p.name.startswith(".") and not p.name.startswith(out.name)]
        if out.exists():  # finished before the kill: whole
            with TenderFile.open(out, read_only=True) as tf:
                assert len(tf.load().lots) == 30
            for side in out.parent.glob(f"{out.name}*"):
                side.unlink()
        assert visible == []
    subprocess.run([sys.executable, "-m", "workbench.cli", "import", str(source), str(out)],
                   check=True, capture_output=True)
    assert sorted(p.name for p in out.parent.iterdir()) == ["big.tender", "big.tender.lock"]


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_killed_pack_issue_leaves_no_pack_the_tender_has_not_recorded(
        demo_tender: Path, tmp_path: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        seal(tf)  # packs go out only on a sealed plan
    out_dir = tmp_path / "packs"
    out_dir.mkdir()
    for seconds in (0.8, 1.1, 1.4):
        _kill_after(["packs", str(demo_tender), "-o", str(out_dir), "--format", "xlsx"],
                    seconds)
        with TenderFile.open(demo_tender, read_only=True) as tf:
            recorded = len(tf.rows("packs"))
        shown = [p for p in out_dir.iterdir() if not p.name.startswith(".")]
        assert len(shown) <= recorded
        for path in shown:
            path.unlink()
    run = subprocess.run([sys.executable, "-m", "workbench.cli", "packs", str(demo_tender),
                          "-o", str(out_dir), "--format", "xlsx"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert not [p for p in out_dir.iterdir() if p.name.startswith(".")]


def test_json_round_trip_still_exact(demo_data: TenderData) -> None:
    text = interchange.dumps(demo_data)
    assert interchange.dumps(interchange.loads(text)) == text


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_backup_killed_half_way_is_never_listed(five_lots: Path, tmp_path: Path) -> None:
    """Snapshots taken in a loop and the process killed at random moments: every backup
    Restore lists is a complete, consistent tender file."""
    from workbench.storage.backup import backups
    tender = tmp_path / "five.tender"
    shutil.copyfile(five_lots, tender)
    loop = ("import sys; from workbench.storage import TenderFile;"
            "from workbench.storage.backup import snapshot;"
            "tf = TenderFile.open(sys.argv[1]);"
            "[snapshot(tf.db, tf.path, 'before-merge', keep=1000) for _ in range(10_000)]")
    moments = random.Random(3)
    for _ in range(3):
        child = subprocess.Popen([sys.executable, "-c", loop, str(tender)])
        known = len(backups(tender))
        deadline = time.monotonic() + 30
        while len(backups(tender)) == known and time.monotonic() < deadline:
            time.sleep(0.02)  # until the loop is under way, however slow the machine
        time.sleep(moments.uniform(0, 0.3))
        child.send_signal(signal.SIGKILL)
        child.wait()
    listed = backups(tender)
    assert listed
    for info in listed:
        with sqlite3.connect(f"file:{info.path}?mode=ro", uri=True) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("SELECT count(*) FROM lots").fetchone() == (6,)
        conn.close()
