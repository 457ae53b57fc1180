"""Domain objects to table rows and back. The only place that knows both shapes.

Reading a row whose names are outside their registry (a tender status, a spread unit) raises
`UnknownName`; the tender file turns that into a message naming the file.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from workbench.domain import (
    Assignment,
    Bidder,
    Commitment,
    Conflict,
    Criterion,
    Delivery,
    Evaluator,
    GatewayResult,
    Lot,
    LotConflict,
    Meeting,
    ModeratedScore,
    ModerationRules,
    PanelRules,
    Parked,
    Rounding,
    Scale,
    ScaleLevel,
    Score,
    Seal,
    Tender,
    TenderData,
    spread_unit,
    tender_status,
)
from workbench.numbers import dec_str, parse_stored

Row = dict[str, Any]


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
    )


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
    }


def criteria_rows(lot_id: str, roots: list[Criterion]) -> Iterator[Row]:
    def visit(nodes: list[Criterion], parent: str | None) -> Iterator[Row]:
        for i, node in enumerate(nodes):
            yield criterion_row(lot_id, node, parent, i)
            yield from visit(node.children, node.id)

    yield from visit(roots, None)


def bidder_row(lot_id: str, b: Bidder, position: int) -> Row:
    return {
        "lot_id": lot_id, "id": b.id, "name": b.name, "organisation_type": b.organisation_type,
        "price": _d(b.price), "anonymous_code": b.anonymous_code, "withdrawn": int(b.withdrawn),
        "withdrawn_reason": b.withdrawn_reason, "position": position,
    }


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
        "recused": json.dumps(m.recused),
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
    return {"lot_id": c.lot_id, "bidder_id": c.bidder_id, "criterion_id": c.criterion_id,
            "committed": dec_str(c.committed), "unit": c.unit, "period": c.period,
            "periods_planned": c.periods_planned, "note": c.note}


def commitment_of(r: Row) -> Commitment:
    return Commitment(r["lot_id"], r["bidder_id"], r["criterion_id"], Decimal(r["committed"]),
                      r["unit"], r["period"], r["periods_planned"], r["note"])


def delivery_row(d: Delivery) -> Row:
    return {"lot_id": d.lot_id, "bidder_id": d.bidder_id, "criterion_id": d.criterion_id,
            "period": d.period, "delivered": dec_str(d.delivered), "evidence": d.evidence,
            "recorded_on": d.recorded_on}


def delivery_of(r: Row) -> Delivery:
    return Delivery(r["lot_id"], r["bidder_id"], r["criterion_id"], r["period"],
                    Decimal(r["delivered"]), r["evidence"], r["recorded_on"])


def assignment_rows(lot_id: str, a: Assignment) -> Iterator[Row]:
    for criterion_id in a.criteria:
        yield {"lot_id": lot_id, "evaluator_id": a.evaluator, "criterion_id": criterion_id}


def rows_of(data: TenderData, uid: str) -> dict[str, list[Row]]:
    """Every row a whole tender is stored as, by table, in insertion order (parents first)."""
    rows: dict[str, list[Row]] = defaultdict(list)
    rows["tender"].append(tender_row(data.tender, uid))
    for scale in data.scales:
        head, levels = scale_rows(scale)
        rows["scales"].append(head)
        rows["scale_levels"].extend(levels)
    rows["evaluators"] = [evaluator_row(e, i) for i, e in enumerate(data.evaluators)]
    for position, lot in enumerate(data.lots):
        rows["lots"].append({"id": lot.id, "title": lot.title, "position": position})
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
    return rows


def data_of(rows: Mapping[str, list[Row]]) -> TenderData:
    """Rebuild a whole tender from its rows (each table's rows in key order)."""
    tender = tender_of(rows["tender"][0])
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
    by_lot: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for table in ("criteria", "bidders", "bidder_values", "assignments", "scores", "moderated",
                  "gateways", "lot_conflicts", "meetings", "parked", "commitments", "deliveries"):
        for row in rows[table]:
            by_lot[row["lot_id"]][table].append(row)
    lots = [_lot(lot["id"], lot["title"], by_lot[lot["id"]])
            for lot in sorted(rows["lots"], key=lambda lot: lot["position"])]
    return TenderData(tender, scales, evaluators, lots)


def _lot(lot_id: str, title: str, rows: Mapping[str, list[Row]]) -> Lot:
    nodes = {
        r["id"]: (r, Criterion(
            id=r["id"], title=r["title"], kind=r["kind"], weight=parse_stored(r["weight"]),
            scale=r["scale_id"], minimum=parse_stored(r["minimum"]), normalise=r["normalise"],
            formula=r["formula"], direction=r["direction"], theme=r["theme"], unit=r["unit"],
            question=r["question"], guidance=r["guidance"], good_answer=r["good_answer"]))
        for r in sorted(rows["criteria"], key=lambda r: r["position"])
    }
    roots: list[Criterion] = []
    for row, node in nodes.values():
        parent = nodes.get(row["parent_id"]) if row["parent_id"] else None
        (parent[1].children if parent else roots).append(node)
    values: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for v in rows["bidder_values"]:
        values[v["bidder_id"]][v["criterion_id"]] = Decimal(v["value"])
    bidders = [
        Bidder(b["id"], b["name"], b["organisation_type"], parse_stored(b["price"]),
               values[b["id"]], b["anonymous_code"], bool(b["withdrawn"]), b["withdrawn_reason"])
        for b in sorted(rows["bidders"], key=lambda b: b["position"])
    ]
    assigned: dict[str, list[str]] = defaultdict(list)
    for a in rows["assignments"]:
        assigned[a["evaluator_id"]].append(a["criterion_id"])
    order = {c.id: i for i, c in enumerate(c for root in roots for c in root.walk())}
    assignments = [Assignment(e, sorted(cids, key=lambda c: order.get(c, 0)))
                   for e, cids in assigned.items()]
    scores = [Score(s["evaluator_id"], s["bidder_id"], s["criterion_id"], Decimal(s["score"]),
                    s["rationale"], s["status"], s["entered_by"], s["override_reason"])
              for s in rows["scores"]]
    moderated = [ModeratedScore(m["bidder_id"], m["criterion_id"], Decimal(m["score"]),
                                m["rationale"], m["agreed_by"], m["agreed_at"],
                                json.loads(m["attendees"]), json.loads(m["recused"]))
                 for m in rows["moderated"]]
    gateways = [GatewayResult(g["bidder_id"], g["criterion_id"], g["result"], g["rationale"])
                for g in rows["gateways"]]
    return Lot(lot_id, title, roots, bidders, assignments, scores, moderated, gateways,
               [conflict_of(r) for r in rows["lot_conflicts"]],
               sorted((meeting_of(r) for r in rows["meetings"]),
                      key=lambda m: (m.started_at, m.id)),
               [parked_of(r) for r in rows["parked"]],
               [commitment_of(r) for r in rows["commitments"]],
               [delivery_of(r) for r in rows["deliveries"]])
