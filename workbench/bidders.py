"""Bidders of a lot: add, edit, price, quantitative values, withdrawal, gateways, removal, and
the lead's review of an abnormally low tender.

Each public function is one user action: it checks its input, then writes in one audited
`tf.action`. Bad input raises a `ValidationError` naming the bidder and the field, and nothing
is written. While the tender is locked every change is refused.

Undo is the revert of the action's change record (`workbench.storage.changes`), which puts back
exactly what was stored, even a state the forward checks would refuse to write (an imported
gateway result without a rationale, say).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from workbench.domain import (
    GATEWAY_RESULTS,
    ORGANISATION_TYPES,
    REVIEW_DECISIONS,
    Bidder,
    Criterion,
    GatewayResult,
    Lot,
    LowBidReview,
)
from workbench.errors import ReadOnlyError, ValidationError
from workbench.names import check_id, check_name, check_text, excerpt
from workbench.numbers import dec_str, parse_stored, typed_amount
from workbench.scoring.results import compute_lot
from workbench.storage import TenderFile
from workbench.storage.records import (
    bidder_row,
    gateway_row,
    organisation_types,
    review_row,
    value_row,
)
from workbench.storage.tenderfile import now

#: Fields a user edits as text or a choice (`update_bidder`).
EDITABLE = ("name", "organisation_type", "anonymous_code", "address", "email", "identifier",
            "received_on")
#: What people type around an amount: "£684,000" is 684000.


# -- reading ------------------------------------------------------------------------------


def next_bidder_id(lot: Lot) -> str:
    """The first free code of the form B1, B2, … in the lot."""
    taken = {b.id for b in lot.bidders}
    n = len(taken) + 1
    while f"B{n}" in taken:
        n += 1
    return f"B{n}"


# -- changing -----------------------------------------------------------------------------


def add_bidder(tf: TenderFile, lot_id: str, name: str, organisation_type: str = "SME",
               anonymous_code: str = "", bidder_id: str | None = None) -> str:
    """Add a bidder at the end of the lot; returns its code (chosen if not given)."""
    _require_unlocked(tf)
    lot = _lot(tf, lot_id)
    new_id = check_id(bidder_id, "the bidder's code") if bidder_id else next_bidder_id(lot)
    if lot.bidder(new_id) is not None:
        raise ValidationError(f"lot {lot_id} already has a bidder with the code {new_id}")
    bidder = Bidder(new_id, "", anonymous_code=anonymous_code)
    _apply(lot, bidder, {"name": name, "organisation_type": organisation_type,
                         "anonymous_code": anonymous_code})
    position = max((r["position"] for r in tf.rows("bidders", "lot_id = ?", [lot_id])),
                   default=-1) + 1  # after every bidder, even if some were removed
    with tf.action(f"Add bidder {new_id} to lot {lot_id}"):
        tf.put("bidders", bidder_row(lot_id, bidder, position))
    return new_id


def update_bidder(tf: TenderFile, lot_id: str, bidder_id: str, **changes: str) -> None:
    """Change a bidder's name, organisation type, anonymous code, contact details or the date
    its bid was received."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationError(f"a bidder has no field '{unknown[0]}'")
    _require_unlocked(tf)
    lot = _lot(tf, lot_id)
    bidder = _bidder(lot, bidder_id)
    _apply(lot, bidder, changes)
    fields = ", ".join(f.replace("_", " ") for f in changes)
    with tf.action(f"Edit bidder {bidder_id} ({fields}) in lot {lot_id}"):
        tf.update("bidders", _key(lot_id, bidder_id),
                  **{f: bidder_row(lot_id, bidder, 0)[f] for f in changes})


def set_price(tf: TenderFile, lot_id: str, bidder_id: str, price: object) -> None:
    """Record the bid price (a number ≥ 0, pence at most; "£684,000" is read as 684000).

    None or blank clears it.
    """
    _require_unlocked(tf)
    bidder = _bidder(_lot(tf, lot_id), bidder_id)
    amount = typed_amount(price, f"the price of {_label(bidder)}")
    if amount is not None and _places(amount) > 2:
        raise ValidationError(f"the price of {_label(bidder)} can have at most 2 decimal "
                              f"places (pence), not {price}")
    with tf.action(f"Set the price of bidder {bidder_id} in lot {lot_id}"):
        tf.update("bidders", _key(lot_id, bidder_id),
                  price=None if amount is None else dec_str(amount))


