"""The interchange JSON `workbench-tender/1`: parse strictly, write deterministically.

Parsing is all-or-nothing: the first problem raises `InterchangeError` naming where it is
(`lots[0].criteria[Q].children[Q1]: unknown key 'wieght'`). Writing emits the keys of
DESIGN.md always and optional extension keys only when they differ from their defaults, so
export → import → export gives identical text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from workbench.bidders import checked_email, checked_received
from workbench.domain import (
    CONFLICT_STATUSES,
    GATEWAY_RESULTS,
    ORGANISATION_TYPES,
    ROUNDING_MODES,
    ROUNDING_STAGES,
    SCORE_STATUSES,
    TENDER_STATUSES,
    Assignment,
    AwardRecord,
    Bidder,
    Conflict,
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
from workbench.errors import InterchangeError, ValidationError
from workbench.model_rules import errors as model_errors
from workbench.numbers import dec_str, to_decimal

FORMAT = "workbench-tender/1"


# -- reading ----------------------------------------------------------------------------


class _Obj:
    """A JSON object being read: typed getters that name the path on error, and a check that
    every key was understood."""

    def __init__(self, value: object, path: str, allowed: Iterable[str]) -> None:
        if not isinstance(value, dict):
            raise InterchangeError(f"{path}: expected an object")
        if isinstance(value.get("id"), str) and path.endswith("]"):
            path = f"{path[: path.rindex('[')]}[{value['id']}]"  # name items by id, not index
        unknown = [k for k in value if k not in set(allowed)]
        if unknown:
            raise InterchangeError(f"{path}: unknown key '{unknown[0]}'")
        self.value: dict[str, Any] = value
        self.path = path

    def fail(self, message: str) -> InterchangeError:
        return InterchangeError(f"{self.path}: {message}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.value.get(key, default)
        if value is None:
            raise self.fail(f"missing '{key}'")
        if not isinstance(value, str):
            raise self.fail(f"'{key}' must be text")
        return value

    def opt_text(self, key: str) -> str | None:
        value = self.value.get(key)
        if value is not None and not isinstance(value, str):
            raise self.fail(f"'{key}' must be text")
        return value

    def ident(self, key: str) -> str:
        value = self.text(key)
        if not value.strip():
            raise self.fail(f"'{key}' must not be empty")
        return value

    def number(self, key: str, default: Decimal | None = None) -> Decimal:
        value = self.opt_number(key)
        if value is None:
            if default is None:
                raise self.fail(f"missing '{key}'")
            return default
        return value

    def opt_number(self, key: str) -> Decimal | None:
        value = self.value.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise self.fail(f"'{key}' must be a number, not {json.dumps(value, default=str)}")
        try:
            return to_decimal(value, key)
        except ValueError as exc:
            raise self.fail(str(exc)) from None

    def choice(self, key: str, options: Iterable[str], default: str) -> str:
        value = self.text(key, default)
        if value not in options:
            raise self.fail(f"'{key}' must be one of {', '.join(options)}, not '{value}'")
        return value

    def items(self, key: str) -> list[Any]:
        value = self.value.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"'{key}' must be a list")
        return value


def loads(text: str) -> TenderData:
    """Parse interchange JSON text into a tender, or raise InterchangeError."""
    try:
        raw = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InterchangeError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: "
                               f"{exc.msg})") from None
    root = _Obj(raw, "file", ("format", "tender", "scales", "evaluators", "lots"))
    if root.value.get("format") != FORMAT:
        raise InterchangeError(f"file: 'format' must be \"{FORMAT}\"")
    data = TenderData(
        tender=_tender(root.value.get("tender")),
        award=_award(root.value.get("tender")),
        scales=[_scale(v, f"scales[{i}]") for i, v in enumerate(root.items("scales"))],
        evaluators=[_evaluator(v, f"evaluators[{i}]")
                    for i, v in enumerate(root.items("evaluators"))],
        lots=[_lot(v, f"lots[{i}]") for i, v in enumerate(root.items("lots"))],
    )
    _check_unique("scales", [s.id for s in data.scales])
    _check_unique("evaluators", [e.id for e in data.evaluators])
    _check_unique("lots", [lot.id for lot in data.lots])
    broken = model_errors(data)
    if broken:
        raise InterchangeError(str(broken[0]))
    for lot in data.lots:
        _check_references(data, lot)
    return data


def _check_unique(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            raise InterchangeError(f"{what}: the id '{ident}' is used twice")
        seen.add(ident)


def _tender(value: object) -> Tender:
    t = _Obj(value, "tender", ("title", "reference", "authority", "currency", "estimated_value",
                               "total_points", "social_value_minimum_weight", "rounding",
                               "procedure", "status", "criteria_published", "cpv",
                               "summaries_sent_on", "award_notice_on"))
    r = _Obj(t.value.get("rounding", {}), "tender.rounding", ("decimals", "mode", "stage"))
    decimals = r.number("decimals", Decimal(2))
    if decimals != decimals.to_integral_value() or not 0 <= decimals <= 6:
        raise r.fail("'decimals' must be a whole number from 0 to 6")
    total = t.number("total_points", Decimal(100))
    if total <= 0:
        raise t.fail("'total_points' must be more than 0")
    return Tender(
        title=t.ident("title"), reference=t.text("reference", ""),
        authority=t.text("authority", ""), currency=t.text("currency", "GBP"),
        estimated_value=t.opt_number("estimated_value"), total_points=total,
        social_value_minimum_weight=t.number("social_value_minimum_weight", Decimal(10)),
        rounding=Rounding(int(decimals), r.choice("mode", ROUNDING_MODES, "half_up"),
                          r.choice("stage", ROUNDING_STAGES, "final")),
        procedure=t.text("procedure", ""), status=t.choice("status", TENDER_STATUSES, "setup"),
        criteria_published=t.text("criteria_published", ""), cpv=t.text("cpv", ""),
    )


def _award(value: object) -> AwardRecord:
    """The award record travels in the tender object (its dates, when summaries were sent and
    the award notice published)."""
    t = value if isinstance(value, dict) else {}
    dates = []
    for key in ("summaries_sent_on", "award_notice_on"):
        text = t.get(key, "")
        if not isinstance(text, str):
            raise InterchangeError(f"tender: '{key}' must be text")
        try:
            dates.append(_iso_date(text))
        except ValueError:
            raise InterchangeError(f"tender: '{key}' must be a date such as 2026-12-01, not "
                                   f"'{text[:30]}'") from None
    return AwardRecord(*dates)


def _iso_date(text: str) -> str:
    return date.fromisoformat(text).isoformat() if text else ""


def _scale(value: object, path: str) -> Scale:
    s = _Obj(value, path, ("id", "name", "levels", "min", "max", "step"))
    path = s.path
    levels = []
    for i, item in enumerate(s.items("levels")):
        lv = _Obj(item, f"{path}.levels[{i}]", ("value", "label", "descriptor"))
        levels.append(ScaleLevel(lv.number("value"), lv.text("label", ""),
                                  lv.text("descriptor", "")))
    scale = Scale(s.ident("id"), s.text("name", s.value.get("id", "")), levels,
                  s.opt_number("min"), s.opt_number("max"), s.opt_number("step"))
    if levels:
        if scale.min is not None or scale.max is not None:
            raise s.fail("give either 'levels' or 'min'/'max', not both")
        if len({lv.value for lv in levels}) != len(levels):
            raise s.fail("two levels have the same value")
    elif scale.min is None or scale.max is None:
        raise s.fail("needs 'levels', or 'min' and 'max'")
    elif scale.min >= scale.max:
        raise s.fail("'min' must be below 'max'")
    elif scale.step is not None and scale.step <= 0:
        raise s.fail("'step' must be more than 0")
    return scale


def _evaluator(value: object, path: str) -> Evaluator:
    e = _Obj(value, path, ("id", "name", "role", "conflict"))
    c = _Obj(e.value.get("conflict", {}), f"{path}.conflict",
             ("status", "declared_on", "nature", "mitigation"))
    return Evaluator(e.ident("id"), e.ident("name"), e.text("role", ""), Conflict(
        c.choice("status", CONFLICT_STATUSES, "none"), c.opt_text("declared_on"),
        c.text("nature", ""), c.text("mitigation", "")))


_CRITERION_KEYS = ("id", "title", "weight", "type", "children", "scale", "minimum", "normalise",
                   "formula", "direction", "theme", "unit", "question", "guidance", "good_answer")


def _criterion(value: object, prefix: str, index: int) -> Criterion:
    c = _Obj(value, f"{prefix}[{index}]", _CRITERION_KEYS)
    children = [_criterion(v, f"{c.path}.children", i) for i, v in enumerate(c.items("children"))]
    kind = c.text("type", "group" if children else None)
    return Criterion(
        id=c.ident("id"), title=c.text("title"), kind=kind, weight=c.opt_number("weight"),
        children=children, scale=c.opt_text("scale"), minimum=c.opt_number("minimum"),
        normalise=c.text("normalise", "max"), formula=c.text("formula", "lowest_over_bid"),
        direction=c.text("direction", "higher_is_better"), theme=c.opt_text("theme"),
        unit=c.text("unit", ""), question=c.text("question", ""),
        guidance=c.text("guidance", ""), good_answer=c.text("good_answer", ""),
    )


def _lot(value: object, path: str) -> Lot:
    lot = _Obj(value, path, ("id", "title", "criteria", "bidders", "assignments", "scores",
                             "moderated", "gateways"))
    path = lot.path
    bidders = []
    for i, item in enumerate(lot.items("bidders")):
        b = _Obj(item, f"{path}.bidders[{i}]", ("id", "name", "organisation_type", "price",
                                                 "values", "anonymous_code", "withdrawn",
                                                 "withdrawn_reason", "address", "email",
                                                 "identifier", "received_on"))
        raw_values = b.value.get("values", {})
        if not isinstance(raw_values, dict):
            raise b.fail("'values' must be an object of criterion id to number")
        values = _Obj(raw_values, f"{b.path}.values", raw_values)
        withdrawn = b.value.get("withdrawn", False)
        if not isinstance(withdrawn, bool):
            raise b.fail("'withdrawn' must be true or false")
        bidders.append(Bidder(
            b.ident("id"), b.ident("name"),
            b.choice("organisation_type", ORGANISATION_TYPES, "SME"), b.opt_number("price"),
            {k: values.number(k) for k in raw_values}, b.text("anonymous_code", ""),
            withdrawn, b.text("withdrawn_reason", ""), b.text("address", ""),
            _checked(b, checked_email, b.text("email", "")), b.text("identifier", ""),
            _checked(b, checked_received, b.text("received_on", ""))))
    assignments = []
    for i, item in enumerate(lot.items("assignments")):
        a = _Obj(item, f"{path}.assignments[{i}]", ("evaluator", "criteria"))
        criteria = a.items("criteria")
        if not all(isinstance(cid, str) for cid in criteria):
            raise a.fail("'criteria' must be a list of criterion ids")
        assignments.append(Assignment(a.ident("evaluator"), criteria))
    scores = []
    for i, item in enumerate(lot.items("scores")):
        s = _Obj(item, f"{path}.scores[{i}]", ("evaluator", "bidder", "criterion", "score",
                                                "rationale", "status"))
        scores.append(Score(s.ident("evaluator"), s.ident("bidder"), s.ident("criterion"),
                            s.number("score"), s.text("rationale", ""),
                            s.choice("status", SCORE_STATUSES, "submitted")))
    moderated = []
    for i, item in enumerate(lot.items("moderated")):
        m = _Obj(item, f"{path}.moderated[{i}]", ("bidder", "criterion", "score", "rationale",
                                                   "agreed_by", "agreed_at", "attendees",
                                                   "feedback"))
        attendees = m.items("attendees")
        if not all(isinstance(name, str) for name in attendees):
            raise m.fail("'attendees' must be a list of names")
        moderated.append(ModeratedScore(m.ident("bidder"), m.ident("criterion"),
                                        m.number("score"), m.text("rationale", ""),
                                        m.text("agreed_by", ""), m.text("agreed_at", ""),
                                        attendees, feedback=m.text("feedback", "")))
    gateways = []
    for i, item in enumerate(lot.items("gateways")):
        g = _Obj(item, f"{path}.gateways[{i}]", ("bidder", "criterion", "result", "rationale"))
        gateways.append(GatewayResult(g.ident("bidder"), g.ident("criterion"),
                                      g.choice("result", GATEWAY_RESULTS, "pass"),
                                      g.text("rationale", "")))
    return Lot(lot.ident("id"), lot.text("title"),
               [_criterion(v, f"{path}.criteria", i) for i, v in enumerate(lot.items("criteria"))],
               bidders, assignments, scores, moderated, gateways)


def _checked(obj: _Obj, check: Any, text: str) -> str:
    try:
        return str(check(text, "the bidder"))
    except ValidationError as exc:
        raise obj.fail(str(exc)) from None


def _check_references(data: TenderData, lot: Lot) -> None:
    """Every id a lot's rows mention must exist, and every score must fit its scale."""
    where = f"lots[{lot.id}]"
    criteria = {c.id: c for c in lot.all_criteria()}
    bidders = {b.id for b in lot.bidders}
    _check_unique(f"{where}.bidders", [b.id for b in lot.bidders])
    evaluators = {e.id for e in data.evaluators}

    def need(kind: str, ident: str, known: Mapping[str, object] | set[str], at: str) -> None:
        if ident not in known:
            raise InterchangeError(f"{at}: unknown {kind} '{ident}'")

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
    seen: set[tuple[str, ...]] = set()
    for s in lot.scores:
        at = f"{where}.scores[{s.evaluator}/{s.bidder}/{s.criterion}]"
        need("evaluator", s.evaluator, evaluators, at)
        need("bidder", s.bidder, bidders, at)
        need("criterion", s.criterion, criteria, at)
        _check_score(data, criteria[s.criterion], s.score, at)
        key = (s.evaluator, s.bidder, s.criterion)
        if key in seen:
            raise InterchangeError(f"{at}: scored twice")
        seen.add(key)
    for m in lot.moderated:
        at = f"{where}.moderated[{m.bidder}/{m.criterion}]"
        need("bidder", m.bidder, bidders, at)
        need("criterion", m.criterion, criteria, at)
        _check_score(data, criteria[m.criterion], m.score, at)
        if ("moderated", m.bidder, m.criterion) in seen:
            raise InterchangeError(f"{at}: moderated twice")
        seen.add(("moderated", m.bidder, m.criterion))
    for g in lot.gateways:
        at = f"{where}.gateways[{g.bidder}/{g.criterion}]"
        need("bidder", g.bidder, bidders, at)
        need("criterion", g.criterion, criteria, at)
        if criteria[g.criterion].kind != "pass_fail":
            raise InterchangeError(f"{at}: criterion '{g.criterion}' is not a pass/fail gateway")
        if ("gateway", g.bidder, g.criterion) in seen:
            raise InterchangeError(f"{at}: recorded twice")
        seen.add(("gateway", g.bidder, g.criterion))


