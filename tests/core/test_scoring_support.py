"""Builders for scoring tests: a whole tender in a few lines, from real domain objects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from hypothesis import strategies as st

from workbench.domain import (
    Bidder,
    Criterion,
    Evaluator,
    GatewayResult,
    Lot,
    ModeratedScore,
    Rounding,
    Scale,
    ScaleLevel,
    Score,
    Tender,
    TenderData,
)

D = Decimal
SCALE_0_5 = Scale("0-5", "Standard 0-5", [ScaleLevel(D(v), str(v)) for v in range(6)])


def range_scale(ident: str, top: int, step: int = 1) -> Scale:
    return Scale(ident, f"0-{top} points", min=D(0), max=D(top), step=D(step))


def scored(ident: str, weight: object, *, minimum: object = None, normalise: str = "max",
           scale: str = "0-5", title: str | None = None) -> Criterion:
    return Criterion(ident, title or f"Question {ident}", "scored", D(str(weight)), scale=scale,
                     minimum=None if minimum is None else D(str(minimum)), normalise=normalise)


def group(ident: str, weight: object, *children: Criterion, title: str | None = None) -> Criterion:
    return Criterion(ident, title or f"Group {ident}", "group", D(str(weight)), list(children))


def price(weight: object, formula: str = "lowest_over_bid", ident: str = "P") -> Criterion:
    return Criterion(ident, "Price", "price", D(str(weight)), formula=formula)


def quantity(ident: str, weight: object, direction: str = "higher_is_better",
             unit: str = "") -> Criterion:
    return Criterion(ident, f"Measure {ident}", "quantitative", D(str(weight)),
                     direction=direction, unit=unit)


def gate(ident: str = "G1", title: str = "Insurance") -> Criterion:
    return Criterion(ident, title, "pass_fail")


def bidder(ident: str, price: object = None, *, values: Mapping[str, object] | None = None,
           withdrawn: bool = False, reason: str = "", name: str | None = None) -> Bidder:
    return Bidder(ident, name or f"Bidder {ident}",
                  price=None if price is None else D(str(price)),
                  values={k: D(str(v)) for k, v in (values or {}).items()},
                  withdrawn=withdrawn, withdrawn_reason=reason)


def tender(criteria: list[Criterion], bidders: list[Bidder], *,
           moderated: Mapping[tuple[str, str], object] | None = None,
           scores: Iterable[tuple[str, str, str, object]] = (),
           drafts: Iterable[tuple[str, str, str, object]] = (),
           gateways: Mapping[tuple[str, str], str] | None = None,
           total: object = 100, rounding: Rounding | None = None,
           scales: list[Scale] | None = None, evaluators: int = 3) -> TenderData:
    """A one-lot tender. `moderated` maps (bidder, criterion) to the agreed score; `scores` and
    `drafts` are (evaluator, bidder, criterion, score); `gateways` maps (bidder, gate) to
    "pass"/"fail"."""
    lot = Lot(
        "L1", "Lot 1", criteria, bidders,
        scores=[Score(e, b, c, D(str(s))) for e, b, c, s in scores]
        + [Score(e, b, c, D(str(s)), status="draft") for e, b, c, s in drafts],
        moderated=[ModeratedScore(b, c, D(str(s))) for (b, c), s in (moderated or {}).items()],
        gateways=[GatewayResult(b, g, r) for (b, g), r in (gateways or {}).items()])
    return TenderData(
        Tender("Test tender", total_points=D(str(total)), rounding=rounding or Rounding()),
        scales if scales is not None else [SCALE_0_5],
        [Evaluator(f"E{i}", f"Evaluator {i}") for i in range(1, evaluators + 1)], [lot])


def shown(data: TenderData) -> dict[str, str | None]:
    """Bidder id → total as shown, for the first lot (None when excluded)."""
    from workbench.scoring.results import compute_lot
    result = compute_lot(data, data.lots[0])
    return {b.bidder.id: b.total_text for b in result.bidders}


# -- random lots for property tests ----------------------------------------------------------

def split_100(draw: st.DrawFn, parts: int) -> list[int]:
    """`parts` whole-number weights adding up to exactly 100."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=parts - 1, max_size=parts - 1)))
    edges = [0, *cuts, 100]
    return [edges[i + 1] - edges[i] for i in range(parts)]


@st.composite
def random_tenders(draw: st.DrawFn, *, normalise: tuple[str, ...] = ("max", "best"),
                   minimums: bool = True, gateways: bool = False,
                   max_bidders: int = 6, all_moderated: bool = False) -> TenderData:
    """A one-lot tender with a random model (groups, scored, price, quantitative), random
    weights adding up to 100 at every level, and random scores, prices and values."""
    kinds = draw(st.lists(st.sampled_from(["scored", "group", "price", "quantity"]),
                          min_size=1, max_size=4))
    if kinds.count("price") > 1:
        kinds = [k for k in kinds if k != "price"] + ["price"]
    weights = split_100(draw, len(kinds))
    criteria: list[Criterion] = []
    for n, (kind, weight) in enumerate(zip(kinds, weights, strict=True)):
        ident = f"C{n}"

        def question(qid: str, w: int) -> Criterion:
            minimum = draw(st.sampled_from([None, 1, 2])) if minimums else None
            return scored(qid, w, minimum=minimum, normalise=draw(st.sampled_from(normalise)))

        if kind == "scored":
            criteria.append(question(ident, weight))
        elif kind == "group":
            size = draw(st.integers(1, 3))
            criteria.append(group(ident, weight, *(
                question(f"{ident}.{i}", w) for i, w in enumerate(split_100(draw, size)))))
        elif kind == "price":
            criteria.append(price(weight, draw(st.sampled_from(
                ["lowest_over_bid", "linear_deduction", "price_range"])), ident=ident))
        else:
            criteria.append(quantity(ident, weight, draw(st.sampled_from(
                ["higher_is_better", "lower_is_better"]))))
    if gateways:
        criteria.append(gate())
    count = draw(st.integers(1, max_bidders))
    bidders = [bidder(f"B{i}", draw(st.integers(1, 50)) * 1000,
                      values={c.id: draw(st.integers(0, 20)) for c in criteria
                              if c.kind == "quantitative"}) for i in range(count)]
    leaves = [c for root in criteria for c in root.walk() if c.kind == "scored"]
    moderated, scores = {}, []
    for b in bidders:
        for c in leaves:
            if all_moderated or draw(st.booleans()):
                moderated[(b.id, c.id)] = draw(st.integers(0, 5))
            else:
                for e in ("E1", "E2"):
                    scores.append((e, b.id, c.id, draw(st.integers(0, 5))))
    results = {(b.id, "G1"): draw(st.sampled_from(["pass", "pass", "fail"]))
               for b in bidders} if gateways else None
    rounding = Rounding(draw(st.integers(0, 3)), draw(st.sampled_from(["half_up", "half_even"])),
                        draw(st.sampled_from(["final", "each_step"])))
    return tender(criteria, bidders, moderated=moderated, scores=scores, gateways=results,
                  total=draw(st.sampled_from([1, 100, 200, "24.69"])), rounding=rounding,
                  evaluators=2)
