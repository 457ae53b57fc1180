"""A seeded stress tender for the benchmark: lots × bidders × questions × evaluators, moderated.

Each lot has ten quality areas of questions (one with a minimum score), price, a social value
measure and an insurance gateway; every evaluator scores every question of every lot with a
rationale of a few sentences, and the panel has agreed every item with its own reasons, as
after a long moderation. The same seed gives the same tender, byte for byte.
"""

from __future__ import annotations

import random
from decimal import Decimal

from workbench.domain import (
    Assignment,
    Bidder,
    Criterion,
    Evaluator,
    GatewayResult,
    Lot,
    ModeratedScore,
    Scale,
    ScaleLevel,
    Score,
    Tender,
    TenderData,
)

#: Phrases an evaluator's rationale is drawn from: realistic length and vocabulary.
PHRASES = (
    "The response sets out a clear delivery model with named leads and realistic caseloads.",
    "The mobilisation plan lacks a week-by-week timetable.",
    "Cover for absence relies on agency staff, which the specification asked bidders to avoid.",
    "Evidence from two similar contracts is specific and verified by references.",
    "Service users helped write the answer and the outcomes they chose are measurable.",
    "The risk register is thin and the exit plan relies on goodwill.",
    "Safeguarding training is annual and supervised, as the standard requires.",
    "Partnership working with the voluntary sector is described but not costed.",
    "Reporting is monthly against the key performance indicators in the specification.",
    "Staff turnover figures are given for three years and are below the sector average.",
)


def _sentences(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.sample(PHRASES, rng.randint(low, high)))


def stress_tender(lots: int = 10, bidders: int = 40, questions: int = 100,
                  evaluators: int = 7, seed: int = 1) -> TenderData:
    """The benchmark's tender; `questions` is rounded down to a multiple of ten areas."""
    rng = random.Random(seed)
    scale = Scale("0-5", "Standard 0-5",
                  [ScaleLevel(Decimal(v), str(v), f"Level {v} descriptor") for v in range(6)])
    panel = [Evaluator(f"E{e + 1}", f"Evaluator {e + 1}", "Commissioning officer")
             for e in range(evaluators)]
    areas = 10 if questions >= 10 else 1
    per_area = max(1, questions // areas)
    return TenderData(
        Tender("Stress tender", "STRESS-1", "Benchmark Council", status="moderation"),
        [scale], panel,
        [_lot(rng, n + 1, bidders, areas, per_area, panel) for n in range(lots)])


def _lot(rng: random.Random, number: int, bidders: int, areas: int, per_area: int,
         panel: list[Evaluator]) -> Lot:
    groups = []
    for g in range(areas):
        children = [Criterion(f"Q{g + 1}.{q + 1}", f"Question {g + 1}.{q + 1}", "scored",
                              None, scale="0-5", minimum=Decimal(1) if q == 0 and g == 0 else None)
                    for q in range(per_area)]
        _even_weights(children)
        groups.append(Criterion(f"Q{g + 1}", f"Quality area {g + 1}", "group", None, children))
    _even_weights(groups)
    criteria = [Criterion("Q", "Quality", "group", Decimal(60), groups),
                Criterion("P", "Price", "price", Decimal(30)),
                Criterion("SV", "Social value", "quantitative", Decimal(10),
                          theme="Tackling economic inequality"),
                Criterion("G1", "Insurance", "pass_fail")]
    bids = [Bidder(f"B{b + 1}", f"Bidder {b + 1} Care Ltd", (rng.choice(("SME", "VCSE", "large")),),
                   Decimal(rng.randint(800, 1200) * 1000),
                   {"SV": Decimal(rng.randint(1, 60) * 1000)}) for b in range(bidders)]
    leaves = [q for g in groups for q in g.children]
    scores, agreed = [], []
    for bid in bids:
        for q in leaves:
            marks = [rng.choice((2, 3, 3, 4, 4, 5)) for _ in panel]
            scores += [Score(e.id, bid.id, q.id, Decimal(m), _sentences(rng, 2, 4))
                       for e, m in zip(panel, marks, strict=True)]
            agreed.append(ModeratedScore(
                bid.id, q.id, Decimal(round(sum(marks) / len(marks))),
                "Panel agreed after discussion. " + _sentences(rng, 1, 3), "Chair",
                "2026-11-19T10:00:00", [e.name for e in panel]))
    gateways = [GatewayResult(b.id, "G1", "pass", "Certificate seen.") for b in bids]
    return Lot(f"L{number}", f"Lot {number}", criteria, bids,
               [Assignment(e.id, [q.id for q in leaves]) for e in panel], scores, agreed,
               gateways)


def _even_weights(nodes: list[Criterion]) -> None:
    """Weights in hundredths of a percent that sum to exactly 100."""
    base, extra = divmod(10000, len(nodes))
    for i, node in enumerate(nodes):
        node.weight = Decimal(base + (1 if i < extra else 0)) / 100
