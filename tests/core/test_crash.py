"""Crash safety: killed writers lose nothing they reported saved; a second process gets the
file read-only; a full disk refuses the change and keeps the file as it was."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from tests.stress.kill_stress import ROOT, run_kills

from workbench.cli import main
from workbench.details import update_details
from workbench.errors import ReadOnlyError, StorageError
from workbench.storage import TenderFile


def test_killing_the_writer_at_random_moments_loses_nothing(demo_tender: Path) -> None:
    figures = run_kills(demo_tender, kills=12, seed=8)
    assert figures.kills == 12
    assert figures.committed_writes > 12
    assert figures.integrity_failures == []
    assert figures.lost == 0
    assert figures.torn_actions == 0


def test_a_killed_writers_file_checks_clean_read_only(demo_tender: Path, capsys) -> None:
    """An auditor may run `check` straight after a crash, before anyone reopens the file."""
    run_kills(demo_tender, kills=1, seed=3)
    assert main(["check", str(demo_tender)]) == 0
    assert "audit trail verified" in capsys.readouterr().out


def _writer(path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.stress.kill_stress", "--write",
                             str(path), "1"], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            bufsize=1)


def test_second_process_is_read_only_while_the_first_writes(demo_tender: Path) -> None:
    proc = _writer(demo_tender)
    assert proc.stdout is not None
    saved: dict[tuple[str, ...], int] = {}
    keys: dict[int, list[tuple[str, ...]]] = {}
    try:
        done = 0
        for line in proc.stdout:
            message = json.loads(line)
            if "intend" in message:
                keys[message["intend"]] = [tuple(k) for k in message["keys"]]
                continue
            saved.update({key: message["done"] for key in keys[message["done"]]})
            done += 1
            if done == 5:
                with TenderFile.open(demo_tender, user="second") as second:
                    assert second.read_only
                    assert "stress writer" in second.read_only_reason
                    assert second.load().lots  # reading while the writer writes is fine
                    with pytest.raises(ReadOnlyError, match="open for writing by stress"):
                        update_details(second, title="Lost?")
            if done == 10:
                break
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    with TenderFile.open(demo_tender) as tf:
        assert not tf.read_only and tf.integrity_problem == ""
        assert tf.load().tender.title != "Lost?"
        stored = {(r["lot_id"], r["evaluator_id"], r["bidder_id"], r["criterion_id"]):
                  r["rationale"] for r in tf.rows("scores")}
    for key, n in saved.items():
        assert int(stored[key].rpartition(":")[2]) >= n


def test_full_disk_refuses_the_change_and_keeps_the_file(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        before = tf.load()
        pages = tf.db.execute("PRAGMA page_count").fetchone()[0]
        tf.db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
        score = tf.rows("scores")[0]
        with pytest.raises(StorageError, match=r"could not save to demo\.tender .*full"):
            with tf.action("Save a long rationale"):
                for n in range(20):
                    rng = random.Random(n)
                    text = "".join(rng.choice("abcdefgh ") for _ in range(20_000))
                    tf.update("scores", score, rationale=text)
                    tf.update("scores", score, rationale=text + "!")
        assert tf.load() == before
        tf.db.execute(f"PRAGMA max_page_count = {pages * 4}")  # space freed: work goes on
        update_details(tf, title="Saved once there was room")
    with TenderFile.open(demo_tender) as tf:
        assert tf.integrity_problem == ""
        assert tf.load().tender.title == "Saved once there was room"
