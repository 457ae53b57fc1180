"""Domain objects to table rows and back. The only place that knows both shapes.

Reading a row whose names are outside their registry (a tender status, a spread unit) raises
`UnknownName`; the tender file turns that into a message naming the file.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, TypeVar

from workbench.domain import (
    Assignment,
    AwardRecord,
    Bidder,
    Commitment,
    Conflict,
    Criterion,
    Delivery,
    Evaluator,
    GatewayResult,
    Lot,
    LotConflict,
    LowBidReview,
    Meeting,
    ModeratedScore,
    ModerationRules,
    MonitoringReturn,
    MonitoringRules,
    PanelRules,
    Parked,
    Rounding,
    Scale,
    ScaleLevel,
    Score,
    Seal,
    Tender,
    TenderData,
    UnknownName,
    spread_unit,
    tender_status,
)
from workbench.numbers import dec_str, parse_stored
from workbench.scoring.formulas import (
    AWARD_METHODS,
    DIRECTIONS,
    NORMALISATIONS,
    PRICE_FORMULAS,
    Registry,
)

Row = dict[str, Any]
T = TypeVar("T")
#: The key of the award record's one row.
AWARD_ID = "award"


def _d(value: Decimal | None) -> str | None:
    return None if value is None else dec_str(value)


def tender_row(tender: Tender, uid: str) -> Row:
    seal, panel, moderation = tender.seal, tender.panel, tender.moderation
    return {
        "id": 1, "uid": uid, "title": tender.title, "reference": tender.reference,
        "authority": tender.authority, "currency": tender.currency,
        "estimated_value": _d(tender.estimated_value),
        "total_points": dec_str(tender.total_points),
        "social_value_minimum_weight": dec_str(tender.social_value_minimum_weight),
        "rounding_decimals": tender.rounding.decimals, "rounding_mode": tender.rounding.mode,
        "rounding_stage": tender.rounding.stage, "procedure": tender.procedure,
        "status": tender.status,
        "sealed_at": seal.sealed_at if seal else None, "seal_hash": seal.hash if seal else None,
        "blind_scoring": int(panel.blind_scoring), "min_evaluators": panel.min_evaluators,
        "rationale_min_length": panel.rationale_min_length,
        "spread_threshold": dec_str(moderation.spread_threshold),
        "spread_threshold_unit": moderation.spread_unit,
        "shared_model": int(tender.shared_model),
        "abnormally_low_percent": dec_str(tender.abnormally_low_percent),
        "criteria_published": tender.criteria_published, "cpv": tender.cpv,
    }


def tender_of(t: Row) -> Tender:
    """The tender from its stored row; UnknownName for a status or unit outside its registry."""
    return Tender(
        title=t["title"], reference=t["reference"], authority=t["authority"],
        currency=t["currency"], estimated_value=parse_stored(t["estimated_value"]),
        total_points=Decimal(t["total_points"]),
        social_value_minimum_weight=Decimal(t["social_value_minimum_weight"]),
        rounding=Rounding(t["rounding_decimals"], t["rounding_mode"], t["rounding_stage"]),
        procedure=t["procedure"], status=tender_status(t["status"]),
        seal=Seal(t["sealed_at"] or "", t["seal_hash"]) if t["seal_hash"] else None,
        panel=PanelRules(bool(t["blind_scoring"]), int(t["min_evaluators"]),
                         int(t["rationale_min_length"])),
        moderation=ModerationRules(Decimal(str(t["spread_threshold"])),
                                   spread_unit(t["spread_threshold_unit"])),
        shared_model=bool(t["shared_model"]), uid=t["uid"],
        abnormally_low_percent=Decimal(t["abnormally_low_percent"]),
        criteria_published=t["criteria_published"], cpv=t["cpv"],
    )


def award_row(award: AwardRecord) -> Row:
    return {"id": AWARD_ID, "summaries_sent_on": award.summaries_sent_on,
            "award_notice_on": award.award_notice_on}


def scale_rows(scale: Scale) -> tuple[Row, list[Row]]:
    head = {"id": scale.id, "name": scale.name, "min": _d(scale.min), "max": _d(scale.max),
            "step": _d(scale.step)}
    levels = [
        {"scale_id": scale.id, "value": dec_str(level.value), "label": level.label,
         "descriptor": level.descriptor, "position": i}
        for i, level in enumerate(scale.levels)
    ]
    return head, levels


def evaluator_row(evaluator: Evaluator, position: int) -> Row:
    c = evaluator.conflict
    return {
        "id": evaluator.id, "name": evaluator.name, "role": evaluator.role,
        "conflict_status": c.status, "conflict_declared_on": c.declared_on,
        "conflict_nature": c.nature, "conflict_mitigation": c.mitigation, "position": position,
    }


def criterion_row(lot_id: str, c: Criterion, parent_id: str | None, position: int) -> Row:
    return {
        "lot_id": lot_id, "id": c.id, "parent_id": parent_id, "position": position,
        "title": c.title, "kind": c.kind, "weight": _d(c.weight), "scale_id": c.scale,
        "minimum": _d(c.minimum), "normalise": c.normalise, "formula": c.formula,
        "direction": c.direction, "theme": c.theme, "unit": c.unit, "question": c.question,
        "guidance": c.guidance, "good_answer": c.good_answer,
        "minimum_percent": _d(c.minimum_percent), "min_value": _d(c.min_value),
        "max_value": _d(c.max_value),
    }


def criteria_rows(lot_id: str, roots: list[Criterion]) -> Iterator[Row]:
    def visit(nodes: list[Criterion], parent: str | None) -> Iterator[Row]:
        for i, node in enumerate(nodes):
            yield criterion_row(lot_id, node, parent, i)
            yield from visit(node.children, node.id)

    yield from visit(roots, None)


def lot_row(lot: Lot, position: int) -> Row:
    return {"id": lot.id, "title": lot.title, "position": position,
            "award_method": lot.award_method, "price_ceiling": _d(lot.price_ceiling)}


def bidder_row(lot_id: str, b: Bidder, position: int) -> Row:
    # Several types are kept in the one column as people read them ("SME, VCSE"), so a file
    # written before types could overlap reads, and audits, exactly as it did.
    return {
        "lot_id": lot_id, "id": b.id, "name": b.name, "organisation_type": b.organisation_type,
        "price": _d(b.price), "anonymous_code": b.anonymous_code, "withdrawn": int(b.withdrawn),
        "withdrawn_reason": b.withdrawn_reason, "position": position, "address": b.address,
        "email": b.email, "identifier": b.identifier, "received_on": b.received_on,
    }


def organisation_types(text: str) -> tuple[str, ...]:
    """The types stored in a bidder row's `organisation_type` column ("SME, VCSE")."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def review_row(lot_id: str, r: LowBidReview) -> Row:
    return {"lot_id": lot_id, "bidder_id": r.bidder, "price": dec_str(r.price),
            "question": r.question, "response": r.response, "decision": r.decision,
            "reason": r.reason, "decided_at": r.decided_at}


