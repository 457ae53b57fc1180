"""What an imported tender must satisfy beyond the shape of its JSON: unique ids, a valid
model, references that resolve, scores on their scales, and a seal that matches the plan."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from workbench.domain import Criterion, Lot, TenderData
from workbench.errors import InterchangeError
from workbench.exchange.interchange_monitoring import check_monitoring
from workbench.model.seal import plan_hash
from workbench.model_rules import errors as model_errors
from workbench.numbers import dec_str


def check(data: TenderData) -> None:
    """Raise InterchangeError, naming the place, at the first problem."""
    check_unique("scales", [s.id for s in data.scales])
    check_unique("evaluators", [e.id for e in data.evaluators])
    check_unique("lots", [lot.id for lot in data.lots])
    check_unique("meetings", [m.id for lot in data.lots for m in lot.meetings])
    broken = model_errors(data)
    if broken:
        raise InterchangeError(str(broken[0]))
    for lot in data.lots:
        check_references(data, lot)
        check_monitoring(lot, f"lots[{lot.id}]")
    seal = data.tender.seal
    if seal is not None and plan_hash(data) != seal.hash:
        raise InterchangeError("tender.seal: the fingerprint does not match the evaluation plan "
                               "in this file (the plan changed after it was sealed); remove the "
                               "seal to import it unsealed")


def check_unique(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            raise InterchangeError(f"{what}: the id '{ident}' is used twice")
        seen.add(ident)


def check_references(data: TenderData, lot: Lot) -> None:
    """Every id a lot's rows mention must exist, and every score must fit its scale."""
    where = f"lots[{lot.id}]"
    criteria = {c.id: c for c in lot.all_criteria()}
    bidders = {b.id for b in lot.bidders}
    check_unique(f"{where}.bidders", [b.id for b in lot.bidders])
    evaluators = {e.id for e in data.evaluators}

    def need(kind: str, ident: str, known: Mapping[str, object] | set[str], at: str) -> None:
        if ident not in known:
            raise InterchangeError(f"{at}: unknown {kind} '{ident}'")

    def once(key: tuple[str, ...], at: str, what: str = "recorded twice") -> None:
        if key in seen:
            raise InterchangeError(f"{at}: {what}")
        seen.add(key)

    seen: set[tuple[str, ...]] = set()
    for b in lot.bidders:
        for cid in b.values:
            need("criterion", cid, criteria, f"{where}.bidders[{b.id}].values")
            if criteria[cid].kind != "quantitative":
                raise InterchangeError(f"{where}.bidders[{b.id}].values: criterion '{cid}' is "
                                       "not quantitative")
    for a in lot.assignments:
        need("evaluator", a.evaluator, evaluators, f"{where}.assignments")
        for cid in a.criteria:
            need("criterion", cid, criteria, f"{where}.assignments[{a.evaluator}]")
    for s in lot.scores:
        at = f"{where}.scores[{s.evaluator}/{s.bidder}/{s.criterion}]"
        need("evaluator", s.evaluator, evaluators, at)
        need("bidder", s.bidder, bidders, at)
        need("criterion", s.criterion, criteria, at)
        check_score(data, criteria[s.criterion], s.score, at)
        once((s.evaluator, s.bidder, s.criterion), at, "scored twice")
    for m in lot.moderated:
        at = f"{where}.moderated[{m.bidder}/{m.criterion}]"
        need("bidder", m.bidder, bidders, at)
        need("criterion", m.criterion, criteria, at)
        check_score(data, criteria[m.criterion], m.score, at)
        once(("moderated", m.bidder, m.criterion), at, "moderated twice")
    for g in lot.gateways:
        at = f"{where}.gateways[{g.bidder}/{g.criterion}]"
        need("bidder", g.bidder, bidders, at)
        need("criterion", g.criterion, criteria, at)
        if criteria[g.criterion].kind != "pass_fail":
            raise InterchangeError(f"{at}: criterion '{g.criterion}' is not a pass/fail gateway")
        once(("gateway", g.bidder, g.criterion), at)
    for c in lot.conflicts:
        at = f"{where}.conflicts[{c.evaluator}]"
        need("evaluator", c.evaluator, evaluators, at)
        once(("conflict", c.evaluator), at)
        for bidder in c.bidders:
            need("bidder", bidder, bidders, at)
        if c.bidders and c.status != "declared":
            raise InterchangeError(f"{at}: names bidders but declares no conflict")
    for p in lot.parked:
        at = f"{where}.parked[{p.bidder}/{p.criterion}]"
        need("bidder", p.bidder, bidders, at)
        need("criterion", p.criterion, criteria, at)
        once(("parked", p.bidder, p.criterion), at)


def check_score(data: TenderData, criterion: Criterion, score: Decimal, at: str) -> None:
    if criterion.kind != "scored":
        raise InterchangeError(f"{at}: criterion '{criterion.id}' is not a scored criterion")
    scale = data.scale(criterion.scale)
    if scale is not None and not scale.allows(score):
        raise InterchangeError(f"{at}: score {dec_str(score)} is not on scale '{scale.id}' "
                               f"({dec_str(scale.lowest)}–{dec_str(scale.highest)})")
