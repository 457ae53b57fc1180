"""Bank holidays in England and Wales, 2026 to 2030, for counting working days (standstill).

Source: GOV.UK, "UK bank holidays" (https://www.gov.uk/bank-holidays, the
`england-and-wales` division of https://www.gov.uk/bank-holidays.json), checked for 2026 and
2027 as published in November 2026. 2028 to 2030 follow the same rules (Banking and Financial
Dealings Act 1971 and the Royal Proclamations each year: New Year's Day, Good Friday, Easter
Monday, the first and last Mondays of May, the last Monday of August, Christmas Day and Boxing
Day, with a substitute weekday when one falls at a weekend); a one-off holiday proclaimed later
(a coronation, a jubilee) must be added here when announced. Dates beyond `LAST_YEAR` are
refused rather than guessed.
"""

from __future__ import annotations

from datetime import date

FIRST_YEAR = 2026
LAST_YEAR = 2030

ENGLAND_AND_WALES = frozenset({
    date(2026, 1, 1),  # New Year's Day, Thu
    date(2026, 4, 3),  # Good Friday
    date(2026, 4, 6),  # Easter Monday
    date(2026, 5, 4),  # Early May bank holiday
    date(2026, 5, 25),  # Spring bank holiday
    date(2026, 8, 31),  # Summer bank holiday
    date(2026, 12, 25),  # Christmas Day, Fri
    date(2026, 12, 28),  # Boxing Day (substitute day), Mon
    date(2027, 1, 1),  # New Year's Day, Fri
    date(2027, 3, 26),  # Good Friday
    date(2027, 3, 29),  # Easter Monday
    date(2027, 5, 3),  # Early May bank holiday
    date(2027, 5, 31),  # Spring bank holiday
    date(2027, 8, 30),  # Summer bank holiday
    date(2027, 12, 27),  # Christmas Day (substitute day), Mon
    date(2027, 12, 28),  # Boxing Day (substitute day), Tue
    date(2028, 1, 3),  # New Year's Day (substitute day), Mon
    date(2028, 4, 14),  # Good Friday
    date(2028, 4, 17),  # Easter Monday
    date(2028, 5, 1),  # Early May bank holiday
    date(2028, 5, 29),  # Spring bank holiday
    date(2028, 8, 28),  # Summer bank holiday
    date(2028, 12, 25),  # Christmas Day, Mon
    date(2028, 12, 26),  # Boxing Day, Tue
    date(2029, 1, 1),  # New Year's Day, Mon
    date(2029, 3, 30),  # Good Friday
    date(2029, 4, 2),  # Easter Monday
    date(2029, 5, 7),  # Early May bank holiday
    date(2029, 5, 28),  # Spring bank holiday
    date(2029, 8, 27),  # Summer bank holiday
    date(2029, 12, 25),  # Christmas Day, Tue
    date(2029, 12, 26),  # Boxing Day, Wed
    date(2030, 1, 1),  # New Year's Day, Tue
    date(2030, 4, 19),  # Good Friday
    date(2030, 4, 22),  # Easter Monday
    date(2030, 5, 6),  # Early May bank holiday
    date(2030, 5, 27),  # Spring bank holiday
    date(2030, 8, 26),  # Summer bank holiday
    date(2030, 12, 25),  # Christmas Day, Wed
    date(2030, 12, 26),  # Boxing Day, Thu
})
