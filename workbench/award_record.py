"""The award record: when the assessment summaries were sent, when the award notice was
published, and the standstill period that follows it.

Procurement Act 2023 s.50: assessment summaries go to every assessed supplier before the
contract award notice is published. s.51: the mandatory standstill period is eight working
days beginning with the day the notice is published; a working day is not a Saturday, Sunday
or a bank holiday (England and Wales, `workbench.bank_holidays`). Both dates are kept in the
`award_record` row, which stays writable after the tender is locked (the award is made known
after the decision is locked).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from workbench import bank_holidays
from workbench.domain import AwardRecord
from workbench.errors import ValidationError
from workbench.storage import TenderFile
from workbench.storage.records import AWARD_ID

if TYPE_CHECKING:
    from workbench.reports.facts import Facts

STANDSTILL_WORKING_DAYS = 8


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales."""
    if not bank_holidays.FIRST_YEAR <= day.year <= bank_holidays.LAST_YEAR:
        raise ValidationError(f"no bank holiday dates are known for {day.year} (the workbench "
                              f"knows {bank_holidays.FIRST_YEAR}–{bank_holidays.LAST_YEAR}); "
                              "count the standstill period by hand")
    return day.weekday() < 5 and day not in bank_holidays.ENGLAND_AND_WALES


def standstill_end(notice: date) -> date:
    """The last day of the standstill period: the eighth working day counting the day the
    award notice is published (if that is a working day) as the first."""
    day, counted = notice, 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == STANDSTILL_WORKING_DAYS:
                return day
        day += timedelta(days=1)


def dates(record: AwardRecord) -> list[tuple[str, str]]:
    """The award record as (what, when) lines for the pack and the Export view; the
    standstill end is worked out from the award notice date."""
    end = ""
    if record.award_notice_on:
        try:
            end = _long(standstill_end(date.fromisoformat(record.award_notice_on)))
        except ValidationError as exc:
            end = str(exc)
    return [
        ("Assessment summaries sent", _long_text(record.summaries_sent_on)),
        ("Award notice published", _long_text(record.award_notice_on)),
        ("Standstill period ends", f"at midnight at the end of {end}" if end.startswith(
            tuple("0123456789")) else end or "once the award notice date is set"),
    ]


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _long_text(text: str) -> str:
    return _long(date.fromisoformat(text)) if text else "not yet recorded"


def parse_day(text: str, what: str) -> date:
    """A date typed or stored as 2026-12-01."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{what}: '{text.strip()[:30]}' is not a date such as "
                              "2026-12-01") from None


def not_ready(facts: Facts) -> list[str]:
    """What still stops the assessment summaries going out (each problem once), as the
    summaries themselves judge it (`summaries.readiness`)."""
    # imported here: the summaries print this module's dates, so they import it first
    from workbench.reports.summaries import assessed, readiness

    return sorted({p for lot, bidder in assessed(facts) for p in readiness(facts, lot, bidder)[0]})


def mark_summaries_sent(tf: TenderFile, on: str, ready: list[str]) -> None:
    """Record the day the assessment summaries were sent (one audited action).

    `ready` is what still stops the summaries going out (`not_ready`); the date is refused
    while anything does, so the record never claims unfinished summaries left.
    """
    if ready:
        more = f"; and {len(ready) - 4} more" if len(ready) > 4 else ""
        raise ValidationError("the summaries cannot be marked sent yet: "
                              + "; ".join(ready[:4]) + more)
    day = parse_day(on, "date the summaries were sent")
    _write(tf, f"Mark assessment summaries sent on {day.isoformat()}",
           summaries_sent_on=day.isoformat())


def set_award_notice(tf: TenderFile, on: str) -> None:
    """Record the day the contract award notice is (to be) published; "" clears it."""
    text = on.strip()
    day = parse_day(text, "award notice date").isoformat() if text else ""
    if day:
        standstill_end(date.fromisoformat(day))  # refuses a year without holiday dates
    _write(tf, f"Set award notice date to {day}" if day else "Clear award notice date",
           award_notice_on=day)


def _write(tf: TenderFile, description: str, **columns: str) -> None:
    current = tf.get("award_record", {"id": AWARD_ID}) or {
        "id": AWARD_ID, "summaries_sent_on": "", "award_notice_on": ""}
    with tf.action(description):
        tf.put("award_record", {**current, **columns})
