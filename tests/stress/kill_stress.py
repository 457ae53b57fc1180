"""Crash safety proof: a writer process saving scores is killed (SIGKILL) at random moments.

The writer (`--write FILE ROUND`) saves scores through the core exactly as the app does — one
`tf.action` per save, sometimes several scores in one action — and prints a line *after* each
action returns, flushing it. After every kill the file must pass `PRAGMA integrity_check`,
open with its audit trail verified, hold every score the writer reported saved, and hold the
action in flight at the kill either whole or not at all.

Run the full proof (not in CI): `.venv/bin/python -m tests.stress.kill_stress --kills 200`.
The CI test (tests/core/test_crash.py) runs a dozen kills through the same `run_kills`.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from workbench.domain import Score
from workbench.storage import TenderFile
from workbench.storage.records import score_row

ROOT = Path(__file__).resolve().parents[2]
Key = tuple[str, str, str, str]


def write_forever(path: str, round_no: int) -> None:
    """The writer: save random scores until killed, reporting each saved action on stdout."""
    rng = random.Random(round_no)
    with TenderFile.open(path, user="stress writer") as tf:
        data = tf.load()
        slots: list[Key] = [(lot.id, a.evaluator, b.id, cid) for lot in data.lots
                            for a in lot.assignments for cid in a.criteria for b in lot.bidders]
        n = 0
        while True:
            n += 1
            keys = rng.sample(slots, rng.choice((1, 1, 1, 3, 8)))
            stamp = f"stress {round_no}:{n}"
            print(json.dumps({"intend": n, "keys": keys}), flush=True)
            with tf.action("Save score (stress test)"):
                for lot, evaluator, bidder, criterion in keys:
                    score = Score(evaluator, bidder, criterion, Decimal(rng.randint(0, 5)), stamp,
                                  entered_by="stress")
                    tf.put("scores", score_row(lot, score))
            print(json.dumps({"done": n}), flush=True)


@dataclass
class Figures:
    """What the kills proved: totals over every round."""

    kills: int = 0
    #: Score rows the writer reported saved (each checked after the kill that followed it).
    committed_writes: int = 0
    #: Comparisons of a reported score with the file, summed over every check.
    checks: int = 0
    lost: int = 0
    #: Kills that landed while an action was under way, and how many of those it had saved.
    in_flight: int = 0
    in_flight_saved: int = 0
    torn_actions: int = 0
    integrity_failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.kills} kills, {self.committed_writes} committed writes checked "
                f"({self.checks} comparisons), {self.lost} lost, "
                f"{self.torn_actions} half-saved actions; {self.in_flight} kills landed "
                f"mid-action ({self.in_flight_saved} of those actions had been saved whole), "
                f"{len(self.integrity_failures)} integrity failures")


def _stamp(rationale: str) -> tuple[int, int]:
    if not rationale.startswith("stress "):
        return (-1, -1)
    round_no, _, n = rationale[len("stress "):].partition(":")
    return (int(round_no), int(n))


def _read(line: str, round_no: int, pending: dict[int, list[Key]],
          committed: dict[Key, tuple[int, int]], figures: Figures) -> int:
    """Take in one line of the writer's; 1 if it reported an action saved."""
    try:
        message = json.loads(line)
    except ValueError:  # a line cut short by the kill reports nothing
        return 0
    if "intend" in message:
        pending[message["intend"]] = [tuple(k) for k in message["keys"]]
        return 0
    keys = pending.pop(message["done"])
    for key in keys:
        committed[key] = (round_no, message["done"])
    figures.committed_writes += len(keys)
    return 1


def _kill_round(path: Path, round_no: int, rng: random.Random,
                committed: dict[Key, tuple[int, int]], figures: Figures) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "tests.stress.kill_stress", "--write",
                             str(path), str(round_no)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True, bufsize=1)
    assert proc.stdout is not None
    target = rng.randint(0, 25)  # actions to let through before the kill
    pending: dict[int, list[Key]] = {}
    done = 0
    for line in proc.stdout:
        done += _read(line, round_no, pending, committed, figures)
        if done >= target:
            break
    time.sleep(rng.uniform(0, 0.02))  # land anywhere: mid-action, mid-commit, between
    proc.kill()
    proc.wait()
    for line in proc.stdout:  # lines printed between our last read and the kill
        _read(line, round_no, pending, committed, figures)
    proc.stdout.close()
    figures.kills += 1
    _check(path, round_no, committed, pending, figures)


def _check(path: Path, round_no: int, committed: dict[Key, tuple[int, int]],
           pending: dict[int, list[Key]], figures: Figures) -> None:
    conn = sqlite3.connect(path)
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    if result != "ok":
        figures.integrity_failures.append(f"round {round_no}: integrity_check: {result}")
    with TenderFile.open(path, user="checker") as tf:
        if tf.integrity_problem or tf.read_only:
            figures.integrity_failures.append(
                f"round {round_no}: {tf.integrity_problem or tf.read_only_reason}")
        stored = {(r["lot_id"], r["evaluator_id"], r["bidder_id"], r["criterion_id"]):
                  _stamp(r["rationale"]) for r in tf.rows("scores")}
    for key, stamp in committed.items():
        figures.checks += 1
        if stored.get(key, (-1, -1)) < stamp:
            figures.lost += 1
    for n, keys in pending.items():  # the action in flight: all of it saved, or none
        saved = sum(stored.get(key) == (round_no, n) for key in keys)
        figures.in_flight += 1
        figures.in_flight_saved += saved == len(keys)
        if saved not in (0, len(keys)):
            figures.torn_actions += 1


def run_kills(path: Path, kills: int, seed: int = 1,
              progress: bool = False) -> Figures:
    """Kill the writer `kills` times on the tender at `path`, checking the file after each."""
    rng = random.Random(seed)
    committed: dict[Key, tuple[int, int]] = {}
    figures = Figures()
    with TenderFile.open(path) as tf:  # later rounds must never see an older stamp win
        first = 1 + max((_stamp(r["rationale"])[0] for r in tf.rows("scores")), default=0)
    for round_no in range(first, first + kills):
        _kill_round(path, round_no, rng, committed, figures)
        if progress and figures.kills % 20 == 0:
            print(f"  {figures.line()}", flush=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", nargs=2, metavar=("FILE", "ROUND"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write_forever(args.write[0], int(args.write[1]))
        return 0
    from workbench.exchange import interchange
    from workbench.resources import read_text

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stress.tender"
        TenderFile.create(path, interchange.loads(read_text("demo", "demo.json"))).close()
        started = time.monotonic()
        figures = run_kills(path, args.kills, args.seed, progress=True)
        elapsed = time.monotonic() - started
        size = path.stat().st_size
    print(f"{figures.line()} ({elapsed:.0f} s, file {size // 1024} KB at the end)")
    for failure in figures.integrity_failures:
        print(f"  {failure}")
    ok = not figures.lost and not figures.torn_actions and not figures.integrity_failures
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
