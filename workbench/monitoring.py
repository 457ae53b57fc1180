"""Contract monitoring after the award: what the supplier promised on each social value measure,
what it has delivered in each reporting period, and whether it is on track.

A *measure* is a quantitative criterion tagged with a social value theme (or under a tagged
group). The *supplier* of a lot is its first-placed bidder in `compute_lot` — never a ranking
made here. Monitoring is written once the award is recommended and stays writable after the
tender is locked (the tender file exempts these two tables from the lock).

How a measure's status is worked out is `RULES`: the sentences the Monitoring view and the
monitoring report print, kept next to the arithmetic (`_status`, `target_to_date`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from workbench.domain import Commitment, Criterion, Delivery, Lot, Rounding, TenderData
from workbench.errors import ReadOnlyError, ValidationError
from workbench.numbers import dec_str, fmt_money, round_to, typed_amount
from workbench.scoring.results import BidderResult, compute_lot
from workbench.storage import TenderFile
from workbench.storage.records import Row, commitment_of, commitment_row, delivery_of
from workbench.storage.tenderfile import LOCKED_REASON

#: How a committed figure is counted (see the module docstring).
BASES = ("contract total", "per year", "each period")
_BASIS_WORDS = {"contract total": "over the contract", "per year": "a year",
                "each period": "in each period"}
#: Tender statuses at which a contract is monitored.
MONITORED = ("award_recommended", "locked")
GREEN_AT, AMBER_AT = Decimal(100), Decimal(75)
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", "none": "Not rated"}
NOT_YET = ("monitoring starts once the award is recommended (Audit ▸ Recommend award…); "
           "until then there is no supplier to monitor")
#: The status rules in plain English, as printed; `_status` and `target_to_date` apply them.
RULES = (
    "Deliveries add up over the contract when the commitment is a contract total or a figure "
    "per year. For a level kept up in each period (staff in post, say), the latest period "
    "reported is what counts.",
    "Target to date: when the number of reporting periods the commitment covers is recorded, "
    "delivery is expected at a steady rate, the committed figure × periods reported ÷ periods "
    "planned (never more than a contract total). Otherwise the target is the whole committed "
    "figure.",
    "Periods reported are those the supplier has reported on any measure of the lot, so a "
    "measure left out of a return falls behind.",
    "Status, on the share of the target delivered (to the whole percent): Green at 100% or "
    "more, Amber from 75% to 99%, Red below 75%. Nothing is rated before the first period is "
    "reported, or when nothing was committed.",
)
#: Chip colours shared by the screen and the report, light enough for dark text on top.
RAG_COLOURS = {"green": "#D5EDD6", "amber": "#FCE8B2", "red": "#F6D3D3", "none": "#E6E9ED"}
_WHOLE = Rounding(0, "half_up")
_SHOWN = Rounding(2, "half_up")
_LONGEST_PERIOD = 40
#: What people type around a figure: "£41,000" is 41000.


@dataclass(frozen=True)
class Ledger:
    """A tender with its monitoring records, read at one moment."""

    data: TenderData
    commitments: tuple[Commitment, ...] = ()
    deliveries: tuple[Delivery, ...] = ()


@dataclass(frozen=True)
class MeasureStatus:
    """One measure of the supplier's contract: promise, delivery to date, target and RAG.

    `rag` is "green", "amber", "red", or "none" (not rated; `status_text` says why).
    """

    criterion: Criterion
    theme: str
    commitment: Commitment | None
    deliveries: tuple[Delivery, ...]
    delivered: Decimal
    target: Decimal | None
    percent_of_commitment: Decimal | None
    percent_of_target: Decimal | None
    rag: str
    status_text: str

    @property
    def unit(self) -> str:
        return self.commitment.unit if self.commitment else self.criterion.unit

    @property
    def delivered_text(self) -> str:
        """ "2,020 hours"; for a level kept each period, the latest: "3.5 FTE (2027-Q3)"."""
        if self.commitment is None:
            return "—"
        text = amount_text(self.delivered, self.unit)
        if self.commitment.period == "each period" and self.deliveries:
            text += f" ({self.deliveries[-1].period})"
        return text


@dataclass(frozen=True)
class LotMonitoring:
    """A lot's contract: its supplier (None, with `why_none`, when there is no single one),
    its measures in model order and the periods reported so far, in order."""

    lot: Lot
    supplier: BidderResult | None
    why_none: str
    measures: list[MeasureStatus] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)


# -- reading -------------------------------------------------------------------------------


def ledger(tf: TenderFile, data: TenderData | None = None) -> Ledger:
    """The tender (or the snapshot `data` already loaded from `tf`) with its monitoring rows."""
    return Ledger(
        data if data is not None else tf.load(),
        tuple(commitment_of(r) for r in tf.rows("commitments")),
        tuple(delivery_of(r) for r in tf.rows("deliveries")))


def measures(lot: Lot) -> list[tuple[Criterion, str]]:
    """The lot's social value measures with their theme, in model order."""
    found: list[tuple[Criterion, str]] = []

    def visit(nodes: list[Criterion], theme: str | None) -> None:
        for node in nodes:
            own = node.theme or theme
            if node.kind == "quantitative" and own:
                found.append((node, own))
            visit(node.children, own)

    visit(lot.criteria, None)
    return found


