"""Where each lot's contract stands: every commitment's delivery to date against its target to
date, its status, and the contract's overall rating — the data the Monitoring view, the
monitoring report and the portfolio show. How each figure is worked out is `RULES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from workbench.domain import Commitment, Criterion, Delivery, Lot, Rounding
from workbench.monitoring.commitments import (
    HELD,
    Ledger,
    social_value_criteria,
    supplier,
)
from workbench.monitoring.ratings import (
    STATUS_RULE,
    Rating,
    percent,
    status_of,
    target_rating,
    value_rating,
)
from workbench.numbers import dec_str, fmt_money, round_to
from workbench.scoring.results import BidderResult

#: How each figure is worked out, as printed beside it.
RULES = (
    "Delivered to date: a contract total or a figure per period adds up the periods reported; "
    "a level or a percentage to hold is the latest period's figure.",
    "Target to date: a contract total over a known number of periods is expected at a steady "
    "rate (target × periods reported ÷ periods, never more than the total); a figure per "
    "period is the target × periods reported; a level or percentage to hold is the target "
    "itself. Periods reported are those the supplier has reported on any commitment of the "
    "lot, so a commitment left out of a return falls behind.",
    STATUS_RULE,
    "Proxy value: units × the value per unit typed for the commitment (a level held counts "
    "its units in each period). No proxy values are shipped with the workbench.",
)
_SHOWN = Rounding(2, "half_up")


@dataclass(frozen=True)
class CommitmentStatus:
    """One commitment: its deliveries in period order, delivery and target to date, status
    ("on track", "behind", "off track", "not rated") and how that was worked out."""

    commitment: Commitment
    criterion: Criterion
    theme: str
    deliveries: tuple[Delivery, ...]
    delivered: Decimal
    target: Decimal | None
    percent_of_target: Decimal | None
    status: str
    working: str
    committed_value: Decimal | None = None  # proxy value committed to date
    delivered_value: Decimal | None = None  # proxy value delivered to date

    @property
    def delivered_text(self) -> str:
        """ "2,020 hours"; for a level held each period, the latest: "3.5 FTE (2027-Q3)"."""
        text = amount_text(self.delivered, self.commitment.unit)
        if self.commitment.basis in HELD and self.deliveries:
            text += f" ({self.deliveries[-1].period})"
        return text


@dataclass(frozen=True)
class LotMonitoring:
    """A lot's contract: its supplier (None, with `why_none`, when there is none yet), its
    commitments in code order, the periods reported, in order, and its overall rating."""

    lot: Lot
    supplier: BidderResult | None
    why_none: str
    commitments: list[CommitmentStatus] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    rating: Rating | None = None
    currency: str = "GBP"

    @property
    def off_track(self) -> list[CommitmentStatus]:
        return [c for c in self.commitments if c.status in ("behind", "off track")]


def monitor_lot(book: Ledger, lot_id: str, up_to: str | None = None) -> LotMonitoring:
    """Everything the Monitoring view and report show for one lot (as it stood after the
    period `up_to`, when given)."""
    data = book.data
    lot = data.lot(lot_id)
    if lot is None:
        raise KeyError(lot_id)  # callers pass a lot of `data`
    winner, why = supplier(data, lot)
    if winner is None:
        return LotMonitoring(lot, None, why)
    mine = [d for d in book.deliveries if (d.lot_id, d.bidder_id) == (lot_id, winner.id)]
    periods = sorted({d.period for d in mine}, key=period_key)
    if up_to is not None:
        periods = periods[:periods.index(up_to) + 1]
        mine = [d for d in mine if d.period in periods]
    criteria = {c.id: (c, theme) for c, theme in social_value_criteria(lot)}
    criteria.update({c.id: (c, c.theme or "") for c in lot.all_criteria()
                     if c.id not in criteria})
    statuses = []
    for c in sorted((c for c in book.commitments if (c.lot_id, c.bidder_id) ==
                     (lot_id, winner.id)), key=lambda c: period_key(c.id)):
        criterion, theme = criteria[c.criterion_id]
        found = sorted((d for d in mine if d.commitment_id == c.id),
                       key=lambda d: period_key(d.period))
        statuses.append(status(c, criterion, theme, found, len(periods)))
    return LotMonitoring(lot, winner, "", statuses, periods, rate(statuses, book),
                         data.tender.currency)


def rate(statuses: list[CommitmentStatus], book: Ledger) -> Rating:
    """The overall rating of a lot's commitments by the tender's method."""
    if book.rules.method == "value":
        valued = [s for s in statuses if s.committed_value is not None]
        return value_rating(sum((s.committed_value or Decimal(0) for s in valued), Decimal(0)),
                            sum((s.delivered_value or Decimal(0) for s in valued), Decimal(0)),
                            len(statuses) - len(valued), book.rules,
                            book.data.tender.currency)
    return target_rating([s.status for s in statuses], book.rules)


def timeline(book: Ledger, lot_id: str) -> list[tuple[str, Decimal, Decimal]]:
    """Per period reported: committed and delivered to date (proxy value for a value-based
    rating, else the number of rated commitments and how many were on track)."""
    whole = monitor_lot(book, lot_id)
    points = []
    for period in whole.periods:
        then = monitor_lot(book, lot_id, up_to=period)
        if book.rules.method == "value":
            committed = sum((s.committed_value or Decimal(0) for s in then.commitments),
                            Decimal(0))
            delivered = sum((s.delivered_value or Decimal(0) for s in then.commitments),
                            Decimal(0))
        else:
            rated = [s for s in then.commitments if s.status != "not rated"]
            committed = Decimal(len(rated))
            delivered = Decimal(sum(s.status == "on track" for s in rated))
        points.append((period, committed, delivered))
    return points


def status(c: Commitment, criterion: Criterion, theme: str, found: list[Delivery],
           reported: int) -> CommitmentStatus:
    """One commitment's standing after `reported` periods of the lot (`RULES`)."""
    if c.basis in HELD:
        delivered = found[-1].delivered if found else Decimal(0)
        units_done = sum((d.delivered for d in found), Decimal(0))
    else:
        delivered = units_done = sum((d.delivered for d in found), Decimal(0))

    def make(target: Decimal | None, share: Decimal | None, state: str,
             working: str) -> CommitmentStatus:
        committed_value = delivered_value = None
        if c.proxy_value is not None and target is not None:
            # A level held is counted in units per period: 4 FTE for 3 periods is 12.
            due = target * reported if c.basis == "level to hold" else target
            committed_value, delivered_value = c.proxy_value * due, c.proxy_value * units_done
        return CommitmentStatus(c, criterion, theme, tuple(found), delivered, target, share,
                                state, working, committed_value, delivered_value)

    if c.target is None:
        return make(None, None, "not rated", "Not rated: the target is not agreed yet")
    if reported == 0:
        return make(None, None, "not rated", "Not rated: no period reported yet")
    target = target_to_date(c, reported)
    if target == 0:
        return make(target, None, "not rated", "Not rated: nothing is due to date")
    share = percent(delivered, target)
    state = status_of(share)
    return make(target, share, state,
                f"{_delivered_words(c, delivered)} against {_target_words(c, target, reported)}"
                f" = {share}%: {state}")