def value_row(lot_id: str, bidder_id: str, criterion_id: str, value: Decimal) -> Row:
    return {"lot_id": lot_id, "bidder_id": bidder_id, "criterion_id": criterion_id,
            "value": dec_str(value)}


def score_row(lot_id: str, s: Score) -> Row:
    return {
        "lot_id": lot_id, "evaluator_id": s.evaluator, "bidder_id": s.bidder,
        "criterion_id": s.criterion, "score": dec_str(s.score), "rationale": s.rationale,
        "status": s.status, "entered_by": s.entered_by, "override_reason": s.override_reason,
    }


def moderated_row(lot_id: str, m: ModeratedScore) -> Row:
    return {
        "lot_id": lot_id, "bidder_id": m.bidder, "criterion_id": m.criterion,
        "score": dec_str(m.score), "rationale": m.rationale, "agreed_by": m.agreed_by,
        "agreed_at": m.agreed_at, "attendees": json.dumps(m.attendees, ensure_ascii=False),
        "recused": json.dumps(m.recused), "feedback": m.feedback,
    }


def gateway_row(lot_id: str, g: GatewayResult) -> Row:
    return {"lot_id": lot_id, "bidder_id": g.bidder, "criterion_id": g.criterion,
            "result": g.result, "rationale": g.rationale}


