"""The award record: standstill counted in working days past bank holidays, the dates kept in
the file (audited, revertible, writable after the lock), and refused while not ready."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workbench import bank_holidays
from workbench.award_record import (
    dates,
    is_working_day,
    mark_summaries_sent,
    set_award_notice,
    standstill_end,
)
from workbench.details import set_status
from workbench.errors import ValidationError
from workbench.storage import TenderFile
from workbench.storage.changes import revert


@pytest.mark.parametrize(("notice", "end"), [
    (date(2026, 12, 3), date(2026, 12, 14)),   # Thursday: counts itself, skips a weekend
    (date(2026, 12, 19), date(2027, 1, 4)),    # Saturday: Christmas, Boxing Day (Mon 28) and
                                               # New Year's Day are not working days
    (date(2027, 3, 24), date(2027, 4, 6)),     # Good Friday and Easter Monday
    (date(2026, 5, 21), date(2026, 6, 2)),     # Spring bank holiday
])
def test_standstill_is_eight_working_days_from_the_notice(notice: date, end: date) -> None:
    assert standstill_end(notice) == end


def test_the_holiday_data_is_complete_and_never_guessed() -> None:
    for year in range(bank_holidays.FIRST_YEAR, bank_holidays.LAST_YEAR + 1):
        assert sum(d.year == year for d in bank_holidays.ENGLAND_AND_WALES) == 8
        assert all(d.weekday() < 5 for d in bank_holidays.ENGLAND_AND_WALES)
    with pytest.raises(ValidationError, match="no bank holiday dates are known for 2031"):
        is_working_day(date(2031, 1, 2))


def test_dates_are_recorded_audited_and_revertible_even_when_locked(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, user="lead") as tf:
        with pytest.raises(ValidationError, match="cannot be marked sent yet: L2 results"):
            mark_summaries_sent(tf, "2026-12-01", ["L2 results are provisional"])
        with pytest.raises(ValidationError, match="'1 Dec' is not a date"):
            set_award_notice(tf, "1 Dec")
        set_status(tf, "locked")
        mark_summaries_sent(tf, "2026-12-01", [])
        assert tf.last_change.description == "Mark assessment summaries sent on 2026-12-01"
        sent = tf.last_change
        set_award_notice(tf, "2026-12-03")
        record = tf.load().award
        assert (record.summaries_sent_on, record.award_notice_on) == ("2026-12-01", "2026-12-03")
        assert dates(record) == [
            ("Assessment summaries sent", "1 December 2026"),
            ("Award notice published", "3 December 2026"),
            ("Standstill period ends", "at midnight at the end of 14 December 2026")]
        revert(tf, tf.last_change, "Undo")
        revert(tf, sent, "Undo")
        assert tf.load().award.summaries_sent_on == ""