def target_to_date(c: Commitment, reported: int) -> Decimal:
    """What should have been delivered after `reported` periods (`RULES`)."""
    assert c.target is not None
    if c.basis in HELD:
        return c.target
    if c.basis == "per period":
        return c.target * (min(reported, c.periods) if c.periods else reported)
    if not c.periods:
        return c.target
    return c.target * min(reported, c.periods) / c.periods


def _delivered_words(c: Commitment, delivered: Decimal) -> str:
    if c.basis in HELD:
        return f"{amount_text(delivered, c.unit)} in the latest period"
    return f"{amount_text(delivered, c.unit)} delivered"


def _target_words(c: Commitment, target: Decimal, reported: int) -> str:
    shown = amount_text(target, c.unit)
    if c.basis in HELD:
        return f"{shown} to hold"
    of = f" of {c.periods}" if c.periods else ""
    return f"{shown} due after {reported}{of} period{'s' if reported != 1 else ''}"


def commitment_text(c: Commitment) -> str:
    """ "6 apprentices over the contract (12 periods)", "4.5 FTE held each period"."""
    if c.target is None:
        return "target to be agreed"
    amount = amount_text(c.target, c.unit)
    words = {"contract total": f"{amount} over the contract",
             "per period": f"{amount} each period",
             "level to hold": f"{amount} held each period",
             "percentage to hold": f"{amount} held each period"}[c.basis]
    if c.periods and c.basis not in HELD:
        words += f" ({c.periods} period{'s' if c.periods != 1 else ''})"
    return words


def amount_text(value: Decimal | None, unit: str = "") -> str:
    """A quantity for people: "2,400 hours", "4.5 FTE", "6%", "£41,000"; "—" for none."""
    if value is None:
        return "—"
    unit = unit.strip()
    if unit in ("£", "GBP"):
        return fmt_money(round_to(value, _SHOWN))
    text = format(Decimal(dec_str(round_to(value, _SHOWN))), ",f")
    return f"{text}%" if unit == "%" else f"{text} {unit}".strip()


def period_key(period: str) -> tuple[tuple[int, int | str], ...]:
    """Sort periods (and codes) as people read them: "2027-Q2" before "2027-Q10"."""
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