def _check_score(data: TenderData, criterion: Criterion, score: Decimal, at: str) -> None:
    if criterion.kind != "scored":
        raise InterchangeError(f"{at}: criterion '{criterion.id}' is not a scored criterion")
    scale = data.scale(criterion.scale)
    if scale is not None and not scale.allows(score):
        raise InterchangeError(f"{at}: score {dec_str(score)} is not on scale '{scale.id}' "
                               f"({dec_str(scale.lowest)}–{dec_str(scale.highest)})")


# -- writing ----------------------------------------------------------------------------


def _num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(dec_str(value))


def _with(base: dict[str, Any], **optional: Any) -> dict[str, Any]:
    """`base` plus the optional keys whose values are not their defaults (falsy)."""
    base.update({k: v for k, v in optional.items() if v})
    return base


def to_dict(data: TenderData) -> dict[str, Any]:
    t = data.tender
    return {
        "format": FORMAT,
        "tender": _with({
            "title": t.title, "reference": t.reference, "authority": t.authority,
            "currency": t.currency, "estimated_value": _num(t.estimated_value),
            "total_points": _num(t.total_points),
            "social_value_minimum_weight": _num(t.social_value_minimum_weight),
            "rounding": {"decimals": t.rounding.decimals, "mode": t.rounding.mode,
                         "stage": t.rounding.stage},
        }, procedure=t.procedure, status=t.status if t.status != "setup" else "",
            criteria_published=t.criteria_published, cpv=t.cpv,
            summaries_sent_on=data.award.summaries_sent_on,
            award_notice_on=data.award.award_notice_on),
        "scales": [_scale_dict(s) for s in data.scales],
        "evaluators": [{"id": e.id, "name": e.name, "role": e.role, "conflict": _with(
            {"status": e.conflict.status, "declared_on": e.conflict.declared_on},
            nature=e.conflict.nature, mitigation=e.conflict.mitigation)}
            for e in data.evaluators],
        "lots": [_lot_dict(lot) for lot in data.lots],
    }