def conflict_row(lot_id: str, c: LotConflict) -> Row:
    return {"lot_id": lot_id, "evaluator_id": c.evaluator, "status": c.status,
            "declared_on": c.declared_on, "nature": c.nature, "mitigation": c.mitigation,
            "bidders": json.dumps(list(c.bidders))}


def conflict_of(r: Mapping[str, Any]) -> LotConflict:
    return LotConflict(r["evaluator_id"], r["status"], r["declared_on"], r["nature"],
                       r["mitigation"], tuple(json.loads(r["bidders"])))


def meeting_row(m: Meeting) -> Row:
    return {"id": m.id, "lot_id": m.lot_id, "chair": m.chair,
            "attendees": json.dumps(list(m.attendees), ensure_ascii=False),
            "started_at": m.started_at, "ended_at": m.ended_at}


def meeting_of(r: Row) -> Meeting:
    return Meeting(r["id"], r["lot_id"], r["chair"], tuple(json.loads(r["attendees"])),
                   r["started_at"], r["ended_at"])


def parked_row(lot_id: str, p: Parked) -> Row:
    return {"lot_id": lot_id, "bidder_id": p.bidder, "criterion_id": p.criterion,
            "note": p.note, "parked_at": p.parked_at}


def parked_of(r: Row) -> Parked:
    return Parked(r["bidder_id"], r["criterion_id"], r["note"], r["parked_at"])


def commitment_row(c: Commitment) -> Row:
    return {"lot_id": c.lot_id, "bidder_id": c.bidder_id, "id": c.id,
            "criterion_id": c.criterion_id, "measure": c.measure, "unit": c.unit,
            "target": _d(c.target), "basis": c.basis, "periods": c.periods,
            "proxy_value": _d(c.proxy_value), "source": c.source}


def commitment_of(r: Row) -> Commitment:
    return Commitment(r["lot_id"], r["bidder_id"], r["id"], r["criterion_id"], r["measure"],
                      r["unit"], parse_stored(r["target"]), r["basis"], r["periods"],
                      parse_stored(r["proxy_value"]), r["source"])


def delivery_row(d: Delivery) -> Row:
    return {"lot_id": d.lot_id, "bidder_id": d.bidder_id, "commitment_id": d.commitment_id,
            "period": d.period, "delivered": dec_str(d.delivered), "narrative": d.narrative,
            "evidence": d.evidence, "recorded_on": d.recorded_on}


def delivery_of(r: Row) -> Delivery:
    return Delivery(r["lot_id"], r["bidder_id"], r["commitment_id"], r["period"],
                    Decimal(r["delivered"]), r["evidence"], r["recorded_on"], r["narrative"])


def return_row(m: MonitoringReturn) -> Row:
    return {"id": m.id, "lot_id": m.lot_id, "bidder_id": m.bidder_id, "period": m.period,
            "issued_at": m.issued_at, "merged_at": m.merged_at}


def return_of(r: Row) -> MonitoringReturn:
    return MonitoringReturn(r["id"], r["lot_id"], r["bidder_id"], r["period"], r["issued_at"],
                            r["merged_at"])


def monitoring_rules_row(m: MonitoringRules) -> Row:
    return {"id": 1, "method": m.method, "good_at": dec_str(m.good_at),
            "approaching_at": dec_str(m.approaching_at),
            "improvement_at": dec_str(m.improvement_at)}


def monitoring_rules_of(rows: list[Row]) -> MonitoringRules:
    """The stored rating rules, or the defaults when the tender never set them."""
    if not rows:
        return MonitoringRules()
    r = rows[0]
    return MonitoringRules(r["method"], Decimal(r["good_at"]), Decimal(r["approaching_at"]),
                           Decimal(r["improvement_at"]))


