"""Timing script for the printed reports and exports on a large lot (not run in CI).

One lot of 40 bidders × 100 questions × 7 evaluators (28,000 individual scores): the time and
page count of the evaluation pack, once with the generator's one-line reasons and once with
reasons of a realistic length (about 45 words per score, 40 per agreed score), then the
assessment summaries and the Excel and OCDS exports.
Run from the repository root: `.venv/bin/python -m tests.benchmarks.bench_reports`.
Times are wall clock and CPU: on a busy machine the CPU figure is the one to compare.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from tests.benchmarks.generate import big_tender

from workbench.domain import TenderData
from workbench.exchange.ocds import write_ocds
from workbench.exchange.results_xlsx import write_results_xlsx
from workbench.reports.facts import from_data
from workbench.reports.pack import build_pack
from workbench.reports.summaries import write_summaries

T = TypeVar("T")

REASON = ("The response sets out a clear delivery model with named leads and realistic "
          "caseloads, but the mobilisation plan lacks a week-by-week timetable and the "
          "approach to cover for absence relies on agency staff, which the specification "
          "asked bidders to avoid where possible.")
AGREED = ("Panel agreed after discussion: a sound and costed model that meets the requirement "
          "in full; the gaps on mobilisation and absence cover keep it from the top mark, as "
          "the evaluators' notes record.")


def with_reasons(data: TenderData) -> TenderData:
    """The same tender with every score and agreed score carrying a full-length reason."""
    lot = data.lots[0]
    lot = replace(lot, scores=[replace(s, rationale=REASON) for s in lot.scores],
                  moderated=[replace(m, rationale=AGREED, agreed_by="Chair",
                                     agreed_at="2026-11-19T10:00:00",
                                     attendees=["A", "B", "C"]) for m in lot.moderated])
    return replace(data, lots=[lot])


def timed(what: str, run: Callable[[], T]) -> T:
    start, cpu = time.perf_counter(), time.process_time()
    result = run()
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    print(f"{what:<52} {wall:6.1f} s wall {used:6.1f} s cpu")
    return result


def main() -> None:
    for label, data in (("one-line reasons", big_tender(moderated=True)),
                        ("full-length reasons", with_reasons(big_tender(moderated=True)))):
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
