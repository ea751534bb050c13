"""Dates, once for every app: calendar arithmetic the Party's rules need (whole months, clamped
to the month's end), the one way a date is written (``format_date``, dd/mm/yyyy), the one
placeholder of a date box (``DATE_PLACEHOLDER``) and the one "not in the future" refusal of a
service (``refuse_future``).

The bounds every form, filter and the importer apply (nothing before 03/02/1930, nothing
absurdly far ahead) are ``chapter.forms.check_date`` / ``BoundedDateField``: the one date guard.
"""

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# What a date box shows before anything is typed: dates are written day/month/year.
DATE_PLACEHOLDER = "dd/mm/yyyy"
# The strftime pattern of that order (both locales' SHORT_DATE_FORMAT, d/m/Y, say the same).
DAY_MONTH_YEAR = "%d/%m/%Y"


def format_date(day: date | None, empty: str = "") -> str:
    """``day`` as dd/mm/yyyy, the way Vietnamese papers write it in every language of the site
    (both locales' SHORT_DATE_FORMAT is d/m/Y); ``empty`` when there is no date."""
    return day.strftime(DAY_MONTH_YEAR) if day else empty


def refuse_future(day: date, *, today: date | None = None, field: str | None = None) -> None:
    """Raise the one "cannot be in the future" refusal (code ``future_date``) when ``day`` is
    after ``today``; keyed by ``field`` when given, so a form shows it beside that box."""
    if day <= (today or timezone.localdate()):
        return
    error = ValidationError(_("The date cannot be in the future."), code="future_date")
    raise ValidationError({field: error}) if field else error


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
