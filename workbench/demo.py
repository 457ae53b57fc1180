"""The bundled demo tender: a part-moderated council tender everything demonstrates on, with
lot 1 awarded and two quarters of its social value monitoring."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any

from workbench import monitoring
from workbench.exchange import interchange
from workbench.model.seal import seal
from workbench.resources import read_text
from workbench.storage import TenderFile


def create_demo(path: str | os.PathLike[str], *, user: str | None = None) -> TenderFile:
    """Write the demo tender to `path` and open it. Its plan is sealed, as it would have been
    before scoring began (the interchange JSON carries no seal), and lot 1's contract is
    monitored: commitments from both social value criteria and two quarters of delivery, one
    on track and one behind, each entered as a user would."""
    data = interchange.loads(read_text("demo", "demo.json"))
    tf = TenderFile.create(path, data, user=user, action="Create demo tender")
    seal(tf)
    _monitor(tf, json.loads(read_text("demo", "demo_monitoring.json")))
    return tf


def _monitor(tf: TenderFile, plan: dict[str, Any]) -> None:
    lot_id = plan["lot"]
    data = tf.load()
    lot = data.lot(lot_id)
    assert lot is not None
    winner, why = monitoring.supplier(data, lot)
    assert winner is not None, why
    bidder = winner.id
    monitoring.commitments_from_bid(tf, lot_id, bidder)
    for edit in plan["edits"]:
        fields = {k: v for k, v in edit.items() if k != "commitment"}
        monitoring.edit_commitment(tf, lot_id, bidder, edit["commitment"], **_typed(fields))
    for added in plan["additions"]:
        fields = {k: v for k, v in added.items() if k not in ("criterion", "measure")}
        monitoring.add_commitment(tf, lot_id, bidder, added["criterion"], added["measure"],
                                  **_typed(fields))
    for period in plan["deliveries"]:
        for code, (figure, narrative, evidence) in period["figures"].items():
            monitoring.record_delivery(tf, lot_id, bidder, code, period["period"],
                                       Decimal(str(figure)), evidence, narrative=narrative,
                                       recorded_on=period["recorded_on"])


def _typed(fields: dict[str, Any]) -> dict[str, object]:
    """JSON numbers as Decimals (figures are never binary floats)."""
    return {k: Decimal(str(v)) if isinstance(v, int | float) and k != "periods" else v
            for k, v in fields.items()}
