"""The interchange JSON `workbench-tender/1`: parse strictly, write deterministically.

Each JSON object is a `Shape` below: one `Field` line per key, in the order written (see
`workbench.exchange.json_fields`; the format is documented in docs/interchange.md and
docs/interchange.schema.json). Parsing is all-or-nothing: the first problem raises
`InterchangeError` naming where it is (`lots[L1].criteria[Q].children[Q1]: unknown key
'wieght'`); references between objects are checked in `interchange_checks`. Writing emits the
keys of DESIGN.md always and optional keys only when they differ from their defaults, so
export → import → export gives identical text, and older files (without the newer keys) still
import.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from workbench.bidders import checked_email, checked_received
from workbench.domain import (
    CONFLICT_STATUSES,
    GATEWAY_RESULTS,
    ORGANISATION_TYPES,
    REVIEW_DECISIONS,
    ROUNDING_MODES,
    ROUNDING_STAGES,
    SCORE_STATUSES,
    SPREAD_UNITS,
    TENDER_STATUSES,
    Assignment,
    AwardRecord,
    Bidder,
    Conflict,
    Criterion,
    Evaluator,
    GatewayResult,
    Lot,
    LotConflict,
    LowBidReview,
    Meeting,
    ModeratedScore,
    ModerationRules,
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
)
from workbench.errors import InterchangeError, ValidationError
from workbench.exchange.interchange_checks import check
from workbench.exchange.interchange_monitoring import (
    COMMITMENT,
    DELIVERY,
    MONITORING_RULES,
    RETURN,
)
from workbench.exchange.json_fields import (
    FLAG,
    IDENT,
    NAME,
    NUMBER,
    OPT_AMOUNT,
    OPT_NUMBER,
    OPT_PERCENT,
    OPT_TEXT,
    PERCENT,
    SAID,
    TEXT,
    TITLE,
    Choice,
    Field,
    JsonObject,
    ListOf,
    Named,
    Nested,
    NumberMap,
    Shape,
    TextList,
    Whole,
    build_as,
)
from workbench.moderation.flags import threshold_problem
from workbench.names import excerpt
from workbench.numbers import MAX_DIGITS
from workbench.panel.roster import SETTINGS_RANGES
from workbench.scoring.formulas import AWARD_METHODS, DIRECTIONS, NORMALISATIONS, PRICE_FORMULAS

FORMAT = "workbench-tender/1"


def _positive(value: Any) -> str | None:
    return "'total_points' must be more than 0" if value <= 0 else None


def _percent(value: Any) -> str | None:
    return None if 0 <= value <= 100 else (
        f"'abnormally_low_percent' must be a percentage from 0 to 100, not {value}")


def _ceiling(value: Any) -> str | None:
    return "'price_ceiling' must be more than 0" if value is not None and value <= 0 else None


def _sha256(value: Any) -> str | None:
    ok = len(value) == 64 and all(ch in "0123456789abcdef" for ch in value)
    return None if ok else "'hash' must be a SHA-256 fingerprint (64 hex digits)"


def _moderation(obj: JsonObject, values: dict[str, Any]) -> ModerationRules:
    problem = threshold_problem(values["spread_threshold"], values["spread_unit"])
    if problem:
        raise obj.fail(problem)
    return ModerationRules(**values)


def _iso_date(value: Any) -> str | None:
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"'{value[:30]}' is not a date such as 2026-12-01"
    return None


def _cpv(value: Any) -> str | None:
    return None if re.fullmatch(r"\d{8}(-\d)?", value) else \
        f"'cpv' must be a CPV code such as 85320000-8, not '{value[:20]}'"


def _email(value: Any) -> str | None:
    try:
        checked_email(value, "the bidder")
    except ValidationError as exc:
        return str(exc)
    return None


def _received(value: Any) -> str | None:
    try:
        checked_received(value, "the bidder")
    except ValidationError as exc:
        return str(exc)
    return None


def _range(name: str) -> Whole:
    return Whole(*SETTINGS_RANGES[name])


ROUNDING = Shape((
    Field("decimals", Whole(0, 6), 2),
    Field("mode", Choice(ROUNDING_MODES), "half_up"),
    Field("stage", Choice(ROUNDING_STAGES), "final"),
), build_as(Rounding))

SEAL = Shape((
    Field("sealed_at", TEXT),
    Field("hash", TEXT, check=_sha256),
), build_as(Seal))

PANEL = Shape((
    Field("blind_scoring", FLAG, False),
    Field("min_evaluators", _range("min_evaluators"), 2),
    Field("rationale_min_length", _range("rationale_min_length"), 20),
), build_as(PanelRules))

MODERATION = Shape((
    Field("spread_threshold", NUMBER, ModerationRules().spread_threshold),
    Field("spread_unit", Choice(SPREAD_UNITS), "points"),
), _moderation)

TENDER = Shape((
    Field("title", NAME),
    Field("reference", TITLE, ""),
    Field("authority", TITLE, ""),
    Field("currency", TITLE, "GBP"),
    Field("estimated_value", OPT_AMOUNT, None),
    Field("total_points", NUMBER, Tender("").total_points, check=_positive),
    Field("social_value_minimum_weight", PERCENT, Tender("").social_value_minimum_weight),
    Field("rounding", Nested(ROUNDING), Rounding()),
    Field("procedure", TEXT, "", "if_set"),
    Field("status", Choice(TENDER_STATUSES), "setup", "if_set"),
    Field("seal", Nested(SEAL, nullable=True), None, "if_set"),
    Field("panel", Nested(PANEL), PanelRules(), "if_set"),
    Field("moderation", Nested(MODERATION), ModerationRules(), "if_set"),
    Field("monitoring", Nested(MONITORING_RULES), MonitoringRules(), "if_set"),
    Field("shared_model", FLAG, False, "if_set"),
    Field("abnormally_low_percent", NUMBER, Tender("").abnormally_low_percent, "if_set",
          check=_percent),
    Field("criteria_published", TEXT, "", "if_set"),
    Field("cpv", TEXT, "", "if_set", check=_cpv),
), build_as(Tender))

AWARD = Shape((
    Field("summaries_sent_on", TEXT, "", "if_set", check=_iso_date),
    Field("award_notice_on", TEXT, "", "if_set", check=_iso_date),
), build_as(AwardRecord))


def _scale(obj: JsonObject, values: dict[str, Any]) -> Scale:
    scale = Scale(**{**values, "name": values["name"] if values["name"] is not None
                     else values["id"]})
    if scale.levels:
        if scale.min is not None or scale.max is not None:
            raise obj.fail("give either 'levels' or 'min'/'max', not both")
        if len({lv.value for lv in scale.levels}) != len(scale.levels):
            raise obj.fail("two levels have the same value")
    elif scale.min is None or scale.max is None:
        raise obj.fail("needs 'levels', or 'min' and 'max'")
    elif scale.min >= scale.max:
        raise obj.fail("'min' must be below 'max'")
    elif scale.step is not None and scale.step <= 0:
        raise obj.fail("'step' must be more than 0")
    return scale


LEVEL = Shape((
    Field("value", NUMBER),
    Field("label", TITLE, ""),
    Field("descriptor", TEXT, ""),
), build_as(ScaleLevel))

SCALE = Shape((
    Field("id", IDENT),
    Field("name", TITLE, None),  # None: named by its id
    Field("levels", ListOf(LEVEL), [], lambda s: bool(s.levels)),
    Field("min", OPT_NUMBER, None, lambda s: not s.levels),
    Field("max", OPT_NUMBER, None, lambda s: not s.levels),
    Field("step", OPT_NUMBER, None, lambda s: not s.levels),
), _scale)

CONFLICT = Shape((
    Field("status", Choice(CONFLICT_STATUSES), "none"),
    Field("declared_on", OPT_TEXT, None),
    Field("nature", TEXT, "", "if_set"),
    Field("mitigation", TEXT, "", "if_set"),
), build_as(Conflict))

EVALUATOR = Shape((
    Field("id", IDENT),
    Field("name", NAME),
    Field("role", TITLE, ""),
    Field("conflict", Nested(CONFLICT), Conflict()),
), build_as(Evaluator))


#: Deepest criteria tree accepted (groups within groups); real models use 2 or 3.
MAX_DEPTH = 10


def _depth(nodes: list[Criterion]) -> int:
    return 1 + max((_depth(n.children) for n in nodes), default=0) if nodes else 0


def _criterion(obj: JsonObject, values: dict[str, Any]) -> Criterion:
    if _depth(values["children"]) >= MAX_DEPTH:
        raise obj.fail(f"criteria are nested more than {MAX_DEPTH} deep")
    if values["kind"] is None:
        if not values["children"]:
            raise obj.fail("missing 'type'")
        values["kind"] = "group"
    if values["kind"] == "group" and values["minimum"] is not None:
        # A score-level minimum means nothing on a group: refuse rather than drop it.
        raise obj.fail("'minimum' is a score, for a scored question; a group takes a quality "
                       "threshold as 'minimum_percent'")
    return Criterion(**values)


_WEIGHTED = ("group", "scored", "price", "quantitative")
CRITERION: Shape[Criterion] = Shape((
    Field("id", IDENT),
    Field("title", TITLE),
    Field("weight", OPT_PERCENT, None, _WEIGHTED),
    Field("type", TEXT, None, lambda c: c.kind != "group", attr="kind"),
    Field("children", ListOf(lambda: CRITERION), [], lambda c: c.kind == "group"),
    Field("scale", OPT_TEXT, None, ("scored",)),
    Field("minimum", OPT_NUMBER, None, ("scored",)),
    Field("normalise", Named(NORMALISATIONS), "max", ("scored",)),
    Field("formula", Named(PRICE_FORMULAS), "lowest_over_bid", ("price",)),
    Field("direction", Named(DIRECTIONS), "higher_is_better", ("quantitative",)),
    Field("theme", OPT_TEXT, None, ("scored", "quantitative")),
    Field("unit", TITLE, "", "if_set"),
    Field("question", TEXT, "", "if_set"),
    Field("guidance", TEXT, "", "if_set"),
    Field("good_answer", TEXT, "", "if_set"),
    Field("minimum_percent", OPT_NUMBER, None, "if_set"),
    Field("min_value", OPT_NUMBER, None, "if_set"),
    Field("max_value", OPT_NUMBER, None, "if_set"),
), _criterion)


def _bidder(obj: JsonObject, values: dict[str, Any]) -> Bidder:
    """`organisation_type` (one) or `organisation_types` (a list: an SME may be a VCSE too)."""
    one, several = values.pop("organisation_type"), values.pop("organisation_types")
    if one is not None and several is not None:
        raise obj.fail("give 'organisation_type' or 'organisation_types', not both")
    if several is not None:
        if not several or len(set(several)) != len(several):
            raise obj.fail("'organisation_types' must list one or more types, each once")
        unknown = [k for k in several if k not in ORGANISATION_TYPES]
        if unknown:
            raise obj.fail(f"'organisation_types' must each be one of "
                           f"{', '.join(ORGANISATION_TYPES)}, not '{unknown[0]}'")
        if "SME" in several and "large" in several:
            raise obj.fail("'organisation_types': a bidder cannot be both SME and large")
    return Bidder(**values, organisation_types=tuple(several or [one or "SME"]))


BIDDER = Shape((
    Field("id", IDENT),
    Field("name", NAME),
    Field("organisation_type", Choice(ORGANISATION_TYPES), None,
          lambda b: len(b.organisation_types) == 1),
    Field("organisation_types", TextList("organisation types"), None,
          lambda b: len(b.organisation_types) > 1),
    Field("price", OPT_AMOUNT, None),
    Field("values", NumberMap(), {}),
    Field("anonymous_code", TEXT, "", "if_set"),
    Field("withdrawn", FLAG, False, "if_set"),
    Field("withdrawn_reason", TEXT, "", "if_set"),
    Field("address", TEXT, "", "if_set"),
    Field("email", TEXT, "", "if_set", check=_email),
    Field("identifier", TITLE, "", "if_set"),
    Field("received_on", TEXT, "", "if_set", check=_received),
), _bidder)

ASSIGNMENT = Shape((
    Field("evaluator", IDENT),
    Field("criteria", TextList("criterion ids"), []),
), build_as(Assignment))

SCORE = Shape((
    Field("evaluator", IDENT),
    Field("bidder", IDENT),
    Field("criterion", IDENT),
    Field("score", NUMBER),
    Field("rationale", TEXT, ""),
    Field("status", Choice(SCORE_STATUSES), "submitted", "if_set"),
    Field("entered_by", TEXT, "", "if_set"),
    Field("override_reason", TEXT, "", "if_set"),
), build_as(Score))

MODERATED = Shape((
    Field("bidder", IDENT),
    Field("criterion", IDENT),
    Field("score", NUMBER),
    Field("rationale", TEXT, ""),
    Field("agreed_by", TEXT, "", "if_set"),
    Field("agreed_at", TEXT, "", "if_set"),
    Field("attendees", TextList("names"), [], "if_set"),
    Field("recused", TextList("evaluator ids"), [], "if_set"),
    Field("feedback", TEXT, "", "if_set"),
), build_as(ModeratedScore))

GATEWAY = Shape((
    Field("bidder", IDENT),
    Field("criterion", IDENT),
    Field("result", Choice(GATEWAY_RESULTS), "pass"),
    Field("rationale", TEXT, ""),
), build_as(GatewayResult))

LOT_CONFLICT = Shape((
    Field("evaluator", IDENT),
    Field("status", Choice(CONFLICT_STATUSES), "none"),
    Field("declared_on", OPT_TEXT, None),
    Field("nature", TEXT, "", "if_set"),
    Field("mitigation", TEXT, "", "if_set"),
    Field("bidders", TextList("bidder ids"), (), "if_set"),
), lambda _obj, values: LotConflict(**{**values, "bidders": tuple(values["bidders"])}))

MEETING = Shape((
    Field("id", IDENT),
    Field("chair", TEXT, ""),
    Field("attendees", TextList("names"), ()),
    Field("started_at", TEXT),
    Field("ended_at", OPT_TEXT, None),
), lambda _obj, v: Meeting(**{**v, "lot_id": "", "attendees": tuple(v["attendees"])}))

PARKED = Shape((
    Field("bidder", IDENT),
    Field("criterion", IDENT),
    Field("note", TEXT, ""),
    Field("parked_at", TEXT),
), build_as(Parked))


LOW_BID_REVIEW = Shape((
    Field("bidder", IDENT),
    Field("price", NUMBER),
    Field("question", SAID),
    Field("response", SAID),
    Field("decision", Choice(REVIEW_DECISIONS)),
    Field("reason", SAID),
    Field("decided_at", TEXT, "", "if_set"),
), build_as(LowBidReview))


def _lot(_obj: JsonObject, values: dict[str, Any]) -> Lot:
    """The lot, its id given to the records that carry it (meetings, monitoring)."""
    lot_id = values["id"]
    for key in ("meetings", "commitments", "deliveries", "returns"):
        values[key] = [replace(item, lot_id=lot_id) for item in values[key]]
    return Lot(**values)


LOT = Shape((
    Field("id", IDENT),
    Field("title", TITLE),
    Field("criteria", ListOf(CRITERION), []),
    Field("bidders", ListOf(BIDDER), []),
    Field("assignments", ListOf(ASSIGNMENT), []),
    Field("scores", ListOf(SCORE), []),
    Field("moderated", ListOf(MODERATED), []),
    Field("gateways", ListOf(GATEWAY), []),
    Field("conflicts", ListOf(LOT_CONFLICT), [], "if_set"),
    Field("meetings", ListOf(MEETING), [], "if_set"),
    Field("parked", ListOf(PARKED), [], "if_set"),
    Field("commitments", ListOf(COMMITMENT), [], "if_set"),
    Field("deliveries", ListOf(DELIVERY), [], "if_set"),
    Field("award_method", Named(AWARD_METHODS), "weighted_points", "if_set"),
    Field("price_ceiling", OPT_NUMBER, None, "if_set", check=_ceiling),
    Field("abnormally_low_reviews", ListOf(LOW_BID_REVIEW), [], "if_set",
          attr="low_bid_reviews"),
    Field("returns", ListOf(RETURN), [], "if_set"),
), _lot)

TENDER_DATA = Shape((
    Field("tender", Nested(TENDER)),
    Field("scales", ListOf(SCALE), []),
    Field("evaluators", ListOf(EVALUATOR), []),
    Field("lots", ListOf(LOT), []),
    Field("award", Nested(AWARD), AwardRecord(), "if_set"),
), build_as(TenderData))

#: The whole file: its format, then the tender.
FILE = Shape((Field("format", Choice((FORMAT,))), *TENDER_DATA.fields),
             lambda obj, v: TENDER_DATA.build(obj, {k: v[k] for k in v if k != "format"}))


def loads(text: str) -> TenderData:
    """Parse interchange JSON text into a tender, or raise InterchangeError."""
    try:
        raw = json.loads(text, parse_float=_json_float, parse_int=_json_int,
                         parse_constant=_json_constant)
        data = FILE.read(raw, "file")
    except json.JSONDecodeError as exc:
        raise InterchangeError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: "
                               f"{exc.msg})") from None
    except RecursionError:
        raise InterchangeError("the JSON is nested too deeply to be a tender") from None
    check(data)
    return data


#: Longest number text read (15 digits, sign, point, exponent): anything longer is refused
#: before Python converts it (a 5,000-digit integer cannot even be printed).
_NUMBER_TEXT = 40


def _json_int(text: str) -> int:
    if len(text) > _NUMBER_TEXT:
        raise InterchangeError(f"a number with {len(text):,} digits ('{excerpt(text)}'); "
                               f"numbers have at most {MAX_DIGITS} significant digits")
    return int(text)


def _json_float(text: str) -> Decimal:
    if len(text) > _NUMBER_TEXT:
        raise InterchangeError(f"a number written with {len(text):,} characters "
                               f"('{excerpt(text)}'); numbers have at most {MAX_DIGITS} "
                               "significant digits")
    return Decimal(text)


def _json_constant(text: str) -> None:
    raise InterchangeError(f"'{text}' is not a number a tender can hold")


def to_dict(data: TenderData) -> dict[str, Any]:
    return {"format": FORMAT, **TENDER_DATA.write(data)}


def dumps(data: TenderData) -> str:
    return json.dumps(to_dict(data), indent=2, ensure_ascii=False) + "\n"
