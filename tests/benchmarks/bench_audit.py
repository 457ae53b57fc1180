"""Timing script for the audit trail on a large tender (not run in CI).

One lot of the stress tender (40 bidders × 100 questions × 7 evaluators, 28,000 scores) is
written, then each score is changed once more, giving a trail of about 60,000 entries.
Measured: opening the file (which verifies the whole chain and every protected row), `check`,
building the Audit view's entries, and the cost of one audited action (fsync included). Run:
`.venv/bin/python -m tests.benchmarks.bench_audit`.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.benchmarks.generate import stress_tender

from workbench import audit_trail
from workbench.storage import TenderFile, audit


def timed(label: str, func: Callable[[], object], repeat: int = 3) -> object:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<48} {best * 1000:8.0f} ms")
    return result


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.tender"
        start = time.perf_counter()
        TenderFile.create(path, stress_tender(lots=1)).close()
        with TenderFile.open(path) as tf, tf.action("Rescore everything"):
            for row in tf.rows("scores"):
                tf.put("scores", {**row, "rationale": row["rationale"] + " (reviewed)"})
        print(f"{'write the tender and rescore every score':<48} "
              f"{(time.perf_counter() - start) * 1000:8.0f} ms")
        with TenderFile.open(path, read_only=True) as tf:
            entries = audit.last_hash(tf.db)[0]
        print(f"trail: {entries} entries, file {path.stat().st_size // 1024} KB")
        timed("open (verifies chain, head and content)",
              lambda: TenderFile.open(path, read_only=True).close())
        with TenderFile.open(path, read_only=True) as tf:
            timed("verify chain only", lambda: audit.verify_chain(tf.db))
            timed("verify content only", lambda: audit.verify_content(tf.db))
            timed("Audit view entries (readable, named)", lambda: audit_trail.entries(tf))
        with TenderFile.open(path) as tf:
            row = tf.rows("scores")[0]
            flip = iter(range(10**6))
            timed("one audited action (one score, fsync)", lambda: _save(tf, row, next(flip)),
                  repeat=20)


def _save(tf: TenderFile, row: dict[str, object], n: int) -> None:
    with tf.action("Change score"):
        tf.put("scores", {**row, "rationale": f"rationale {n}"})


if __name__ == "__main__":
    main()
