"""The chapter's yearly lists as documents: the rating table (DOCUMENTS.md §5, R25) and the list
of members due a Party badge (4A-HHĐ's columns, R26).

Both read the ratings app's own answers (``ratings.queries.chapter_year``,
``ratings.badges.badge_list``): who is on the year's roll, who is rated what, who reaches which
badge and when are decided there, never here. The year is the year of the day the secretary
chooses on the chapter's documents page.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chapter.dates import format_date
from documents.chapter_gather import chapter_header, posts_on, vietnamese_order
from documents.gather import Gathered, Missing, signer
from documents.words import percent
from members.models import Chapter, Member
from ratings.badges import badge_list
from ratings.models import Level
from ratings.queries import chapter_year, year_counts, year_end

# The levels as Quy định 366-QĐ/TW names them (the document is Vietnamese in either language).
LEVELS = {
    Level.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    Level.GOOD: "Hoàn thành tốt nhiệm vụ",
    Level.COMPLETED: "Hoàn thành nhiệm vụ",
    Level.NOT_COMPLETED: "Không hoàn thành nhiệm vụ",
}


def rating_table(chapter: Chapter, day: date) -> Gathered:
    """Bảng tổng hợp xếp loại chất lượng đảng viên of the year of ``day``: the members on the
    roll at the year's end with their rating, then the count and share per level."""
    gathered = Gathered()
    year = day.year
    chapter_header(gathered, chapter, day)
    signer(gathered, chapter, day)
    rows = vietnamese_order_rows(chapter_year(Member.objects.all(), chapter, year))
    posts = posts_on(chapter, year_end(year))
    unrated = [r for r in rows if r.rating is None and not r.exempted]
    if unrated:
        gathered.missing.append(
            Missing(
                _("the year's ratings (not yet rated: %(count)d)") % {"count": len(unrated)},
                reverse("ratings:chapter-year", args=[chapter.public_id, year]),
            )
        )
    counts = year_counts(rows, year)
    gathered.context.update(
        year=year,
        members=[
            {
                "number": n,
                "name": row.member.full_name,
                "post": posts.get(row.member.pk, ""),
                "level": LEVELS.get(row.rating.level, "") if row.rating else "",
                "notes": "Miễn đánh giá, xếp loại" if row.exempted else "",
            }
            for n, row in enumerate(rows, start=1)
        ],
        levels=[
            {"label": LEVELS[level], "count": count, "share": percent(count, counts.total)}
            for level, _label, count, _share in counts.rows()
        ],
        total=len(rows),
        rated=counts.total,
        exempted=sum(1 for r in rows if r.exempted),
    )
    return gathered


def vietnamese_order_rows(rows):
    by_member = {row.member.pk: row for row in rows}
    return [by_member[m.pk] for m in vietnamese_order([row.member for row in rows])]


def _badge_row(number: int, entry, *, posthumous: bool) -> dict[str, object]:
    member = entry.member
    note = f"Truy tặng (từ trần ngày {format_date(entry.death)})" if posthumous else ""
    return {
        "number": number,
        "name": member.full_name,
        "birth_date": format_date(member.date_of_birth),
        "hometown": member.hometown,
        "decision_date": format_date(member.admission_decision_date),
        "ceremony_date": format_date(member.ceremony_date),
        "official_date": format_date(member.official_date),
        "card_number": member.card_number,
        "badge": f"{entry.level} năm tuổi Đảng",
        "reached": format_date(entry.day),
        "notes": note,
    }


def badge_proposal(chapter: Chapter, day: date) -> Gathered:
    """Danh sách đảng viên đề nghị tặng Huy hiệu Đảng of the year of ``day``: those due a badge
    in the year and those proposed posthumously (the ratings app's badge list)."""
    gathered = Gathered()
    year = day.year
    chapter_header(gathered, chapter, day)
    signer(gathered, chapter, day)
    found = badge_list(Member.objects.filter(chapter=chapter), year)
    due = vietnamese_order([entry.member for entry in found.due])
    by_member = {entry.member.pk: entry for entry in found.due}
    rows = [_badge_row(n, by_member[m.pk], posthumous=False) for n, m in enumerate(due, 1)]
    late = vietnamese_order([entry.member for entry in found.posthumous])
    by_member = {entry.member.pk: entry for entry in found.posthumous}
    start = len(rows) + 1
    rows += [
        _badge_row(n, by_member[m.pk], posthumous=True) for n, m in enumerate(late, start=start)
    ]
    gathered.context.update(
        year=year, members=rows, total=len(rows), due=len(found.due), posthumous=len(late)
    )
    return gathered