def set_value(tf: TenderFile, lot_id: str, bidder_id: str, criterion_id: str,
              value: object) -> None:
    """Record a bidder's figure on a quantitative criterion (≥ 0); None or blank clears it."""
    _require_unlocked(tf)
    lot = _lot(tf, lot_id)
    bidder = _bidder(lot, bidder_id)
    criterion = lot.criterion(criterion_id)
    if criterion is None or criterion.kind != "quantitative":
        raise ValidationError(f"lot {lot_id} has no quantitative criterion {criterion_id}")
    what = f"{criterion_id} {criterion.title} for {_label(bidder)}"
    amount = typed_amount(value, what)
    if amount is not None:
        check_bounds(criterion, amount, what)
    with tf.action(f"Set {criterion_id} for bidder {bidder_id} in lot {lot_id}"):
        key = {"lot_id": lot_id, "bidder_id": bidder_id, "criterion_id": criterion_id}
        if amount is None:
            tf.delete("bidder_values", key)
        else:
            tf.put("bidder_values", value_row(lot_id, bidder_id, criterion_id, amount))


def check_bounds(criterion: Criterion, value: Decimal, what: str) -> None:
    """Refuse a figure outside the criterion's range (a percentage: 0 to 100 unless set);
    `what` names the criterion and the bidder."""
    low, high = criterion.value_bounds()
    if (low is not None and value < low) or (high is not None and value > high):
        shown = " to ".join(dec_str(b) if b is not None else "any" for b in (low, high))
        unit = f" {criterion.unit}" if criterion.unit.strip() else ""
        raise ValidationError(f"{what}: {dec_str(value)}{unit} is outside the range "
                              f"{shown}{unit}")


def review_low_bid(tf: TenderFile, lot_id: str, bidder_id: str, question: str,
                   response: str, decision: str, reason: str) -> None:
    """Record the lead's review of an abnormally low tender: what the supplier was asked, its
    response, and the decision (accept or exclude) with the reason. One audited action; it
    answers the flag on the bid as it stands (a later price change raises it again)."""
    _require_unlocked(tf)
    data = tf.load()
    lot = data.lot(lot_id)
    if lot is None:
        raise ValidationError(f"there is no lot {lot_id}")
    bidder = _bidder(lot, bidder_id)
    result = compute_lot(data, lot).bidder(bidder_id)
    if result is None or not result.abnormally_low or bidder.price is None:
        raise ValidationError(f"the bid of {_label(bidder)} is not flagged as abnormally low")
    if decision not in REVIEW_DECISIONS:
        raise ValidationError(f"the decision is accept or exclude, not '{decision}'")
    asked = _required(question, f"record what {_label(bidder)} was asked about its price")
    answer = _required(response, f"record {_label(bidder)}'s response")
    why = _required(reason, f"give the reason to {decision} the bid of {_label(bidder)}")
    review = LowBidReview(bidder_id, bidder.price, asked, answer, decision, why, now())
    verb = "Accept" if decision == "accept" else "Exclude"
    with tf.action(f"{verb} the abnormally low tender of bidder {bidder_id} in lot {lot_id}",
                   reason=why):
        tf.put("low_bid_reviews", review_row(lot_id, review))


def withdraw(tf: TenderFile, lot_id: str, bidder_id: str, reason: str) -> None:
    """Withdraw a bidder from the competition; it keeps its record and scores."""
    _require_unlocked(tf)
    bidder = _bidder(_lot(tf, lot_id), bidder_id)
    if bidder.withdrawn:
        raise ValidationError(f"{_label(bidder)} is already withdrawn")
    why = _required(reason, f"say why {_label(bidder)} is withdrawn")
    with tf.action(f"Withdraw bidder {bidder_id} from lot {lot_id}", reason=why):
        tf.update("bidders", _key(lot_id, bidder_id), withdrawn=1, withdrawn_reason=why)


