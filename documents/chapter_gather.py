"""The data of the chapter's own documents, as of a day the secretary chooses (issue 13, item 1):
the member register (Sổ danh sách đảng viên, 7-HSĐV) and the list of members at a chapter
meeting with a signature column. The yearly rating table and the badge list are in
``documents.chapter_lists`` (they read the ratings app's own queries).

Who is on the roll on a day is the ledger's answer (``MemberQuerySet.on_roll_as_of``), never
worked out here; every list is read in a fixed number of queries whatever the chapter's size
(the tests pin them), and names sort the Vietnamese way (``chapter.collation``).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q

from chapter.collation import name_sort_key
from chapter.dates import format_date
from documents.gather import Gathered, bare_name, header
from documents.words import day_in_words
from members.models import Chapter, Member, MemberEvent, RoleAssignment
from members.models.scopes import as_they_left, was_official

Status = Member.Status
Kind = MemberEvent.Kind
Role = RoleAssignment.Role

# The book is in Vietnamese whatever the site's language: its own words for the coded fields.
SEX = {Member.Gender.MALE: "Nam", Member.Gender.FEMALE: "Nữ"}
THEORY = {
    Member.PoliticalTheory.ELEMENTARY: "Sơ cấp",
    Member.PoliticalTheory.INTERMEDIATE: "Trung cấp",
    Member.PoliticalTheory.ADVANCED: "Cao cấp",
    Member.PoliticalTheory.BACHELOR: "Cử nhân",
}
SERVICE = {
    Member.Service.ARMY: "Bộ đội",
    Member.Service.POLICE: "Công an",
    Member.Service.RETIRED: "Hưu trí",
}
STANDING = {Status.OFFICIAL: "Chính thức", Status.PROBATIONARY: "Dự bị"}
POSTS = {
    Role.SECRETARY: "Bí thư",
    Role.DEPUTY_SECRETARY: "Phó Bí thư",
    Role.CELL_LEADER: "Tổ trưởng",
}
LEAVING_FORMS = {
    Kind.REMOVED_FROM_PROBATIONARY_LIST: "Xóa tên khỏi danh sách đảng viên dự bị",
    Kind.REMOVED: "Xóa tên",
    Kind.EXPELLED: "Khai trừ",
    Kind.LEFT: "Xin ra khỏi Đảng",
}
# The movements the register's columns 10 to 13 write, as the ledger had them on the day.
REGISTER_KINDS = (Kind.TRANSFERRED_IN, Kind.TRANSFERRED_OUT, Kind.DECEASED, *LEAVING_FORMS)
REGISTER_EVENTS = "register_events"


def roll(chapter: Chapter, day: date):
    """The chapter's members on the roll at the end of ``day`` (the ledger's own as-of), with
    ``status_on``, ``temporary_kind_on`` and ``exemption_kind_on`` annotated."""
    return Member.objects.of_chapter_on(chapter, day).filter(status_on__in=Member.ACTIVE_STATUSES)


def vietnamese_order(members) -> list:
    """Given name, then middle and family name, in the Vietnamese alphabet."""
    return sorted(members, key=lambda m: (name_sort_key(m.full_name), m.pk))


def figures(members: list[Member]) -> dict[str, int]:
    """Count on the roll, official, probationary: from the rows the document prints."""
    official = sum(1 for m in members if m.status_on == Status.OFFICIAL)
    return {"total": len(members), "official": official, "probationary": len(members) - official}


def notes(member: Member) -> list[str]:
    """What the register's and the lists' last column says of the member on the day."""
    found = []
    if member.exemption_kind_on == Kind.EXEMPTED:
        found.append("Miễn công tác và sinh hoạt đảng")
    if member.temporary_kind_on == Kind.TEMPORARY_OUT:
        found.append("Chuyển sinh hoạt đảng tạm thời")
    return found


def _lines(*items: str) -> list[str]:
    return [item for item in items if item]


def _event_cell(event: MemberEvent | None, text: str = "") -> list[str]:
    if event is None:
        return []
    return _lines(format_date(event.effective_date), text or event.counterpart)


def register_row(number: int, member: Member, day: date) -> dict[str, object]:
    """One member's row of the book: 14 columns, each a list of lines (one item a line)."""
    latest: dict[str, MemberEvent] = {}
    for event in getattr(member, REGISTER_EVENTS, []):  # date order: the latest stays
        latest[event.kind] = event
    leaving = None
    for kind in LEAVING_FORMS:
        event = latest.get(kind)
        if event and (leaving is None or event.effective_date > leaving.effective_date):
            leaving = event
    official = member.status_on == Status.OFFICIAL
    events = getattr(member, REGISTER_EVENTS, [])
    official_date = member.official_date if was_official(events) else None
    death = latest.get(Kind.DECEASED)
    return {
        "number": number,
        "name": _lines(member.full_name, member.other_names),
        "identity": _lines(SEX.get(member.gender, ""), member.ethnicity, member.religion),
        "hometown": _lines(member.hometown),
        "education": _lines(
            member.general_education,
            THEORY.get(member.political_theory, ""),
            member.qualification,
            member.foreign_language,
        ),
        "occupation": _lines(member.occupation_before, member.occupation),
        "dates": _lines(
            format_date(member.ceremony_date),
            # Once official that day (for one who has left: official when they left).
            format_date(official_date) if official_date and official_date <= day else "",
        ),
        "numbers": _lines(member.card_number, member.dossier_number, member.badge_number),
        "service": _lines(SERVICE.get(member.service, "")),
        "transferred_out": _event_cell(latest.get(Kind.TRANSFERRED_OUT)),
        "transferred_in": _event_cell(latest.get(Kind.TRANSFERRED_IN)),
        "death": _event_cell(death, death.note if death else ""),
        "leaving": _event_cell(leaving, LEAVING_FORMS.get(leaving.kind, "") if leaving else ""),
        "notes": _lines(STANDING.get(member.status_on, "") if not official else "", *notes(member)),
    }


