"""Commitments and deliveries: what the supplier of a lot promised, and what it reported.

Every commitment is a KPI: a measure in words, a unit, a target, a basis saying how the
target is counted, the number of reporting periods it covers, an optional proxy value per
unit typed by the user (never shipped with the product) and the bid text it came from. At
award each social value criterion of the winning bid, scored or quantitative, becomes one
commitment (`commitments_from_bid`); more can be added, and each edited or removed.

The *supplier* of a lot is its single first-placed bidder once the lot's results are final
(every score moderated): a lot is monitored from then on, and after the tender is locked
(the tender file exempts the monitoring tables from the lock).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from workbench.domain import Commitment, Criterion, Delivery, Lot, MonitoringRules, TenderData
from workbench.errors import ReadOnlyError, ValidationError
from workbench.names import check_name, check_text
from workbench.numbers import dec_str, typed_amount
from workbench.scoring.results import BidderResult, compute_lot
from workbench.storage import TenderFile
from workbench.storage.records import commitment_of, commitment_row, delivery_row
from workbench.storage.tenderfile import LOCKED_REASON

#: How a target is counted. A contract total and a figure per period add up the periods'
#: deliveries; a level or a percentage to hold is met by each period's own figure.
BASES = ("contract total", "per period", "level to hold", "percentage to hold")
#: Bases whose target is held in each period (the latest period's figure counts).
HELD = ("level to hold", "percentage to hold")
PERCENT_UNITS = ("%", "percent", "per cent")
_LONGEST_PERIOD = 40
_LONGEST_TEXT = 2000


@dataclass(frozen=True)
class Ledger:
    """A tender with its monitoring records and rating rules, read at one moment."""

    data: TenderData
    commitments: tuple[Commitment, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    rules: MonitoringRules = field(default_factory=MonitoringRules)


def ledger(tf: TenderFile, data: TenderData | None = None) -> Ledger:
    """The tender (or the snapshot `data` already loaded from `tf`) with its monitoring."""
    return ledger_of(data if data is not None else tf.load())


def ledger_of(data: TenderData) -> Ledger:
    """The monitoring records a loaded tender carries, in one place."""
    return Ledger(data, tuple(c for lot in data.lots for c in lot.commitments),
                  tuple(d for lot in data.lots for d in lot.deliveries),
                  data.tender.monitoring)


def social_value_criteria(lot: Lot) -> list[tuple[Criterion, str]]:
    """The lot's social value criteria (scored or measured, tagged with a theme themselves or
    under a tagged group) with their theme, in model order."""
    found: list[tuple[Criterion, str]] = []

    def visit(nodes: list[Criterion], theme: str | None) -> None:
        for node in nodes:
            own = node.theme or theme
            if node.kind in ("scored", "quantitative") and own:
                found.append((node, own))
            visit(node.children, own)

    visit(lot.criteria, None)
    return found


def supplier(data: TenderData, lot: Lot) -> tuple[BidderResult | None, str]:
    """The lot's supplier to monitor, or None and the reason there is none yet."""
    result = compute_lot(data, lot)
    if result.provisional:
        return None, ("its results are still provisional; monitoring starts once every score "
                      "is moderated and the winner is known")
    winners = result.winners
    if len(winners) == 1:
        return winners[0], ""
    if winners:
        names = ", ".join(w.name for w in winners)
        return None, f"first place is tied ({names}); the panel must resolve the tie"
    return None, "no bidder is left in the competition"


def is_percent(unit: str) -> bool:
    return unit.strip().lower() in PERCENT_UNITS


# -- writing -------------------------------------------------------------------------------


def refusal(tf: TenderFile) -> str:
    """Why monitoring cannot be written to this file at all ("" when it can)."""
    if tf.read_only and tf.read_only_reason != LOCKED_REASON:
        return f"{tf.path.name} is read-only: {tf.read_only_reason}"
    return ""


