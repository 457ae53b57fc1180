"""Contract monitoring in the interchange JSON: a lot's `commitments` and `deliveries`.

Kept apart so monitoring can grow its keys here: one `Field` line each (see `json_fields`).
Each record names a bidder of the lot and a quantitative criterion (a measure); the lot's id
is given to the records by the lot that holds them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from workbench.domain import Commitment, Delivery, Lot
from workbench.errors import InterchangeError
from workbench.exchange.json_fields import IDENT, NUMBER, TEXT, Choice, Field, Shape, Whole
from workbench.monitoring import BASES


def _not_negative(value: Decimal) -> str | None:
    return "figures must not be negative" if value < 0 else None


COMMITMENT = Shape((
    Field("bidder", IDENT, attr="bidder_id"),
    Field("criterion", IDENT, attr="criterion_id"),
    Field("committed", NUMBER, check=_not_negative),
    Field("unit", TEXT, ""),
    Field("period", Choice(BASES), "contract total"),
    Field("periods_planned", Whole(1, 1000, nullable=True), None),
    Field("note", TEXT, "", "if_set"),
), lambda _obj, v: Commitment(lot_id="", **v))

DELIVERY = Shape((
    Field("bidder", IDENT, attr="bidder_id"),
    Field("criterion", IDENT, attr="criterion_id"),
    Field("period", IDENT),
    Field("delivered", NUMBER, check=_not_negative),
    Field("evidence", TEXT, ""),
    Field("recorded_on", TEXT),
), lambda _obj, v: Delivery(lot_id="", **v))


def check_monitoring(lot: Lot, where: str) -> None:
    """Each record names a bidder of the lot and one of its measures, once."""
    bidders = {b.id for b in lot.bidders}
    measures = {c.id for c in lot.all_criteria() if c.kind == "quantitative"}
    seen: set[tuple[Any, ...]] = set()
    records: list[tuple[str, Commitment | Delivery, tuple[str, ...]]] = [
        *((f"commitments[{c.bidder_id}/{c.criterion_id}]", c, ()) for c in lot.commitments),
        *((f"deliveries[{d.bidder_id}/{d.criterion_id}/{d.period}]", d, (d.period,))
          for d in lot.deliveries),
    ]
    for name, record, extra in records:
        at = f"{where}.{name}"
        if record.bidder_id not in bidders:
            raise InterchangeError(f"{at}: unknown bidder '{record.bidder_id}'")
        if record.criterion_id not in measures:
            raise InterchangeError(f"{at}: '{record.criterion_id}' is not a quantitative "
                                   "criterion of the lot")
        key = (type(record), record.bidder_id, record.criterion_id, *extra)
        if key in seen:
            raise InterchangeError(f"{at}: recorded twice")
        seen.add(key)
