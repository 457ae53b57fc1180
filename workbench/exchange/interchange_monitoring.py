"""Contract monitoring in the interchange JSON: a lot's `commitments`, `deliveries` and
supplier `returns`, and the tender's `monitoring` rating rules.

Kept apart so monitoring can grow its keys here: one `Field` line each (see `json_fields`).
Each record names a bidder of the lot; a commitment names a social value criterion, a delivery
a commitment. The lot's id is given to the records by the lot that holds them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from workbench.domain import (
    Commitment,
    Delivery,
    Lot,
    MonitoringReturn,
    MonitoringRules,
)
from workbench.errors import InterchangeError
from workbench.exchange.json_fields import (
    IDENT,
    NUMBER,
    OPT_NUMBER,
    OPT_TEXT,
    TEXT,
    Choice,
    Field,
    Shape,
    Whole,
    build_as,
)
from workbench.monitoring import BASES, METHODS, social_value_criteria


def _not_negative(value: Decimal | None) -> str | None:
    return "figures must not be negative" if value is not None and value < 0 else None


def _percent(value: Decimal) -> str | None:
    return None if 0 < value <= 100 else "a threshold is a percentage above 0, at most 100"


COMMITMENT = Shape((
    Field("id", IDENT),
    Field("bidder", IDENT, attr="bidder_id"),
    Field("criterion", IDENT, attr="criterion_id"),
    Field("measure", IDENT),
    Field("unit", TEXT, ""),
    Field("target", OPT_NUMBER, None, check=_not_negative),
    Field("basis", Choice(tuple(BASES)), "contract total"),
    Field("periods", Whole(1, 1000, nullable=True), None),
    Field("proxy_value", OPT_NUMBER, None, "if_set", check=_not_negative),
    Field("source", TEXT, "", "if_set"),
), lambda _obj, v: Commitment(lot_id="", **v))

DELIVERY = Shape((
    Field("bidder", IDENT, attr="bidder_id"),
    Field("commitment", IDENT, attr="commitment_id"),
    Field("period", IDENT),
    Field("delivered", NUMBER, check=_not_negative),
    Field("narrative", TEXT, "", "if_set"),
    Field("evidence", TEXT, ""),
    Field("recorded_on", TEXT),
), lambda _obj, v: Delivery(lot_id="", **v))

RETURN = Shape((
    Field("id", IDENT),
    Field("bidder", IDENT, attr="bidder_id"),
    Field("period", IDENT),
    Field("issued_at", TEXT),
    Field("merged_at", OPT_TEXT, None),
), lambda _obj, v: MonitoringReturn(lot_id="", **v))

MONITORING_RULES = Shape((
    Field("method", Choice(tuple(METHODS)), "target"),
    Field("good_at", NUMBER, Decimal(90), check=_percent),
    Field("approaching_at", NUMBER, Decimal(75), check=_percent),
    Field("improvement_at", NUMBER, Decimal(50), check=_percent),
), build_as(MonitoringRules))


def check_monitoring(lot: Lot, where: str) -> None:
    """Each record names a bidder of the lot, a commitment one of the lot's social value
    criteria and a delivery one of the commitments; none is recorded twice."""
    bidders = {b.id for b in lot.bidders}
    criteria = {c.id for c, _theme in social_value_criteria(lot)}
    commitments = {(c.bidder_id, c.id) for c in lot.commitments}
    seen: set[tuple[Any, ...]] = set()
    for c in lot.commitments:
        at = f"{where}.commitments[{c.id}]"
        _bidder(at, c.bidder_id, bidders)
        if c.criterion_id not in criteria:
            raise InterchangeError(f"{at}: '{c.criterion_id}' is not a social value criterion "
                                   "of the lot")
        _once(at, ("commitment", c.bidder_id, c.id), seen)
    for d in lot.deliveries:
        at = f"{where}.deliveries[{d.commitment_id}/{d.period}]"
        _bidder(at, d.bidder_id, bidders)
        if (d.bidder_id, d.commitment_id) not in commitments:
            raise InterchangeError(f"{at}: no commitment '{d.commitment_id}' of "
                                   f"'{d.bidder_id}'")
        _once(at, ("delivery", d.bidder_id, d.commitment_id, d.period), seen)
    for r in lot.returns:
        at = f"{where}.returns[{r.id}]"
        _bidder(at, r.bidder_id, bidders)
        _once(at, ("return", r.id), seen)


def _bidder(at: str, bidder_id: str, bidders: set[str]) -> None:
    if bidder_id not in bidders:
        raise InterchangeError(f"{at}: unknown bidder '{bidder_id}'")


def _once(at: str, key: tuple[Any, ...], seen: set[tuple[Any, ...]]) -> None:
    if key in seen:
        raise InterchangeError(f"{at}: recorded twice")
    seen.add(key)