def assignment_rows(lot_id: str, a: Assignment) -> Iterator[Row]:
    for criterion_id in a.criteria:
        yield {"lot_id": lot_id, "evaluator_id": a.evaluator, "criterion_id": criterion_id}


def rows_of(data: TenderData, uid: str) -> dict[str, list[Row]]:
    """Every row a whole tender is stored as, by table, in insertion order (parents first)."""
    rows: dict[str, list[Row]] = defaultdict(list)
    rows["tender"].append(tender_row(data.tender, uid))
    if data.award != AwardRecord():
        rows["award_record"].append(award_row(data.award))
    if data.tender.monitoring != MonitoringRules():
        rows["monitoring_rules"].append(monitoring_rules_row(data.tender.monitoring))
    for scale in data.scales:
        head, levels = scale_rows(scale)
        rows["scales"].append(head)
        rows["scale_levels"].extend(levels)
    rows["evaluators"] = [evaluator_row(e, i) for i, e in enumerate(data.evaluators)]
    for position, lot in enumerate(data.lots):
        rows["lots"].append(lot_row(lot, position))
        rows["criteria"].extend(criteria_rows(lot.id, lot.criteria))
        for i, bidder in enumerate(lot.bidders):
            rows["bidders"].append(bidder_row(lot.id, bidder, i))
            rows["bidder_values"].extend(
                value_row(lot.id, bidder.id, cid, v) for cid, v in bidder.values.items()
            )
        for a in lot.assignments:
            rows["assignments"].extend(assignment_rows(lot.id, a))
        rows["scores"].extend(score_row(lot.id, s) for s in lot.scores)
        rows["moderated"].extend(moderated_row(lot.id, m) for m in lot.moderated)
        rows["gateways"].extend(gateway_row(lot.id, g) for g in lot.gateways)
        rows["lot_conflicts"].extend(conflict_row(lot.id, c) for c in lot.conflicts)
        rows["meetings"].extend(meeting_row(m) for m in lot.meetings)
        rows["parked"].extend(parked_row(lot.id, p) for p in lot.parked)
        rows["commitments"].extend(commitment_row(c) for c in lot.commitments)
        rows["deliveries"].extend(delivery_row(d) for d in lot.deliveries)
        rows["low_bid_reviews"].extend(review_row(lot.id, r) for r in lot.low_bid_reviews)
        rows["monitoring_returns"].extend(return_row(m) for m in lot.returns)
    return rows


#: The tables a lot is stored in, apart from its scores (read in full or not at all).
LOT_TABLES = ("criteria", "bidders", "bidder_values", "assignments", "gateways",
              "lot_conflicts", "meetings", "parked", "commitments", "deliveries",
              "low_bid_reviews", "monitoring_returns")
#: The columns scores and agreed scores are read with, in the order `lot_of` takes them:
#: these tables hold nearly all of a tender's rows, so they are read as plain tuples.
SCORE_COLUMNS = ("evaluator_id", "bidder_id", "criterion_id", "score", "rationale", "status",
                 "entered_by", "override_reason")
MODERATED_COLUMNS = ("bidder_id", "criterion_id", "score", "rationale", "agreed_by",
                     "agreed_at", "attendees", "recused", "feedback")