def commitments_from_bid(tf: TenderFile, lot_id: str, bidder_id: str) -> list[str]:
    """Turn each social value criterion of the winning bid that has no commitment yet into
    one, in one action: a measured figure becomes its target (a percentage a level to hold);
    a scored answer a commitment in its words whose target is agreed afterwards. Returns the
    new commitments' codes."""
    data = writable(tf)
    lot = _lot(data, lot_id)
    bidder = _require_supplier(data, lot, bidder_id).bidder
    have = {r["criterion_id"] for r in tf.rows("commitments", "lot_id = ? AND bidder_id = ?",
                                                [lot_id, bidder_id])}
    moderated = {m.criterion: m for m in lot.moderated if m.bidder == bidder_id}
    new: list[Commitment] = []
    for criterion, _theme in social_value_criteria(lot):
        if criterion.id in have:
            continue
        code = f"{criterion.id}.1"
        if criterion.kind == "quantitative":
            value = bidder.values.get(criterion.id)
            if value is None:
                continue
            basis = "percentage to hold" if is_percent(criterion.unit) else "contract total"
            new.append(Commitment(lot_id, bidder_id, code, criterion.id, criterion.title,
                                  criterion.unit, value, basis,
                                  source=f"Bid figure: {dec_str(value)} {criterion.unit}".strip()))
        else:
            agreed = moderated.get(criterion.id)
            source = (f"Panel's agreed reasons ({dec_str(agreed.score)}): {agreed.rationale}"
                      if agreed else "")
            new.append(Commitment(lot_id, bidder_id, code, criterion.id, criterion.title,
                                  source=source))
    if not new:
        raise ValidationError(f"lot {lot_id}: every social value criterion of {bidder.name}'s "
                              "bid already has a commitment")
    with tf.action(f"Commitments from {bidder.name}'s bid in lot {lot_id}"):
        for c in new:
            tf.put("commitments", commitment_row(c))
    return [c.id for c in new]


def add_commitment(tf: TenderFile, lot_id: str, bidder_id: str, criterion_id: str,
                   measure: str, **fields: object) -> str:
    """Add a commitment under a social value criterion; returns its code ("SV1.2").
    `fields` as `edit_commitment`."""
    data = writable(tf)
    lot = _lot(data, lot_id)
    _require_supplier(data, lot, bidder_id)
    criterion = _criterion(lot, criterion_id)
    taken = {r["id"] for r in tf.rows("commitments", "lot_id = ? AND bidder_id = ?",
                                      [lot_id, bidder_id])}
    n = 1
    while f"{criterion_id}.{n}" in taken:
        n += 1
    draft = Commitment(lot_id, bidder_id, f"{criterion_id}.{n}", criterion_id, "",
                       unit=criterion.unit if criterion.kind == "quantitative" else "")
    c = checked(draft, measure=measure, **fields)
    with tf.action(f"Add commitment {c.id} in lot {lot_id}"):
        tf.put("commitments", commitment_row(c))
    return c.id


def edit_commitment(tf: TenderFile, lot_id: str, bidder_id: str, commitment_id: str,
                    **fields: object) -> None:
    """Change some of a commitment's fields: measure, unit, target, basis, periods,
    proxy_value, source (typed text or values; checked by `checked`)."""
    data = writable(tf)
    _require_supplier(data, _lot(data, lot_id), bidder_id)
    c = checked(_existing(tf, lot_id, bidder_id, commitment_id), **fields)
    with tf.action(f"Edit commitment {commitment_id} in lot {lot_id}"):
        tf.put("commitments", commitment_row(c))


def remove_commitment(tf: TenderFile, lot_id: str, bidder_id: str, commitment_id: str) -> None:
    """Remove a commitment (made by mistake) with its delivery reports, in one action."""
    writable(tf)
    _existing(tf, lot_id, bidder_id, commitment_id)
    with tf.action(f"Remove commitment {commitment_id} in lot {lot_id}"):
        for d in tf.rows("deliveries", "lot_id = ? AND bidder_id = ? AND commitment_id = ?",
                         [lot_id, bidder_id, commitment_id]):
            tf.delete("deliveries", d)
        tf.delete("commitments", {"lot_id": lot_id, "bidder_id": bidder_id,
                                  "id": commitment_id})


