"""Who is due a Party badge in a year (DOMAIN.md R26; Hướng dẫn 01-HD/TW mục 18, 06-HD/TW).

Party age is the member's own answer, ``Member.party_age_months(day)`` (R16: none while
probationary, stopped on leaving the roll, interruptions from the ledger): this module never
counts it itself, it only asks it on chosen days. A member reaches a level of L years in a year
when their party age is under 12·L months on 31 December of the year before and at least 12·L on
31 December of the year; the day is found by halving the year.

Three sections:

- **due**: members on the roll who reach a level on a day of the year;
- **early**: members on the roll who reach a level after the year, but within the months early
  a seriously ill member may receive it (12 for 30 to 65 years, 24 for 70 to 90): shown apart,
  "eligible early if seriously ill";
- **posthumous**: deceased members who reached a level in the year before they died, or died at
  most ``POSTHUMOUS_MONTHS`` short of a level they would have reached in the year [U].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import OuterRef, QuerySet, Subquery

from chapter.dates import add_months
from members.models import Member, MemberEvent
from ratings.rules import BADGE_LEVELS, POSTHUMOUS_MONTHS, early_months

Status = Member.Status


@dataclass(frozen=True)
class Entry:
    member: Member
    level: int  # years
    day: date  # the day the level is (or would have been) reached
    months_early: int = 0  # early: how many months before that day the year ends
    death: date | None = None


@dataclass
class BadgeList:
    year: int
    due: list[Entry] = field(default_factory=list)
    early: list[Entry] = field(default_factory=list)
    posthumous: list[Entry] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.due) + len(self.posthumous)


def _age(member: Member, day: date) -> int:
    """Party age on ``day`` for the level searches, which need it never to go down: on probation
    again after a re-admission a member has none (R16), but the levels reached before leaving
    stay reached, so the age held the day before the re-admission stands for it."""
    months = member.party_age_months(day)
    if months is not None:
        return months
    back = [
        event.effective_date
        for event in member.status_events()
        if event.kind == MemberEvent.Kind.READMITTED and event.effective_date <= day
    ]
    if not back:
        return 0
    return member.party_age_months(max(back) - timedelta(days=1)) or 0


def _first_day(member: Member, months: int, after: date, last: date) -> date:
    """The first day in (after, last] on which the party age is at least ``months``; the
    caller knows it is under on ``after`` and reached on ``last``."""
    low, high = after, last  # invariant: under on low, reached on high
    while (high - low).days > 1:
        middle = low + timedelta(days=(high - low).days // 2)
        if _age(member, middle) >= months:
            high = middle
        else:
            low = middle
    return high


def _crossed(member: Member, start: date, end: date) -> tuple[int, date] | None:
    """The level reached on a day in (start, end], with that day, or None."""
    before, after = _age(member, start), _age(member, end)
    for level in BADGE_LEVELS:
        months = level * 12
        if before < months <= after:
            return level, _first_day(member, months, start, end)
    return None


def candidates(scope: QuerySet[Member], year: int) -> QuerySet[Member]:
    """Members of ``scope`` who might be on the year's lists: on the roll now, or deceased, with
    ``death_on`` annotated and what party age reads prefetched (no query per member)."""
    deaths = (
        MemberEvent.objects.standing()
        .filter(member=OuterRef("pk"), kind=MemberEvent.Kind.DECEASED)
        .order_by("-effective_date")
        .values("effective_date")[:1]
    )
    return (
        scope.filter(status__in=(*Member.ACTIVE_STATUSES, Status.DECEASED))
        .annotate(death_on=Subquery(deaths))
        .select_related("chapter", "cell")
        .order_by("sort_key", "pk")
        .with_party_age()
    )


def badge_list(scope: QuerySet[Member], year: int) -> BadgeList:
    """The year's three lists for the members of ``scope`` (one query, then Python)."""
    found = BadgeList(year)
    year_start, year_end = date(year - 1, 12, 31), date(year, 12, 31)
    for member in candidates(scope, year):
        if member.status == Status.DECEASED:
            entry = _posthumous(member, year_start, year_end)
            if entry is not None:
                found.posthumous.append(entry)
            continue
        crossed = _crossed(member, year_start, year_end)
        if crossed is not None:
            found.due.append(Entry(member, *crossed))
            continue
        entry = _early(member, year_end)
        if entry is not None:
            found.early.append(entry)
    return found


def _early(member: Member, year_end: date) -> Entry | None:
    """The next level, reached after the year but within its months early."""
    now = _age(member, year_end)
    for level in BADGE_LEVELS:
        months = level * 12
        if now >= months:
            continue
        window_end = add_months(year_end, early_months(level))
        if _age(member, window_end) < months:
            return None
        day = _first_day(member, months, year_end, window_end)
        ahead = (day.year - year_end.year) * 12 + day.month - year_end.month
        return Entry(member, level, day, months_early=max(ahead, 1))
    return None


def _posthumous(member: Member, year_start: date, year_end: date) -> Entry | None:
    """A deceased member: the level reached in the year (before death), or the level they
    would have reached in the year had they lived, when they died at most POSTHUMOUS_MONTHS
    short of it [U]."""
    death = member.death_on
    if death is None:
        return None
    if death > year_start:  # reached in the year while alive: party age stops at death (R16)
        crossed = _crossed(member, year_start, min(death, year_end))
        if crossed is not None:
            return Entry(member, *crossed, death=death)
    at_death = _age(member, death)
    age = member.party_age(death)
    for level in BADGE_LEVELS:
        short = level * 12 - at_death
        if 0 < short <= POSTHUMOUS_MONTHS and age is not None:
            # The day the computation itself would have reached the level had they lived.
            would_reach = add_months(age.start, level * 12 + age.adjustment_months) + timedelta(
                days=age.days_off_roll
            )
            if year_start < would_reach <= year_end:
                return Entry(member, level, would_reach, death=death)
            return None
    return None
