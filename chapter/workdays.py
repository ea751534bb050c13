"""Vietnamese working days (WD): the deadlines of DOMAIN.md R11, R12, R14 and R22 count them.

A working day is Monday to Friday, minus the public holidays of the ``holidays`` package (Tết and
the official substitute days included), plus the Saturdays that package knows were worked in
exchange, and then the admin's ``CalendarOverride`` rows, which win over both: an extra day off
is never a working day and a make-up working day always is. Counting "N WD after an anchor" starts
the day after the anchor; the anchor itself never counts (DOMAIN.md §4 [U]).

Holiday years are computed on first use, for any year, so nothing breaks in 2040.
"""

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays
from django.db import transaction

from chapter.freshness import fresh_or_none
from chapter.models import CalendarOverride

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class PublicYear:
    """One year of the national calendar: days off by name, and weekend days worked instead."""

    days_off: Mapping[date, str]
    weekend_workdays: frozenset[date]


@lru_cache(maxsize=256)
def vietnam_public_year(year: int) -> PublicYear:
    """The ``holidays`` package's Vietnamese calendar for ``year``, names in Vietnamese.

    The neighbouring years are loaded too: a swap is filed under the year of its day off, and
    the Saturday worked for it may fall in the year before or after (31/12/2018 for 05/01/2019).
    """
    calendar = holidays.country_holidays("VN", years=[year - 1, year, year + 1], language="vi")
    days_off = {day: name for day, name in calendar.items() if day.year == year}
    worked = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return PublicYear(MappingProxyType(days_off), worked)


class Calendar:
    """Working days from a public-holiday source plus explicit overrides; immutable once built."""

    def __init__(
        self,
        *,
        days_off: Mapping[date, str] | None = None,
        working_days: Mapping[date, str] | None = None,
        public_year: Callable[[int], PublicYear] = vietnam_public_year,
    ) -> None:
        """``days_off`` and ``working_days`` map a day to its name; a day may not be in both."""
        days_off, working_days = dict(days_off or {}), dict(working_days or {})
        if clash := days_off.keys() & working_days.keys():
            raise ValueError(f"Both a day off and a working day: {sorted(clash)}")
        self._days_off = MappingProxyType(days_off)
        self._working_days = MappingProxyType(working_days)
        self._public_year = public_year

    @classmethod
    def from_overrides(cls, overrides: Iterable[CalendarOverride]) -> "Calendar":
        """A calendar with these ``CalendarOverride`` rows on top of the public holidays."""
        days_off: dict[date, str] = {}
        working_days: dict[date, str] = {}
        for override in overrides:
            is_working = override.kind == CalendarOverride.Kind.WORKING_DAY
            (working_days if is_working else days_off)[override.day] = override.name
        return cls(days_off=days_off, working_days=working_days)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day: overrides first, then holidays, then the weekday."""
        if day in self._working_days:
            return True
        if day in self._days_off:
            return False
        public = self._public_year(day.year)
        if day in public.days_off:
            return False
        return day.weekday() < 5 or day in public.weekend_workdays

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday or declared day off on ``day``; None on working days and
        plain weekends."""
        if day in self._working_days:
            return None
        if day in self._days_off:
            return self._days_off[day]
        return self._public_year(day.year).days_off.get(day)

    def add_working_days(self, anchor: date, n: int) -> date:
        """The ``n``-th working day after ``anchor`` (the anchor never counts); ``n=0`` gives the
        anchor itself. ``n`` must not be negative."""
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        day = anchor
        while n:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days ``d`` have ``start < d <= end``; negative if ``end < start``.

        One ``is_working_day`` per calendar day between the two dates.
        """
        if end < start:
            return -self.working_days_between(end, start)
        days = (end - start).days
        return sum(self.is_working_day(start + timedelta(days=i)) for i in range(1, days + 1))


# One calendar per process, rebuilt after any CalendarOverride change. The generation counter
# stops a load that raced with a change from caching what it read before the change. The
# signals reach only the process that saved, so other processes (gunicorn workers) read the
# overrides again once the cached copy is CACHE_SECONDS old.
CACHE_SECONDS = 60
_lock = threading.Lock()
_cached: Calendar | None = None
_cached_at = 0.0
_generation = 0


def _load() -> Calendar:
    return Calendar.from_overrides(CalendarOverride.objects.all())


def get_calendar() -> Calendar:
    """The calendar with every ``CalendarOverride`` applied: one query, then cached for this
    process (a change made in another process is seen within CACHE_SECONDS)."""
    global _cached, _cached_at
    fresh = fresh_or_none("calendar", _load)
    if fresh is not None:
        return fresh  # chapter/freshness.py: for a value that is stored
    with _lock:
        if _cached is not None and time.monotonic() - _cached_at < CACHE_SECONDS:
            return _cached
        generation = _generation
    calendar = Calendar.from_overrides(CalendarOverride.objects.all())
    with _lock:
        if generation == _generation:
            _cached, _cached_at = calendar, time.monotonic()
    return calendar


def clear_calendar_cache() -> None:
    """Forget the cached calendar; the next ``get_calendar()`` reads the overrides again."""
    global _cached, _generation
    with _lock:
        _cached = None
        _generation += 1


def calendar_override_changed(sender: type, **kwargs: object) -> None:
    """post_save/post_delete receiver: clear now (this transaction sees the change) and again
    on commit (so no other thread keeps what it read before the commit)."""
    clear_calendar_cache()
    transaction.on_commit(clear_calendar_cache)


def is_working_day(day: date) -> bool:
    """``Calendar.is_working_day`` on the current calendar."""
    return get_calendar().is_working_day(day)


def add_working_days(anchor: date, n: int) -> date:
    """``Calendar.add_working_days`` on the current calendar."""
    return get_calendar().add_working_days(anchor, n)


def working_days_between(start: date, end: date) -> int:
    """``Calendar.working_days_between`` on the current calendar."""
    return get_calendar().working_days_between(start, end)