def checked(c: Commitment, **fields: object) -> Commitment:
    """`c` with `fields` applied and the whole commitment checked; messages name it."""
    where = f"lot {c.lot_id}, commitment {c.id}"
    unknown = set(fields) - {"measure", "unit", "target", "basis", "periods", "proxy_value",
                             "source"}
    if unknown:
        raise ValidationError(f"{where}: unknown field {sorted(unknown)[0]}")
    values: dict[str, object] = {}
    for name in ("measure", "unit", "source"):
        if name in fields:
            text = str(fields[name] or "").strip()
            if name == "source":  # the bid's words, paragraphs kept
                check_text(text, f"{where}: the source", _LONGEST_TEXT)
            else:  # typed in a box that may wrap: line breaks become spaces
                text = check_name(" ".join(text.split()), f"{where}: the {name}")
            values[name] = text
    for name in ("target", "proxy_value"):
        if name in fields:
            values[name] = typed_amount(fields[name], f"{where}: the {name.replace('_', ' ')}")
    if "basis" in fields:
        if fields["basis"] not in BASES:
            raise ValidationError(f"{where}: the basis must be one of {', '.join(BASES)}, "
                                  f"not '{str(fields['basis'])[:30]}'")
        values["basis"] = fields["basis"]
    if "periods" in fields:
        raw = fields["periods"]
        text = "" if raw is None else str(raw).strip()
        if text and (isinstance(raw, bool) or not text.isdigit() or not 1 <= int(text) <= 1000):
            raise ValidationError(f"{where}: periods must be a whole number from 1 to 1000 "
                                  f"(or left empty), not '{text[:20]}'")
        values["periods"] = int(text) if text else None
    new = replace(c, **values)  # type: ignore[arg-type]
    if not new.measure:
        raise ValidationError(f"{where}: say what is measured, in words")
    if is_percent(new.unit) != (new.basis == "percentage to hold"):
        raise ValidationError(
            f"{where}: a percentage is held each period, never added up: use the basis "
            "'percentage to hold' with the unit %" if is_percent(new.unit) else
            f"{where}: the basis 'percentage to hold' needs the unit %")
    if new.basis == "percentage to hold" and new.target is not None and new.target > 100:
        raise ValidationError(f"{where}: a percentage target cannot be over 100")
    if new.basis == "percentage to hold" and new.proxy_value is not None:
        raise ValidationError(f"{where}: a percentage has no value per unit; leave the proxy "
                              "value empty")
    return new


def record_delivery(tf: TenderFile, lot_id: str, bidder_id: str, commitment_id: str,
                    period: str, delivered: object, evidence: str, *, narrative: str = "",
                    recorded_on: str | None = None, replacing: str | None = None) -> None:
    """Record what was delivered on a commitment in one period, with its evidence.

    Recording a period again replaces it; `replacing` names the period of an entry being
    edited, so a corrected period label moves the entry in the same action.
    """
    writable(tf)
    c = _existing(tf, lot_id, bidder_id, commitment_id)
    d = checked_delivery(c, period, delivered, evidence, narrative,
                         recorded_on or date.today().isoformat())
    key = {"lot_id": lot_id, "bidder_id": bidder_id, "commitment_id": commitment_id}
    if d.period != replacing and tf.get("deliveries", {**key, "period": d.period}):
        raise ValidationError(f"lot {lot_id}, commitment {commitment_id}: {d.period} is "
                              "already recorded; edit that entry instead")
    with tf.action(f"Record delivery on {commitment_id} for {d.period} in lot {lot_id}"):
        if replacing is not None and replacing != d.period:
            tf.delete("deliveries", {**key, "period": replacing})
        tf.put("deliveries", delivery_row(d))