def head_of(rows: Mapping[str, list[Row]]) -> TenderData:
    """The tender, its scales and its panel from their rows, with no lots yet."""
    tender = tender_of(rows["tender"][0])
    tender.monitoring = monitoring_rules_of(list(rows["monitoring_rules"]))
    levels: dict[str, list[Row]] = defaultdict(list)
    for row in rows["scale_levels"]:
        levels[row["scale_id"]].append(row)
    scales = [
        Scale(
            id=s["id"], name=s["name"], min=parse_stored(s["min"]), max=parse_stored(s["max"]),
            step=parse_stored(s["step"]),
            levels=[ScaleLevel(Decimal(lv["value"]), lv["label"], lv["descriptor"])
                    for lv in sorted(levels[s["id"]], key=lambda lv: lv["position"])],
        )
        for s in rows["scales"]
    ]
    evaluators = [
        Evaluator(e["id"], e["name"], e["role"], Conflict(
            e["conflict_status"], e["conflict_declared_on"], e["conflict_nature"],
            e["conflict_mitigation"]))
        for e in sorted(rows["evaluators"], key=lambda e: e["position"])
    ]
    award = AwardRecord(*(rows["award_record"][0][c] for c in ("summaries_sent_on",
                                                               "award_notice_on"))) \
        if rows.get("award_record") else AwardRecord()
    return TenderData(tender, scales, evaluators, [], award)


def _named(registry: Registry[Any], name: str, where: str) -> str:
    """A stored name looked up in its registry: an unknown one refuses the file, naming where
    it is, rather than scoring by some default."""
    try:
        return registry.check(name)
    except UnknownName as exc:
        raise UnknownName(f"{where}: {exc}") from None


def check_names(criteria: list[Row], lots: list[Row]) -> None:
    """UnknownName, naming the lot and criterion, for a formula, direction, normalisation or
    award method outside its registry (a file from a newer version, or changed by hand)."""
    for r in criteria:
        _criterion(r["lot_id"], r)
    for lot in lots:
        _named(AWARD_METHODS, lot["award_method"], f"lot {lot['id']}")


def _criterion(lot_id: str, r: Row) -> Criterion:
    where = f"lot {lot_id}, criterion {r['id']}"
    return Criterion(
        id=r["id"], title=r["title"], kind=r["kind"], weight=parse_stored(r["weight"]),
        scale=r["scale_id"], minimum=parse_stored(r["minimum"]),
        normalise=_named(NORMALISATIONS, r["normalise"], where),
        formula=_named(PRICE_FORMULAS, r["formula"], where),
        direction=_named(DIRECTIONS, r["direction"], where), theme=r["theme"], unit=r["unit"],
        question=r["question"], guidance=r["guidance"], good_answer=r["good_answer"],
        minimum_percent=parse_stored(r["minimum_percent"]),
        min_value=parse_stored(r["min_value"]), max_value=parse_stored(r["max_value"]))


def lot_of(lot: Row, rows: Mapping[str, list[Row]], scores: Iterable[tuple[Any, ...]],
           moderated: Iterable[tuple[Any, ...]]) -> Lot:
    """One lot from its row, its `LOT_TABLES` rows (each in key order) and its score tuples
    (`SCORE_COLUMNS`, `MODERATED_COLUMNS`)."""
    lot_id = lot["id"]
    nodes = {r["id"]: (r, _criterion(lot_id, r))
             for r in sorted(rows["criteria"], key=lambda r: r["position"])}
    roots: list[Criterion] = []
    for row, node in nodes.values():
        parent = nodes.get(row["parent_id"]) if row["parent_id"] else None
        (parent[1].children if parent else roots).append(node)
    values: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for v in rows["bidder_values"]:
        values[v["bidder_id"]][v["criterion_id"]] = Decimal(v["value"])
    bidders = [
        Bidder(b["id"], b["name"], organisation_types(b["organisation_type"]),
               parse_stored(b["price"]),
               values[b["id"]], b["anonymous_code"], bool(b["withdrawn"]), b["withdrawn_reason"],
               b["address"], b["email"], b["identifier"], b["received_on"])
        for b in sorted(rows["bidders"], key=lambda b: b["position"])
    ]
    assigned: dict[str, list[str]] = defaultdict(list)
    for a in rows["assignments"]:
        assigned[a["evaluator_id"]].append(a["criterion_id"])
    order = {c.id: i for i, c in enumerate(c for root in roots for c in root.walk())}
    assignments = [Assignment(e, sorted(cids, key=lambda c: order.get(c, 0)))
                   for e, cids in assigned.items()]
    score_list, agreed = scores_of(scores), agreed_of(moderated)
    gateways = [GatewayResult(g["bidder_id"], g["criterion_id"], g["result"], g["rationale"])
                for g in rows["gateways"]]
    reviews = [LowBidReview(r["bidder_id"], Decimal(r["price"]), r["question"], r["response"],
                            r["decision"], r["reason"], r["decided_at"])
               for r in rows["low_bid_reviews"]]
    return Lot(lot_id, lot["title"], roots, bidders, assignments, score_list, agreed,
               gateways, [conflict_of(r) for r in rows["lot_conflicts"]],
               sorted((meeting_of(r) for r in rows["meetings"]),
                      key=lambda m: (m.started_at, m.id)),
               [parked_of(r) for r in rows["parked"]],
               [commitment_of(r) for r in rows["commitments"]],
               [delivery_of(r) for r in rows["deliveries"]],
               award_method=_named(AWARD_METHODS, lot["award_method"], f"lot {lot_id}"),
               price_ceiling=parse_stored(lot["price_ceiling"]), low_bid_reviews=reviews,
               returns=[return_of(r) for r in rows["monitoring_returns"]])


