"""The demo chapter's yearly rating and badge lists (ratings app), built through its services.

- last year is rated for every member on the roll at its 31 December, with a plausible spread:
  a few "excellent" (within 20% of "good"), most "good", some "completed", one "not completed";
- two founders have the admission dates of long-standing members (corrected with a reason, as a
  secretary would from the original dossier): one reaches 30 years of party age next year
  (the dashboard's badge figure and the badge list), one the year after (eligible early if
  seriously ill).
"""

from __future__ import annotations

from datetime import date, timedelta

from members import services
from members.models import Chapter, Member
from ratings import queries
from ratings.models import Level
from ratings.services import rate_chapter

BADGE_YEARS = 30
REASON = "Bổ sung theo hồ sơ đảng viên gốc (quyết định kết nạp lần đầu)"


def build(chapter: Chapter, founders: list[Member], *, actor, today: date, random) -> None:
    make_veterans(founders, actor=actor, today=today)
    rate_year(chapter, actor=actor, year=today.year - 1, random=random)


def make_veterans(founders: list[Member], *, actor, today: date) -> None:
    """Founders 1 and 2 (not the secretary): admitted 30 years before next year and the year
    after, on days that stay inside those years."""
    for founder, year in ((founders[1], today.year + 1), (founders[2], today.year + 2)):
        decided = date(year - BADGE_YEARS, 4, 2)
        born = date(decided.year - 24, 8, 19)
        if founder.date_of_birth > born:
            services.member_update_details(
                member_id=founder.pk,
                actor=actor,
                changes={"date_of_birth": born},
                reason=REASON,
            )
        for field_name, value in (
            ("admission_decision_date", decided),
            ("ceremony_date", decided + timedelta(days=21)),
        ):
            services.member_correct_key_date(
                member_id=founder.pk, actor=actor, field_name=field_name, value=value, reason=REASON
            )


# The spread of the levels, in a chapter of about fifty: about one in ten "excellent", most
# "good", some "completed", one "not completed".
SPREAD = ((Level.EXCELLENT, 0.1), (Level.COMPLETED, 0.15), (Level.NOT_COMPLETED, 0.02))


def rate_year(chapter: Chapter, *, actor, year: int, random) -> None:
    roll = [
        member
        for member in queries.roll_at_year_end(Member.objects.all(), year, chapter)
        if not queries.exempted_on(member)
    ]
    random.shuffle(roll)
    levels: dict[int, str] = {}
    start = 0
    for level, share in SPREAD:
        count = max(1, round(share * len(roll)))
        for member in roll[start : start + count]:
            levels[member.pk] = level
        start += count
    for member in roll[start:]:
        levels[member.pk] = Level.GOOD
    rate_chapter(chapter_id=chapter.pk, year=year, levels=levels, actor=actor)