def checked_delivery(c: Commitment, period: object, delivered: object, evidence: object,
                     narrative: object, recorded_on: str) -> Delivery:
    """One period's report on `c`, checked; messages name the commitment and period."""
    where = f"lot {c.lot_id}, commitment {c.id}"
    label = check_name(" ".join(str(period or "").split()), f"{where}: the period")
    if not label:
        raise ValidationError(f"{where}: say which period the delivery is for (e.g. 2027-Q2)")
    if len(label) > _LONGEST_PERIOD:
        raise ValidationError(f"{where}: the period '{label[:20]}…' is too long "
                              f"(at most {_LONGEST_PERIOD} characters)")
    what = f"{where}, {label}: the delivered figure"
    amount = typed_amount(delivered, what)
    if amount is None:
        raise ValidationError(f"{what} must be a number, not '{str(delivered or '')[:20]}'")
    if c.basis == "percentage to hold" and amount > 100:
        raise ValidationError(f"{what} is a percentage: at most 100")
    seen = str(evidence or "").strip()
    if not seen:
        raise ValidationError(f"{where}, {label}: say what evidence was seen (a return, "
                              "timesheets, invoices…)")
    words = str(narrative or "").strip()
    for name, text in (("evidence", seen), ("narrative", words)):
        check_text(text, f"{where}, {label}: the {name}", _LONGEST_TEXT)
    return Delivery(c.lot_id, c.bidder_id, c.id, label, amount, seen, recorded_on, words)


def remove_delivery(tf: TenderFile, lot_id: str, bidder_id: str, commitment_id: str,
                    period: str) -> None:
    """Remove one period's delivery record (entered by mistake); the audit trail keeps it."""
    writable(tf)
    key = {"lot_id": lot_id, "bidder_id": bidder_id, "commitment_id": commitment_id,
           "period": period}
    if not tf.get("deliveries", key):
        raise ValidationError(f"lot {lot_id}, commitment {commitment_id}: no delivery "
                              f"recorded for {period}")
    with tf.action(f"Remove delivery on {commitment_id} for {period} in lot {lot_id}"):
        tf.delete("deliveries", key)


# -- helpers -------------------------------------------------------------------------------


def writable(tf: TenderFile) -> TenderData:
    """The tender's data, or ReadOnlyError when monitoring cannot be written (`refusal`)."""
    why = refusal(tf)
    if why:
        raise ReadOnlyError(why)
    return tf.load()


def _lot(data: TenderData, lot_id: str) -> Lot:
    lot = data.lot(lot_id)
    if lot is None:
        raise ValidationError(f"there is no lot {lot_id}")
    return lot


def _require_supplier(data: TenderData, lot: Lot, bidder_id: str) -> BidderResult:
    winner, why = supplier(data, lot)
    if winner is None:
        raise ValidationError(f"lot {lot.id} has no supplier to monitor: {why}")
    if winner.id != bidder_id:
        raise ValidationError(f"lot {lot.id}: only the first-placed bidder ({winner.name}) "
                              f"is monitored, not {bidder_id}")
    return winner


def _criterion(lot: Lot, criterion_id: str) -> Criterion:
    found = next((c for c, _t in social_value_criteria(lot) if c.id == criterion_id), None)
    if found is None:
        raise ValidationError(f"lot {lot.id}: {criterion_id} is not a social value criterion "
                              "(a scored or measured criterion tagged with a theme)")
    return found


def _existing(tf: TenderFile, lot_id: str, bidder_id: str, commitment_id: str) -> Commitment:
    row = tf.get("commitments", {"lot_id": lot_id, "bidder_id": bidder_id, "id": commitment_id})
    if row is None:
        raise ValidationError(f"lot {lot_id}: there is no commitment {commitment_id}")
    return commitment_of(row)