def dumps(data: TenderData) -> str:
    return json.dumps(to_dict(data), indent=2, ensure_ascii=False) + "\n"


def _scale_dict(s: Scale) -> dict[str, Any]:
    if s.levels:
        return {"id": s.id, "name": s.name, "levels": [
            {"value": _num(lv.value), "label": lv.label, "descriptor": lv.descriptor}
            for lv in s.levels]}
    return {"id": s.id, "name": s.name, "min": _num(s.min), "max": _num(s.max),
            "step": _num(s.step)}


def _criterion_dict(c: Criterion) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.id, "title": c.title}
    if c.kind != "pass_fail":
        out["weight"] = _num(c.weight)
    if c.kind == "group":
        out["children"] = [_criterion_dict(child) for child in c.children]
        if c.theme:
            out["theme"] = c.theme
    else:
        out["type"] = c.kind
    if c.kind == "scored":
        out.update(scale=c.scale, minimum=_num(c.minimum), normalise=c.normalise, theme=c.theme)
    elif c.kind == "price":
        out.update(formula=c.formula)
    elif c.kind == "quantitative":
        out.update(direction=c.direction, theme=c.theme)
    return _with(out, unit=c.unit, question=c.question, guidance=c.guidance,
                 good_answer=c.good_answer)


def _lot_dict(lot: Lot) -> dict[str, Any]:
    return {
        "id": lot.id, "title": lot.title,
        "criteria": [_criterion_dict(c) for c in lot.criteria],
        "bidders": [_with({"id": b.id, "name": b.name, "organisation_type": b.organisation_type,
                           "price": _num(b.price),
                           "values": {k: _num(v) for k, v in b.values.items()}},
                          anonymous_code=b.anonymous_code, withdrawn=b.withdrawn,
                          withdrawn_reason=b.withdrawn_reason, address=b.address,
                          email=b.email, identifier=b.identifier, received_on=b.received_on)
                    for b in lot.bidders],
        "assignments": [{"evaluator": a.evaluator, "criteria": list(a.criteria)}
                        for a in lot.assignments],
        "scores": [_with({"evaluator": s.evaluator, "bidder": s.bidder,
                          "criterion": s.criterion, "score": _num(s.score),
                          "rationale": s.rationale},
                         status=s.status if s.status != "submitted" else "")
                   for s in lot.scores],
        "moderated": [_with({"bidder": m.bidder, "criterion": m.criterion,
                             "score": _num(m.score), "rationale": m.rationale},
                            agreed_by=m.agreed_by, agreed_at=m.agreed_at,
                            attendees=m.attendees, feedback=m.feedback)
                      for m in lot.moderated],
        "gateways": [{"bidder": g.bidder, "criterion": g.criterion, "result": g.result,
                      "rationale": g.rationale} for g in lot.gateways],
    }