def scores_of(rows: Iterable[tuple[Any, ...]]) -> list[Score]:
    """Scores from `SCORE_COLUMNS` tuples."""
    # Tens of thousands of scores share a handful of values: each is parsed once (Decimals
    # are immutable, so sharing them is safe).
    number = _Parsed(Decimal)
    return [Score(e, b, c, number[v], r, st, by, why) for e, b, c, v, r, st, by, why in rows]


def agreed_of(rows: Iterable[tuple[Any, ...]]) -> list[ModeratedScore]:
    """Agreed scores from `MODERATED_COLUMNS` tuples (each with its own lists of people)."""
    number, people = _Parsed(Decimal), _Parsed(json.loads)
    return [ModeratedScore(b, c, number[v], r, by, at, list(people[who]), list(people[out]),
                           feedback)
            for b, c, v, r, by, at, who, out, feedback in rows]


def patched_lot(lot: Lot, changes: Iterable[tuple[str, Row | None, Row | None]]) -> Lot | None:
    """`lot` with changed rows (table, before, after) applied, when all of them are its scores
    or agreed scores (what scoring and moderation change, one at a time); None when anything
    else changed and the lot must be read again. `lot` itself is left as it was."""
    scores, agreed = lot.scores, lot.moderated
    key: tuple[str, ...]
    for table, before, after in changes:
        row = after if after is not None else before
        assert row is not None
        if table == "scores":
            key = (row["evaluator_id"], row["bidder_id"], row["criterion_id"])
            new = scores_of([tuple(after[c] for c in SCORE_COLUMNS)]) if after else []
            scores = _spliced(scores, lambda s: (s.evaluator, s.bidder, s.criterion), key, new)
        elif table == "moderated":
            key = (row["bidder_id"], row["criterion_id"])
            found = agreed_of([tuple(after[c] for c in MODERATED_COLUMNS)]) if after else []
            agreed = _spliced(agreed, lambda m: (m.bidder, m.criterion), key, found)
        elif table in LOT_TABLES:
            return None
        # Any other table (meetings, parked items, packs...) is not part of the lot.
    return replace(lot, scores=scores, moderated=agreed)


def _spliced(items: list[T], key_of: Callable[[T], tuple[str, ...]], key: tuple[str, ...],
             new: list[T]) -> list[T]:
    """A copy of `items` (in key order) with the item of `key` replaced by `new` (one item,
    or none to delete it), kept in key order."""
    at = bisect_left(items, key, key=key_of)
    found = at < len(items) and key_of(items[at]) == key
    return items[:at] + new + items[at + 1 if found else at:]


class _Parsed(dict[str, Any]):
    """Each text parsed once by `parse`, then looked up."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        super().__init__()
        self._parse = parse

    def __missing__(self, text: str) -> Any:
        value = self[text] = self._parse(text)
        return value
