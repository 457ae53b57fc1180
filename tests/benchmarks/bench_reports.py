"""Timing script for the printed reports and exports on a large lot (not run in CI).

One lot of the stress tender (40 bidders × 100 questions × 7 evaluators, 28,000 individual
scores with reasons of a few sentences, every item agreed): the time and page count of the
evaluation pack, then the assessment summaries and the Excel and OCDS exports. The pack alone,
against its floor, is the `pack_pdf` case of `tests/benchmarks/run.py`.
Run from the repository root: `.venv/bin/python -m tests.benchmarks.bench_reports`.
Times are wall clock and CPU: on a busy machine the CPU figure is the one to compare.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tests.benchmarks.generate import stress_tender

from workbench.exchange.ocds import write_ocds
from workbench.exchange.results_xlsx import write_results_xlsx
from workbench.reports.facts import from_data
from workbench.reports.pack import build_pack
from workbench.reports.summaries import write_summaries

T = TypeVar("T")

def timed(what: str, run: Callable[[], T]) -> T:
    start, cpu = time.perf_counter(), time.process_time()
    result = run()
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    print(f"{what:<52} {wall:6.1f} s wall {used:6.1f} s cpu")
    return result


def main() -> None:
    for label, data in (("stress lot", stress_tender(lots=1)),):
        facts = timed(f"results of the lot ({label})", lambda d=data: from_data(d))
        pdf, pages = timed(f"evaluation pack, {label}", lambda f=facts: build_pack(f))
        print(f"{'':<52} {pages} pages, {len(pdf) / 1e6:.1f} MB")
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder)
            written = timed(f"assessment summaries, {label}",
                            lambda f=facts, o=out: write_summaries(f, o / "summaries"))
            print(f"{'':<52} {len(written)} files")
            timed(f"Excel export, {label}",
                  lambda f=facts, o=out: write_results_xlsx(f, o / "r.xlsx"))
            timed(f"OCDS export, {label}", lambda f=facts, o=out: write_ocds(f, o / "r.json"))


if __name__ == "__main__":
    main()