def reinstate(tf: TenderFile, lot_id: str, bidder_id: str, reason: str) -> None:
    """Bring a withdrawn bidder back into the competition."""
    _require_unlocked(tf)
    bidder = _bidder(_lot(tf, lot_id), bidder_id)
    if not bidder.withdrawn:
        raise ValidationError(f"{_label(bidder)} is not withdrawn")
    why = _required(reason, f"say why {_label(bidder)} is reinstated")
    with tf.action(f"Reinstate bidder {bidder_id} in lot {lot_id}", reason=why):
        tf.update("bidders", _key(lot_id, bidder_id), withdrawn=0, withdrawn_reason="")


def set_gateway(tf: TenderFile, lot_id: str, bidder_id: str, criterion_id: str,
                result: str | None, rationale: str = "") -> None:
    """Record a pass/fail gateway result with its rationale; result None clears it."""
    _require_unlocked(tf)
    lot = _lot(tf, lot_id)
    bidder = _bidder(lot, bidder_id)
    gate = lot.criterion(criterion_id)
    if gate is None or gate.kind != "pass_fail":
        raise ValidationError(f"lot {lot_id} has no pass/fail gateway {criterion_id}")
    key = {"lot_id": lot_id, "bidder_id": bidder_id, "criterion_id": criterion_id}
    if result is None:
        with tf.action(f"Clear gateway {criterion_id} for bidder {bidder_id} in lot {lot_id}"):
            tf.delete("gateways", key)
        return
    if result not in GATEWAY_RESULTS:
        raise ValidationError(f"a gateway result is pass or fail, not '{result}'")
    verdict = "passed" if result == "pass" else "failed"
    why = _required(rationale, f"give the reason {_label(bidder)} {verdict} "
                               f"{criterion_id} {gate.title}")
    with tf.action(f"Gateway {criterion_id}: bidder {bidder_id} {verdict} in lot {lot_id}",
                   reason=why):
        tf.put("gateways", gateway_row(lot_id, GatewayResult(bidder_id, criterion_id, result,
                                                             why)))


def remove_bidder(tf: TenderFile, lot_id: str, bidder_id: str) -> None:
    """Delete a bidder entered by mistake; refused once it has scores (withdraw it instead)."""
    _require_unlocked(tf)
    bidder = _bidder(_lot(tf, lot_id), bidder_id)
    _refuse_if_scored(tf, lot_id, bidder)
    with tf.action(f"Remove bidder {bidder_id} from lot {lot_id}"):
        _delete_all(tf, lot_id, bidder_id)


# -- checks -------------------------------------------------------------------------------


def _require_unlocked(tf: TenderFile) -> None:
    if tf.tender().status == "locked":
        raise ReadOnlyError("the tender is locked: bidders cannot change until it is unlocked "
                            "(unlocking asks for a reason and is audited)")


def _lot(tf: TenderFile, lot_id: str) -> Lot:
    """The lot's bidders and criteria, enough to check an edit.

    Read straight from their tables rather than `tf.load()`: a large tender holds tens of
    thousands of scores, and loading them all would make every price edit wait for them.
    The criteria come as a flat list (look-ups by id need no tree); values are left out.
    """
    found = tf.rows("lots", "id = ?", [lot_id])
    if not found:
        raise ValidationError(f"there is no lot {lot_id}")
    mine = "lot_id = ?"
    bidders = [Bidder(r["id"], r["name"], organisation_types(r["organisation_type"]),
                      parse_stored(r["price"]), {}, r["anonymous_code"], bool(r["withdrawn"]),
                      r["withdrawn_reason"], r["address"], r["email"], r["identifier"],
                      r["received_on"])
               for r in sorted(tf.rows("bidders", mine, [lot_id]), key=lambda r: r["position"])]
    criteria = [Criterion(r["id"], r["title"], r["kind"], unit=r["unit"],
                          min_value=parse_stored(r["min_value"]),
                          max_value=parse_stored(r["max_value"]))
                for r in tf.rows("criteria", mine, [lot_id])]
    return Lot(lot_id, found[0]["title"], criteria, bidders)


def _bidder(lot: Lot, bidder_id: str) -> Bidder:
    bidder = lot.bidder(bidder_id)
    if bidder is None:
        raise ValidationError(f"lot {lot.id} has no bidder {bidder_id}")
    return bidder