def supplier(data: TenderData, lot: Lot) -> tuple[BidderResult | None, str]:
    """The lot's first-placed bidder from the results, or None and the reason there is none."""
    winners = compute_lot(data, lot).winners
    if len(winners) == 1:
        return winners[0], ""
    if winners:
        names = ", ".join(w.name for w in winners)
        return None, f"first place is tied ({names}); the panel must resolve the tie"
    return None, "no bidder is left in the competition"


def monitor_lot(source: TenderFile | Ledger, lot_id: str) -> LotMonitoring:
    """Everything the Monitoring view and report show for one lot."""
    book = source if isinstance(source, Ledger) else ledger(source)
    lot = _lot(book.data, lot_id)
    if book.data.tender.status not in MONITORED:
        return LotMonitoring(lot, None, NOT_YET)
    winner, why = supplier(book.data, lot)
    if winner is None:
        return LotMonitoring(lot, None, why)
    mine = [d for d in book.deliveries if (d.lot_id, d.bidder_id) == (lot_id, winner.id)]
    periods = sorted({d.period for d in mine}, key=period_key)
    promised = {c.criterion_id: c for c in book.commitments
                if (c.lot_id, c.bidder_id) == (lot_id, winner.id)}
    listed = measures(lot)
    listed += [(c, c.theme or "") for c in lot.all_criteria()
               if c.id in promised and c.id not in {m.id for m, _ in listed}]
    return LotMonitoring(lot, winner, "", [
        _status(criterion, theme, promised.get(criterion.id),
                sorted((d for d in mine if d.criterion_id == criterion.id),
                       key=lambda d: period_key(d.period)), len(periods))
        for criterion, theme in listed], periods)


def monitoring_status(source: TenderFile | Ledger, lot_id: str) -> list[MeasureStatus]:
    """Per measure of the lot's supplier: committed, delivered to date, percent and RAG."""
    return monitor_lot(source, lot_id).measures


def _status(criterion: Criterion, theme: str, c: Commitment | None,
            found: list[Delivery], reported: int) -> MeasureStatus:
    def make(delivered: Decimal, target: Decimal | None, of_commitment: Decimal | None,
             of_target: Decimal | None, rag: str, text: str) -> MeasureStatus:
        return MeasureStatus(criterion, theme, c, tuple(found), delivered, target,
                             of_commitment, of_target, rag, text)

    if c is None:
        return make(Decimal(0), None, None, None, "none", "No commitment recorded")
    if c.period == "each period":
        delivered = found[-1].delivered if found else Decimal(0)
    else:
        delivered = sum((d.delivered for d in found), Decimal(0))
    if c.committed == 0:
        return make(delivered, None, None, None, "none", "Nothing was committed")
    of_commitment = percent(delivered, c.committed)
    if reported == 0:
        return make(delivered, None, of_commitment, None, "none", "No periods reported yet")
    target = target_to_date(c, reported)
    of_target = percent(delivered, target)
    rag = "green" if of_target >= GREEN_AT else "amber" if of_target >= AMBER_AT else "red"
    words = {"green": "on track", "amber": "behind", "red": "well behind"}[rag]
    return make(delivered, target, of_commitment, of_target, rag,
                f"{RAG_LABELS[rag]}: {words} ({of_target}% of target)")


