"""A large synthetic tender for benchmarks: one lot of N bidders × Q questions × E evaluators."""

from __future__ import annotations

import random
from decimal import Decimal

from workbench.domain import (
    Assignment,
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


def big_tender(bidders: int = 40, questions: int = 100, evaluators: int = 7,
               moderated: bool = False, seed: int = 1) -> TenderData:
    """Quality (60, split evenly over `questions`), Price 30, Social value 10."""
    rng = random.Random(seed)
    scale = Scale("0-5", "Standard 0-5",
                  [ScaleLevel(Decimal(v), str(v), f"Level {v}") for v in range(6)])
    base, extra = divmod(10000, questions)  # hundredths of a percent, summing to exactly 100
    qs = [Criterion(f"Q{i + 1}", f"Question {i + 1}", "scored",
                    Decimal(base + (1 if i < extra else 0)) / 100, scale="0-5")
          for i in range(questions)]
    criteria = [
        Criterion("Q", "Quality", "group", Decimal(60), qs),
        Criterion("P", "Price", "price", Decimal(30)),
        Criterion("SV", "Social value", "quantitative", Decimal(10),
                  theme="Tackling economic inequality"),
    ]
    panel = [Evaluator(f"E{i + 1}", f"Evaluator {i + 1}", "panel member")
             for i in range(evaluators)]
    bids = [Bidder(f"B{i + 1}", f"Bidder {i + 1} Ltd", "SME",
                   Decimal(rng.randint(800_000, 1_200_000)),
                   {"SV": Decimal(rng.randint(0, 50_000))}) for i in range(bidders)]
    scores = [Score(e.id, b.id, q.id, Decimal(rng.randint(1, 5)), f"Rationale {e.id} {b.id} {q.id}")
              for e in panel for b in bids for q in qs]
    agreed = [ModeratedScore(b.id, q.id, Decimal(rng.randint(1, 5)), "Agreed by the panel")
              for b in bids for q in qs] if moderated else []
    lot = Lot("L1", "Lot 1", criteria, bids,
              [Assignment(e.id, [q.id for q in qs]) for e in panel], scores, agreed)
    return TenderData(Tender("Large tender", "BIG-1"), [scale], panel, [lot])
