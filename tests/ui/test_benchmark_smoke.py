"""The benchmark runs: every case of `tests/benchmarks/run.py` once, on a tiny tender, in its
own process as a person runs it, so the benchmark cannot rot between full runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = ["open_and_rank", "recompute_lot", "edit_roundtrip", "merge_packs", "pack_pdf",
         "gui_open", "moderation_step"]


def test_benchmark_runs_every_case_on_a_tiny_tender(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WORKBENCH_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.run", "--lots", "1", "--bidders", "3",
         "--questions", "10", "--evaluators", "2", "--repeat", "1", "--cache",
         str(tmp_path / "cache"), "--json", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [case["name"] for case in report["cases"]] == CASES
    for case in report["cases"]:
        assert set(case) >= {"name", "seconds", "floor_seconds", "ratio", "target", "ok",
                             "peak_rss_mb"}
        assert case["seconds"] > 0 and isinstance(case["ok"], bool)
        assert case["name"] == "moderation_step" or case["floor_seconds"] > 0
    gui = next(case for case in report["cases"] if case["name"] == "gui_open")
    assert gui["peak_rss_mb"] > 0
    assert report["machine"]["cores"] and "| `gui_open` |" in done.stdout