def target_to_date(c: Commitment, reported: int) -> Decimal:
    """What should have been delivered after `reported` periods (module docstring)."""
    if c.period == "each period" or not c.periods_planned:
        return c.committed
    if c.period == "contract total":
        reported = min(reported, c.periods_planned)
    return c.committed * reported / c.periods_planned


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """part ÷ whole as a whole percentage, as shown and compared ("82")."""
    return round_to(part * 100 / whole, _WHOLE)


def period_key(period: str) -> tuple[tuple[int, int | str], ...]:
    """Sort periods as people read them: "2027-Q2" before "2027-Q10", numbers by value."""
    return tuple((0, int(p)) if p.isdigit() else (1, p.lower())
                 for p in re.split(r"(\d+)", period) if p)


def next_period(periods: list[str]) -> str:
    """The period after the last one reported, when it reads like "2027-Q4" ("2028-Q1");
    otherwise "" (the user types it)."""
    found = re.fullmatch(r"(\d{4})-Q([1-4])", periods[-1]) if periods else None
    if found is None:
        return ""
    year, quarter = int(found[1]), int(found[2])
    return f"{year + quarter // 4}-Q{quarter % 4 + 1}"


def commitment_text(c: Commitment) -> str:
    """ "3,100 hours a year (4 reporting periods)", "5 FTE in each period"."""
    text = f"{amount_text(c.committed, c.unit)} {_BASIS_WORDS[c.period]}"
    if c.periods_planned and c.period != "each period":
        plural = "" if c.periods_planned == 1 else "s"
        text += f" ({c.periods_planned} reporting period{plural})"
    return text


def amount_text(value: Decimal | None, unit: str = "") -> str:
    """A quantity for people: "2,400 hours", "4.5 FTE", "£41,000"; "—" for none."""
    if value is None:
        return "—"
    if unit.strip() in ("£", "GBP"):
        return fmt_money(round_to(value, _SHOWN))
    text = format(Decimal(dec_str(round_to(value, _SHOWN))), ",f")
    return f"{text} {unit.strip()}".strip()


# -- writing -------------------------------------------------------------------------------


def refusal(tf: TenderFile) -> str:
    """Why monitoring cannot be written to this file now ("" when it can)."""
    if tf.read_only and tf.read_only_reason != LOCKED_REASON:
        return f"{tf.path.name} is read-only: {tf.read_only_reason}"
    return "" if tf.tender().status in MONITORED else NOT_YET


def record_commitments_from_bid(tf: TenderFile, lot_id: str, bidder_id: str) -> list[str]:
    """Commit the supplier to the figures of its bid: one commitment per measure that has
    none yet and a figure in the bid, in one action. Returns the measures seeded."""
    data = _writable(tf)
    lot = _lot(data, lot_id)
    bidder = _require_supplier(data, lot, bidder_id).bidder
    have = {r["criterion_id"] for r in _rows(tf, "commitments", lot_id, bidder_id)}
    seeded = [(c, bidder.values[c.id]) for c, _theme in measures(lot)
              if c.id not in have and c.id in bidder.values]
    if not seeded:
        raise ValidationError(f"lot {lot_id}: every measure with a figure in "
                              f"{bidder.name}'s bid already has a commitment")
    with tf.action(f"Seed commitments from {bidder.name}'s bid in lot {lot_id}"):
        for criterion, value in seeded:
            tf.put("commitments", commitment_row(Commitment(
                lot_id, bidder_id, criterion.id, value, criterion.unit,
                note="Figure from the bid")))
    return [c.id for c, _v in seeded]


def set_commitment(tf: TenderFile, lot_id: str, bidder_id: str, criterion_id: str,
                   committed: object, *, unit: str = "", period: str = "contract total",
                   periods_planned: object = None, note: str = "") -> None:
    """Record (or change) what the supplier promised on one measure.

    `periods_planned` is a whole number, its text ("4"), or None / "" when not known.
    """
    data = _writable(tf)
    lot = _lot(data, lot_id)
    _require_supplier(data, lot, bidder_id)
    criterion = _measure(lot, criterion_id)
    where = f"lot {lot_id}, {criterion_id}"
    amount = _amount(committed, f"{where}: the committed figure")
    if period not in BASES:
        raise ValidationError(f"{where}: the basis must be one of {', '.join(BASES)}")
    text = "" if periods_planned is None else str(periods_planned).strip()
    if text and (isinstance(periods_planned, bool) or not text.isdigit() or int(text) < 1):
        raise ValidationError(f"{where}: periods planned must be a whole number of 1 or more "
                              f"(or left empty), not '{periods_planned}'")
    with tf.action(f"Set commitment on {criterion_id} {criterion.title} in lot {lot_id}"):
        tf.put("commitments", commitment_row(Commitment(
            lot_id, bidder_id, criterion_id, amount, unit.strip(), period,
            int(text) if text else None, note.strip())))


