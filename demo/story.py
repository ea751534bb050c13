"""The demo chapter's founding story: its dates, people and steps (built by demo/builder.py).

Story (as published): "Chi bộ Ban Quản lý An toàn thực phẩm tỉnh", under "Đảng ủy Khối các cơ
quan tỉnh", founded 14/05/2018 by decision 314-QĐ/ĐUK with 28 official members in 4 cells;
over little more than a year it receives 12 official members by transfer and admits 10 new
members, so that on 05/02/2020 it has 50 members: 40 official and 10 probationary.

By default every date is shifted by whole days so that the story ends today: today has 50
members, 40 official and 10 probationary, and the first probations end in the coming weeks, so
the deadlines on the dashboard are live. ``as_published=True`` keeps the dates above.

The ten new members go through the whole admissions pipeline (``admissions.services``): pool,
awareness course, application and background declaration, background checks, introducers, the
chapter's vote, the committee's decision and the ceremony with its mentor. Their dates are counted
back from the story's ceremonies in Vietnamese working days, so every deadline (R11, R12) is met
under any shift. Seven more candidates stand at earlier stages on the story's last day; one waits
for its admission decision, due within days.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

from admissions.models import Candidate
from chapter.workdays import is_working_day
from members.models import Member

PUBLISHED_FOUNDING = date(2018, 5, 14)
PUBLISHED_AS_OF = date(2020, 2, 5)
CELL_NAMES = ["Tổ đảng Văn phòng", "Tổ đảng Thanh tra", "Tổ đảng Nghiệp vụ", "Tổ đảng Truyền thông"]
FOUNDING_MEMBERS = 28
# Ceremonies of the ten new members (as published): all after 05/02/2019, so all ten are still
# probationary on 05/02/2020; the newest probation ends on 10/01/2021.
CEREMONIES = [
    date(2019, 3, 8),
    date(2019, 4, 19),
    date(2019, 5, 17),
    date(2019, 6, 21),
    date(2019, 8, 16),
    date(2019, 9, 13),
    date(2019, 10, 18),
    date(2019, 11, 22),
    date(2019, 12, 20),
    date(2020, 1, 10),
]
TRANSFER_DATES = [
    date(2018, 7, 2),
    date(2018, 8, 20),
    date(2018, 10, 1),
    date(2018, 11, 15),
    date(2019, 1, 7),
    date(2019, 2, 25),
    date(2019, 4, 1),
    date(2019, 6, 3),
    date(2019, 8, 1),
    date(2019, 9, 16),
    date(2019, 11, 4),
    date(2020, 1, 2),
]
MALE_MIDDLE = ["Văn", "Đức", "Hữu", "Minh", "Quang", "Công", "Xuân", "Thành"]
FEMALE_MIDDLE = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Thùy", "Phương", "Mai"]
OCCUPATIONS = ["Chuyên viên", "Thanh tra viên", "Kiểm nghiệm viên", "Kế toán", "Chuyên viên chính"]
ORIGINS = [
    "Chi bộ Sở Y tế",
    "Chi bộ Sở Công Thương",
    "Chi bộ Chi cục Thú y",
    "Chi bộ Sở Nông nghiệp và Phát triển nông thôn",
    "Chi bộ Trung tâm Kiểm soát bệnh tật tỉnh",
]

ORGANISATION = "Ban Quản lý An toàn thực phẩm tỉnh"
DECIDING_BODY = "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh"
SCHOOL = "Trường Chính trị tỉnh"
YOUTH_UNION_EXECUTIVE = "Ban Chấp hành Đoàn cơ sở Ban Quản lý An toàn thực phẩm tỉnh"
TRADE_UNION_EXECUTIVE = "Ban Chấp hành Công đoàn cơ sở Ban Quản lý An toàn thực phẩm tỉnh"
CHECK_RESULT = "Lịch sử chính trị rõ ràng; chấp hành tốt chủ trương, pháp luật"
Source = Candidate.Source
St = Candidate.Stage
# Who proposed each of the ten new members: the young ones come through the Youth Union and are
# introduced by its executive and one member (R7); the others by two members or the trade union.
ADMISSION_SOURCES = [
    Source.YOUTH_UNION, Source.TRADE_UNION, Source.YOUTH_UNION, Source.CHAPTER,
    Source.YOUTH_UNION, Source.YOUTH_UNION, Source.TRADE_UNION, Source.YOUTH_UNION,
    Source.CHAPTER, Source.YOUTH_UNION,
]  # fmt: skip
# The steps of a case in order, each with its gap after the step before: (step, unit, low, high).
# Working-day gaps keep the decision within 60 WD of the vote (R11) and the ceremony within 30 WD
# of the decision's receipt (R12), whatever the shift does to weekends and holidays.
STEPS = [
    ("pool", "days", 0, 0),
    ("course", "days", 30, 90),
    ("application", "days", 15, 45),
    ("background", "days", 1, 5),
    ("requested", "days", 3, 7),
    ("replied", "days", 10, 30),
    ("certified", "days", 3, 10),
    ("introduced", "days", 5, 12),
    ("opinions", "days", 3, 7),
    ("vote", "days", 5, 12),
    ("decided", "wd", 15, 40),
    ("received", "wd", 1, 4),
    ("ceremony", "wd", 5, 15),
]
STEP_NAMES = [name for name, *_ in STEPS]
# The pipeline's services in order: the stage each reaches and the builder's method that calls it.
PIPELINE = [
    (St.COURSE_DONE, "record_course"),
    (St.DOSSIER_OPEN, "open_dossier"),
    (St.BACKGROUND_VERIFIED, "verify"),
    (St.INTRODUCED, "introduce"),
    (St.CHAPTER_APPROVED, "vote"),
    (St.ADMISSION_DECIDED, "decide"),
    (St.ADMITTED, "hold_ceremony"),
]
# Candidates at earlier stages on the story's last day: (stage, source, the step that brought
# them there, taken so many days before the last day). None: the vote DECISION_DUE_SOON_WD
# working days before, so that the admission decision (60 WD, R11) is due within ten.
EARLY_CASES = [
    (St.POOL, Source.YOUTH_UNION, "pool", 64),
    (St.POOL, Source.TRADE_UNION, "pool", 11),
    (St.SYMPATHISER, Source.YOUTH_UNION, "pool", 95),
    (St.COURSE_DONE, Source.CHAPTER, "course", 38),
    (St.DOSSIER_OPEN, Source.YOUTH_UNION, "requested", 16),
    (St.INTRODUCED, Source.TRADE_UNION, "opinions", 8),
    (St.CHAPTER_APPROVED, Source.YOUTH_UNION, "vote", None),
]
DECISION_DUE_SOON_WD = 52

DEMO_USERS = [
    ("admin", "Quản trị", "hệ thống"),
    ("bithu", "Bí thư", "chi bộ"),
    ("capuy", "Cán bộ", "Đảng ủy Khối"),
    ("totruong1", "Tổ trưởng", "tổ 1"),
    ("totruong2", "Tổ trưởng", "tổ 2"),
    ("totruong3", "Tổ trưởng", "tổ 3"),
    ("totruong4", "Tổ trưởng", "tổ 4"),
]


def vietnamese_name(fake: Faker, gender: str) -> str:
    """Family name, middle name, given name — the Vietnamese order."""
    if gender == Member.Gender.MALE:
        return f"{fake.last_name()} {fake.random_element(MALE_MIDDLE)} {fake.first_name_male()}"
    return f"{fake.last_name()} {fake.random_element(FEMALE_MIDDLE)} {fake.first_name_female()}"


@dataclass
class Story:
    shift: timedelta

    def on(self, published: date) -> date:
        return published + self.shift


def working_days_before(day: date, n: int) -> date:
    """The working day ``n`` working days before ``day``: from it to ``day`` there are at most
    ``n`` working days, so a deadline of ``n`` WD counted from it is met on ``day``."""
    while n:
        day -= timedelta(days=1)
        n -= is_working_day(day)
    return day


def on_working_day(day: date) -> date:
    """``day``, or the last working day before it when it is a weekend or a holiday."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


@dataclass
class Case:
    """One candidate's path: the dates of its steps and the members who stand by it."""

    candidate: Candidate
    days: dict[str, date]
    introducers: list[Member]  # the first is also the member assigned to help
    mentor: Member
    together_since: date

    @property
    def pk(self) -> int:
        return self.candidate.pk


def story_shift(today: date, as_published: bool) -> timedelta:
    """Shift the story so that it ends today: the figures of 05/02/2020 are today's, and the
    first probations end in the coming weeks."""
    if as_published:
        return timedelta(0)
    return today - PUBLISHED_AS_OF