def chapter_header(gathered: Gathered, chapter: Chapter, day: date) -> None:
    header(gathered, chapter, day)
    gathered.context.update(
        number="",
        chapter_name=bare_name(chapter.name),
        committee_name=chapter.committee.name if chapter.committee_id else "",
        day=format_date(day),
        day_words=day_in_words(day),
        year=day.year,
    )


def register_book(chapter: Chapter, day: date) -> Gathered:
    """Sổ danh sách đảng viên (7-HSĐV) as of ``day``: five queries whatever the size (the
    header, the roll, the movements its columns 10-13 write, the year's members gone to
    another chapter of the system; one more when there are some; nothing per member)."""
    gathered = Gathered()
    chapter_header(gathered, chapter, day)
    # The movements columns 10-13 write, and the status changes (the official date's column).
    events = (
        MemberEvent.objects.standing()
        .filter(Q(kind__in=REGISTER_KINDS) | Q(status__isnull=False), effective_date__lte=day)
        .order_by("effective_date", "id")
    )
    # The book holds the year's exits too (columns 10, 12, 13), as the register's Excel book does
    # (reports.exports.register_members), those accepted by another chapter since included; its
    # totals count those on the roll only.
    left_this_year = (
        MemberEvent.objects.standing()
        .filter(
            chapter=chapter,
            effective_date__range=(date(day.year, 1, 1), day),
            kind__in=MemberEvent.LEAVING_KINDS,
        )
        .values("member")
    )
    held = list(
        Member.objects.of_chapter_on(chapter, day)
        .filter(Q(status_on__in=Member.ACTIVE_STATUSES) | Q(pk__in=left_this_year))
        .prefetch_related(Prefetch("events", queryset=events, to_attr=REGISTER_EVENTS))
    )
    members = vietnamese_order(held + gone_elsewhere(chapter, date(day.year, 1, 1), day))
    on_roll = [m for m in members if m.status_on in Member.ACTIVE_STATUSES]
    gathered.context.update(
        members=[register_row(n, m, day) for n, m in enumerate(members, start=1)],
        column_numbers=list(range(1, 15)),
        **figures(on_roll),
    )
    return gathered


def gone_elsewhere(chapter: Chapter, start: date, day: date) -> list[Member]:
    """The year's members who left the chapter's roll for another chapter of the system, which
    has accepted them (``members.models.scopes.departures``), as the chapter's ledger last had
    them: their state, flags and movements up to the exit, as for a member who left for
    outside the system. One query, one more when there are some."""
    members = as_they_left(MemberEvent.objects.standing(), [chapter.pk], start, day)
    for member in members:
        entries = [e for e in member.left_entries if e.kind in REGISTER_KINDS or e.status]
        setattr(member, REGISTER_EVENTS, entries)
    return members


def posts_on(chapter: Chapter, day: date) -> dict[int, str]:
    """Each member's post in the chapter on ``day`` (secretary, deputy, cell leader): one query."""
    found: dict[int, list[str]] = {}
    roles = (
        RoleAssignment.objects.filter(Q(chapter=chapter) | Q(cell__chapter=chapter))
        .filter(role__in=POSTS, member__isnull=False, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .order_by("role", "start_date")
        .values_list("member_id", "role")
    )
    for member_id, role in roles:
        post = POSTS[role]
        if post not in found.setdefault(member_id, []):
            found[member_id].append(post)
    return {member_id: ", ".join(posts) for member_id, posts in found.items()}


def sign_in_sheet(chapter: Chapter, day: date) -> Gathered:
    """Danh sách đảng viên dự họp: those on the roll on the meeting's day, with their standing,
    their post and a column to sign; three queries whatever the size."""
    gathered = Gathered()
    chapter_header(gathered, chapter, day)
    members = vietnamese_order(roll(chapter, day))
    posts = posts_on(chapter, day)
    rows = [
        {
            "number": n,
            "name": m.full_name,
            "standing": STANDING.get(m.status_on, ""),
            "post": posts.get(m.pk, ""),
            "notes": "; ".join(notes(m)),
        }
        for n, m in enumerate(members, start=1)
    ]
    gathered.context.update(members=rows, **figures(members))
    return gathered
