"""Timing script: the cost of one audited action under each journal choice (not run in CI).

WAL alone leaves committed work in the -wal; WAL with a checkpoint after every action, or a
rollback journal, keep the .tender whole whenever the app is idle (see README, "The tender
file"). Run: `.venv/bin/python -m tests.benchmarks.bench_journal [ACTIONS]`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.generate import big_tender

from workbench.storage import TenderFile

MODES = {
    "WAL, no checkpoint": ("WAL", None),
    "WAL + passive checkpoint after each action": ("WAL", "PASSIVE"),
    "WAL + truncating checkpoint after each action": ("WAL", "TRUNCATE"),
    "rollback journal (DELETE)": ("DELETE", None),
}


def per_action(path: Path, journal: str, checkpoint: str | None, actions: int) -> float:
    """Median seconds of one one-score action, fsync included."""
    with TenderFile.open(path) as tf:
        row = tf.rows("scores")[0]
        with tf.action("Warm up"):
            tf.put("scores", {**row, "rationale": "warm up"})
        tf.db.execute(f"PRAGMA journal_mode = {journal}")
        tf.db.execute("PRAGMA wal_autocheckpoint = 0")  # only the checkpoint asked for
        times = []
        for n in range(actions):
            start = time.perf_counter()
            with tf.action("Change score"):
                tf.put("scores", {**row, "rationale": f"{journal} {checkpoint} {n}"})
            if checkpoint:
                tf.db.execute(f"PRAGMA wal_checkpoint({checkpoint})")
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    actions = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.tender"
        TenderFile.create(path, big_tender(bidders=10, questions=20, evaluators=3)).close()
        for _ in range(2):  # twice, interleaved: a shared machine's load moves between runs
            for label, (journal, checkpoint) in MODES.items():
                seconds = per_action(path, journal, checkpoint, actions)
                print(f"{label:<48} {seconds * 1000:6.2f} ms median per action")


if __name__ == "__main__":
    main()