def _label(bidder: Bidder) -> str:
    return f"{bidder.name} ({bidder.id})" if bidder.name else bidder.id


def _key(lot_id: str, bidder_id: str) -> dict[str, str]:
    return {"lot_id": lot_id, "id": bidder_id}


def _required(text: str, ask: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError(f"please {ask}: the reason is kept in the audit record")
    return check_text(cleaned, "the reason")


def _apply(lot: Lot, bidder: Bidder, changes: dict[str, str]) -> None:
    """Check name, type and code changes against the rest of the lot, then set them."""
    others = [b for b in lot.bidders if b.id != bidder.id]
    who = f"bidder {bidder.id} in lot {lot.id}"
    if "name" in changes:
        name = changes["name"].strip()
        if not name:
            raise ValidationError(f"{who} needs a name")
        check_name(name, f"{who}: the name")
        if any(b.name.casefold() == name.casefold() for b in others):
            raise ValidationError(f"lot {lot.id} already has a bidder called {excerpt(name)}")
        bidder.name = name
    if "organisation_type" in changes:
        bidder.organisation_types = check_types(changes["organisation_type"], who)
    if "anonymous_code" in changes:
        code = changes["anonymous_code"].strip()
        if code:
            check_id(code, f"{who}: the anonymous code")
        clash = next((b for b in others if code and b.anonymous_code.casefold() ==
                      code.casefold()), None)
        if clash is not None:
            raise ValidationError(f"the anonymous code {code} is already used by {clash.id} in "
                                  f"lot {lot.id}; blind scoring needs one code per bidder")
        bidder.anonymous_code = code
    for key, rule in (("address", check_text), ("identifier", check_name)):
        if key in changes:
            rule(changes[key].strip(), f"{who}: the {key}")
            setattr(bidder, key, " ".join(changes[key].split()) if key == "identifier"
                    else changes[key].strip())
    if "email" in changes:
        bidder.email = checked_email(changes["email"], who)
    if "received_on" in changes:
        bidder.received_on = checked_received(changes["received_on"], who)


def checked_email(text: str, who: str) -> str:
    """An email address as typed, trimmed; "" clears it. Only its shape is checked."""
    email = text.strip()
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise ValidationError(f"email of {who}: '{excerpt(email)}' is not an email address")
    return email


def checked_received(text: str, who: str) -> str:
    """When a bid was received: an ISO date (2026-10-30) or date and time; "" clears it."""
    value = text.strip()
    if value:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(f"received date of {who}: '{excerpt(value)}' is not a date such "
                                  "as 2026-10-30 or 2026-10-30T11:45") from None
    return value


def check_types(text: str, who: str) -> tuple[str, ...]:
    """Organisation types as typed or chosen ("SME, VCSE"): each known, at least one, and
    never both SME and large."""
    kinds = organisation_types(text)
    unknown = [k for k in kinds if k not in ORGANISATION_TYPES]
    if unknown or not kinds:
        raise ValidationError(f"organisation type of {who} must be one or more of "
                              f"{', '.join(ORGANISATION_TYPES)}, not '{excerpt(text)}'")
    if "SME" in kinds and "large" in kinds:
        raise ValidationError(f"{who} cannot be both an SME and a large organisation")
    return tuple(dict.fromkeys(kinds))


def _places(amount: Decimal) -> int:
    """Decimal places that matter (684000.50 has 1)."""
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _refuse_if_scored(tf: TenderFile, lot_id: str, bidder: Bidder) -> None:
    mine = "lot_id = ? AND bidder_id = ?"
    if any(tf.rows(table, mine, [lot_id, bidder.id]) for table in ("scores", "moderated",
                                                                   "parked")):
        raise ValidationError(f"{_label(bidder)} already has scores in lot {lot_id}, so it "
                              "cannot be removed; withdraw it instead (with a reason), which "
                              "keeps its record")


def _delete_all(tf: TenderFile, lot_id: str, bidder_id: str) -> None:
    for table in ("bidder_values", "gateways"):
        for row in tf.rows(table, "lot_id = ? AND bidder_id = ?", [lot_id, bidder_id]):
            tf.delete(table, row)
    tf.delete("bidders", _key(lot_id, bidder_id))