def record_delivery(tf: TenderFile, lot_id: str, bidder_id: str, criterion_id: str,
                    period: str, delivered: object, evidence: str, *,
                    recorded_on: str | None = None, replacing: str | None = None) -> None:
    """Record what was delivered on a committed measure in one period, with its evidence.

    Recording a period again replaces it; `replacing` names the period of an entry being
    edited, so a corrected period label moves the entry in the same action.
    """
    _writable(tf)
    period = " ".join(str(period).split())
    where = f"lot {lot_id}, {criterion_id}"
    if not period:
        raise ValidationError(f"{where}: say which period the delivery is for (e.g. 2027-Q2)")
    if len(period) > _LONGEST_PERIOD:
        raise ValidationError(f"{where}: the period '{period[:20]}…' is too long "
                              f"(at most {_LONGEST_PERIOD} characters)")
    amount = _amount(delivered, f"{where}, {period}: the delivered figure")
    evidence = str(evidence).strip()
    if not evidence:
        raise ValidationError(f"{where}, {period}: say what evidence was seen (a return, "
                              "timesheets, invoices…)")
    if not _rows(tf, "commitments", lot_id, bidder_id, criterion_id):
        raise ValidationError(f"{where}: record the commitment before what was delivered")
    key = {"lot_id": lot_id, "bidder_id": bidder_id, "criterion_id": criterion_id}
    if period != replacing and _rows(tf, "deliveries", lot_id, bidder_id, criterion_id, period):
        raise ValidationError(f"{where}: {period} is already recorded; edit that entry instead")
    with tf.action(f"Record delivery on {criterion_id} for {period} in lot {lot_id}"):
        if replacing is not None and replacing != period:
            tf.delete("deliveries", {**key, "period": replacing})
        tf.put("deliveries", {**key, "period": period, "delivered": dec_str(amount),
                              "evidence": evidence,
                              "recorded_on": recorded_on or date.today().isoformat()})


def remove_delivery(tf: TenderFile, lot_id: str, bidder_id: str, criterion_id: str,
                    period: str) -> None:
    """Remove one period's delivery record (entered by mistake); the audit trail keeps it."""
    _writable(tf)
    if not _rows(tf, "deliveries", lot_id, bidder_id, criterion_id, period):
        raise ValidationError(f"lot {lot_id}, {criterion_id}: no delivery recorded for "
                              f"{period}")
    with tf.action(f"Remove delivery on {criterion_id} for {period} in lot {lot_id}"):
        tf.delete("deliveries", {"lot_id": lot_id, "bidder_id": bidder_id,
                                 "criterion_id": criterion_id, "period": period})


# -- helpers -------------------------------------------------------------------------------


def _writable(tf: TenderFile) -> TenderData:
    why = refusal(tf)
    if why:
        raise (ValidationError if why == NOT_YET else ReadOnlyError)(why)
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


def _measure(lot: Lot, criterion_id: str) -> Criterion:
    found = next((c for c, _theme in measures(lot) if c.id == criterion_id), None)
    if found is None:
        raise ValidationError(f"lot {lot.id}: {criterion_id} is not a social value measure "
                              "(a measured figure tagged with a social value theme)")
    return found


def _amount(value: object, what: str) -> Decimal:
    """A required figure: as `typed_amount`, but a blank is refused too."""
    amount = typed_amount(value, what)
    if amount is None:
        blank = "" if value is None else value
        raise ValidationError(f"{what} must be a number, not '{blank}'")
    return amount


def _rows(tf: TenderFile, table: str, lot_id: str, bidder_id: str, *more: str) -> list[Row]:
    columns = ["lot_id", "bidder_id", "criterion_id", "period"][:2 + len(more)]
    where = " AND ".join(f"{c} = ?" for c in columns)
    return tf.rows(table, where, [lot_id, bidder_id, *more])


