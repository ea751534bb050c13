"""What the rating pages read: the roll of a year's end, the ratings, counts by year.

A fixed number of queries whatever the number of members (tests pin them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, QuerySet
from django.utils import timezone

from chapter.rules import rule
from members.models import Chapter, Member, MemberEvent
from ratings.models import FIRST_YEAR, AnnualRating, Level
from ratings.rules import EXCELLENT_CAP_KEY


def year_end(year: int) -> date:
    """The day a year's roll is read: members on the roll at the end of 31 December."""
    return date(year, 12, 31)


def latest_ratable_year(today: date | None = None) -> int:
    """The year a chapter rates now: the year just ended, or the current one from December
    (the review meets at the year's end)."""
    today = today or timezone.localdate()
    return today.year if today.month == 12 else today.year - 1


def year_allowed(year: int, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return FIRST_YEAR <= year <= today.year


def roll_at_year_end(
    members: QuerySet[Member], year: int, chapter: Chapter | int | None = None
) -> QuerySet[Member]:
    """``members`` on the roll at the end of ``year`` (the ledger as of 31/12) — in ``chapter``
    that day, when given (not a record that arrived since) — with ``status_on`` and
    ``exemption_kind_on`` (``MemberQuerySet.as_of``), in register order."""
    day = year_end(year)
    if chapter is None:
        members = members.on_roll_as_of(day)
    else:
        members = members.of_chapter_on(chapter, day).filter(status_on__in=Member.ACTIVE_STATUSES)
    return members.select_related("cell").order_by("sort_key", "pk")


def exempted_on(member: Member) -> bool:
    """Exempted from party work and meetings on the day ``roll_at_year_end`` read."""
    return member.exemption_kind_on == MemberEvent.Kind.EXEMPTED


@dataclass
class Row:
    member: Member
    exempted: bool
    rating: AnnualRating | None


def chapter_year(members: QuerySet[Member], chapter: Chapter, year: int) -> list[Row]:
    """The chapter's members (within ``members``, the user's scope) on the roll at the end of
    ``year``, each with their rating of that year: two queries."""
    roll = list(roll_at_year_end(members, year, chapter))
    ratings = {
        r.member_id: r
        for r in AnnualRating.objects.filter(
            member__in=[m.pk for m in roll], year=year
        ).select_related("recorded_by", "changed_by")
    }
    return [Row(m, exempted_on(m), ratings.get(m.pk)) for m in roll]


@dataclass
class YearCounts:
    year: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rows(self) -> list[tuple[str, str, int, float]]:
        """(level, label, count, share of the rated in %) for each level, best first."""
        return [
            (level, label, self.counts.get(level, 0), self.share(level))
            for level, label in Level.choices
        ]

    def share(self, level: str) -> float:
        total = self.total
        return round(100 * self.counts.get(level, 0) / total, 1) if total else 0.0

    @property
    def cap_percent(self) -> int:
        return rule(EXCELLENT_CAP_KEY, year_end(self.year))

    @property
    def over_cap(self) -> bool:
        """R25 [U]: more "excellent" than the cap's share of "good" (a warning, never a refusal)."""
        excellent = self.counts.get(Level.EXCELLENT, 0)
        good = self.counts.get(Level.GOOD, 0)
        return excellent * 100 > self.cap_percent * good


def counts_by_year(members: QuerySet[Member], *, years: int = 5) -> list[YearCounts]:
    """The ratings of ``members`` counted by year and level, the latest ``years`` years that
    have any, newest first: one GROUP BY query."""
    rows = (
        AnnualRating.objects.filter(member__in=members.values("pk"))
        .order_by()
        .values("year", "level")
        .annotate(n=Count("pk"))
    )
    by_year: dict[int, YearCounts] = {}
    for row in rows:
        by_year.setdefault(row["year"], YearCounts(row["year"])).counts[row["level"]] = row["n"]
    return [by_year[y] for y in sorted(by_year, reverse=True)[:years]]


def year_counts(rows: list[Row], year: int) -> YearCounts:
    """The counts of one chapter year's rows (no query)."""
    found = YearCounts(year)
    for row in rows:
        if row.rating is not None:
            found.counts[row.rating.level] = found.counts.get(row.rating.level, 0) + 1
    return found


def register_rating_year(day: date) -> int:
    """The rating the register shows as of ``day``: the year's own on 31 December, else the
    year before's (the review meets at the year's end)."""
    return day.year if (day.month, day.day) == (12, 31) else day.year - 1
