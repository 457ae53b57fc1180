"""Timing script for merging scoring packs (not run in CI).

Seven evaluators each return a pack of 40 bidders × 100 questions (28,000 scores in all), once
as workbooks and once as `.tender` packs; prints the seconds to issue, and to merge all seven
(target: a few seconds), and to merge them again (nothing changes).
Run: `.venv/bin/python tests/benchmarks/bench_merge.py`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.generate import big_tender

from workbench.domain import Score
from workbench.panel.merge import merge_packs
from workbench.panel.packs import create_packs, pack_identity, pack_items, submit_pack
from workbench.storage import TenderFile
from workbench.storage.records import score_row


def fill_workbook(path: Path) -> None:
    wb = load_workbook(path)
    for n, row in enumerate(wb["Scores"].iter_rows(min_row=2)):
        row[4].value = n % 6
        row[5].value = f"Reasons for row {n}: the bid meets most of the requirement."
    wb["Instructions"]["B12"] = "Yes"
    wb.save(path)


def fill_tender_pack(path: Path) -> None:
    """All scores saved in one go (in the app they arrive one by one), then Submit."""
    with TenderFile.open(path) as pack:
        identity = pack_identity(pack)
        assert identity is not None
        items = pack_items(pack.load(), identity.evaluator_id)
        with pack.action("Scores"):
            for n, item in enumerate(items):
                pack.put("scores", score_row(item.lot_id, Score(
                    identity.evaluator_id, item.bidder_id, item.criterion_id, Decimal(n % 6),
                    f"Reasons for row {n}: the bid meets most of the requirement.", "draft")))
        submit_pack(pack)


def run(fmt: str, folder: Path) -> None:
    data = big_tender(bidders=40, questions=100, evaluators=7)
    data = replace(data, tender=replace(data.tender, status="sealed"),
                   lots=[replace(lot, scores=[]) for lot in data.lots])
    tender = folder / f"{fmt}.tender"
    TenderFile.create(tender, data).close()
    out = folder / fmt
    out.mkdir()
    with TenderFile.open(tender) as tf:
        start = time.perf_counter()
        paths = create_packs(tf, out, fmt)
        issued = time.perf_counter() - start
    for path in paths:
        (fill_workbook if fmt == "xlsx" else fill_tender_pack)(path)
    with TenderFile.open(tender) as tf:
        start, cpu = time.perf_counter(), time.process_time()
        report = merge_packs(tf, paths)
        merged, merged_cpu = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        again = merge_packs(tf, paths)
        repeat = time.perf_counter() - start
    assert not report.refused and sum(r.added for r in report.results) == 28_000
    assert sum(r.unchanged for r in again.results) == 28_000
    # CPU seconds too: on a shared machine the wall clock says more about the neighbours.
    print(f"{fmt:>6}: issue 7 packs {issued:5.2f} s | merge 7 packs (28,000 scores) "
          f"{merged:5.2f} s ({merged_cpu:.2f} s CPU) | merge again (no change) {repeat:5.2f} s")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("xlsx", "tender"):
            run(fmt, Path(folder))


if __name__ == "__main__":
    main()
