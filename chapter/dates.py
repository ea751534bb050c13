"""Calendar arithmetic the Party's rules need: whole months, clamped to the month's end."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; a day the target month lacks clamps to its last day
    (31/01 + 1 month = 28/02 or 29/02; 29/02/2024 + 12 months = 28/02/2025). DOMAIN.md R14 [U]."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def completed_months(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (negative if ``end`` is earlier).

    A month is complete on the same day of the month (or the month's last day when that day does
    not exist): someone born 15/03/2008 has 216 months (18 years) on 15/03/2026. DOMAIN.md R1.
    """
    if end < start:
        return -completed_months(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def completed_years(start: date, end: date) -> int:
    return completed_months(start, end) // 12


# The Communist Party of Vietnam was founded on 03/02/1930: no party date comes before it.
PARTY_FOUNDED = date(1930, 2, 3)
# The oldest date of birth the register accepts (members and candidates alike).
OLDEST_BIRTH = date(1900, 1, 1)
