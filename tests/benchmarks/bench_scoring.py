"""Timing script for the scoring engine on a large lot (not run in CI).

One lot of 40 bidders × 100 questions × 7 evaluators: the time to recompute the results after
a weight edit (target under 30 ms, so the results screen follows a slider without lag), and
the time of the close-call report. Run: `.venv/bin/python tests/benchmarks/bench_scoring.py`.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from workbench.domain import (
    Bidder,
    Criterion,
    Evaluator,
    Lot,
    ModeratedScore,
    Scale,
    ScaleLevel,
    Score,
    Tender,
    TenderData,
)
from workbench.scoring.results import compute_lot
from workbench.scoring.sensitivity import sensitivity

BIDDERS, QUESTIONS, EVALUATORS, GROUPS = 40, 100, 7, 10


def big_tender(moderated: bool, seed: int = 7) -> TenderData:
    """A realistic large lot: 10 quality groups of 10 questions, price, social value."""
    rng = random.Random(seed)
    scale = Scale("0-5", "Standard 0-5", [ScaleLevel(Decimal(v), str(v)) for v in range(6)])
    groups = []
    for g in range(GROUPS):
        questions = [Criterion(f"Q{g + 1}.{q + 1}", f"Question {g + 1}.{q + 1}", "scored",
                               Decimal(10), scale="0-5", minimum=Decimal(1) if q == 0 else None)
                     for q in range(QUESTIONS // GROUPS)]
        groups.append(Criterion(f"Q{g + 1}", f"Quality area {g + 1}", "group", Decimal(10),
                                questions))
    criteria = [Criterion("Q", "Quality", "group", Decimal(60), groups),
                Criterion("P", "Price", "price", Decimal(30)),
                Criterion("SV", "Social value", "quantitative", Decimal(10)),
                Criterion("G1", "Insurance", "pass_fail")]
    bidders = [Bidder(f"B{i}", f"Bidder {i}", price=Decimal(rng.randint(800, 1200) * 1000),
                      values={"SV": Decimal(rng.randint(1, 60) * 1000)})
               for i in range(BIDDERS)]
    evaluators = [Evaluator(f"E{e}", f"Evaluator {e}") for e in range(EVALUATORS)]
    leaves = [q for g in groups for q in g.children]
    scores, agreed = [], []
    for b in bidders:
        for q in leaves:
            marks = [rng.choice((2, 3, 3, 4, 4, 5)) for _ in evaluators]
            scores += [Score(e.id, b.id, q.id, Decimal(m)) for e, m in zip(evaluators, marks,
                                                                             strict=True)]
            if moderated:
                agreed.append(ModeratedScore(b.id, q.id, Decimal(round(sum(marks) / len(marks)))))
    lot = Lot("L1", "Large lot", criteria, bidders, [], scores, agreed, [])
    return TenderData(Tender("Benchmark"), [scale], evaluators, [lot])


def timed(what: str, run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    best, median = min(times) * 1000, statistics.median(times) * 1000
    print(f"{what:<58} best {best:8.1f} ms   median {median:8.1f} ms")
    return median


def main() -> None:
    for moderated in (True, False):
        data = big_tender(moderated)
        lot = data.lots[0]
        state = "moderated" if moderated else "provisional (means of 7 scores)"

        def edit_and_recompute(lot: Lot = lot, data: TenderData = data) -> None:
            # A weight edit replaces the top-level criteria; everything is then recomputed.
            q, p, sv, g = lot.criteria
            edited = replace(lot, criteria=[replace(q, weight=Decimal(55)),
                                            replace(p, weight=Decimal(35)), sv, g])
            compute_lot(data, edited)

        timed(f"recompute after a weight edit, {state}", edit_and_recompute, 15)
        timed(f"close-call report, {state}", lambda d=data, lt=lot: sensitivity(d, lt), 3)


if __name__ == "__main__":
    main()
