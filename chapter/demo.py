"""The demo chapter of the founding story, built through the real services.

Story (as published): "Chi bộ Ban Quản lý An toàn thực phẩm tỉnh", under "Đảng ủy Khối các cơ
quan tỉnh", founded 14/05/2018 by decision 314-QĐ/ĐUK with 28 official members in 4 cells;
over little more than a year it receives 12 official members by transfer and admits 10 new
members, so that on 05/02/2020 it has 50 members: 40 official and 10 probationary.

By default every date is shifted by whole days so that the story ends today: today has 50
members, 40 official and 10 probationary, and the first probations end in the coming weeks, so
the deadlines on the dashboard are live. ``as_published=True`` keeps the dates above.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from faker import Faker

from members import services
from members.models import Cell, Chapter, Committee, Member, RoleAssignment

PUBLISHED_FOUNDING = date(2018, 5, 14)
PUBLISHED_AS_OF = date(2020, 2, 5)
CELL_NAMES = ["Tổ đảng Văn phòng", "Tổ đảng Thanh tra", "Tổ đảng Nghiệp vụ", "Tổ đảng Truyền thông"]
FOUNDING_MEMBERS = 28
TRANSFERS_IN = 12
ADMISSIONS = 10
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


def story_shift(today: date, as_published: bool) -> timedelta:
    """Shift the story so that it ends today: the figures of 05/02/2020 are today's, and the
    first probations end in the coming weeks."""
    if as_published:
        return timedelta(0)
    return today - PUBLISHED_AS_OF


class DemoBuilder:
    def __init__(self, *, password: str, today: date, as_published: bool, seed: int = 20180514):
        self.password = password
        self.story = Story(story_shift(today, as_published))
        self.fake = Faker("vi_VN")
        self.fake.seed_instance(seed)
        self.random = random.Random(seed)
        self.users: dict[str, object] = {}

    def build(self) -> Chapter:
        self.create_users()
        admin = self.users["admin"]
        committee = Committee.objects.create(
            name="Đảng ủy Khối các cơ quan tỉnh", short_code="ĐUK", kind=Committee.Kind.SUPERIOR
        )
        founded = self.story.on(PUBLISHED_FOUNDING)
        chapter = services.chapter_create(
            committee=committee,
            actor=admin,
            founded_on=founded,
            name="Chi bộ Ban Quản lý An toàn thực phẩm tỉnh",
            founding_decision_number="314-QĐ/ĐUK",
            founding_decision_date=founded,
            founding_body="Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh",
        )
        cells = [services.cell_save(chapter=chapter, name=n, actor=admin) for n in CELL_NAMES]
        founders = [
            self.register_founder(chapter, cells[i % 4], i) for i in range(FOUNDING_MEMBERS)
        ]
        for i, published in enumerate(TRANSFER_DATES):
            self.transfer_in(chapter, cells[i % 4], self.story.on(published))
        for i, published in enumerate(CEREMONIES):
            self.admit(chapter, cells[i % 4], self.story.on(published))
        self.assign_roles(committee, chapter, cells, founders)
        return chapter

    def create_users(self) -> None:
        User = get_user_model()
        for username, first, last in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.is_staff = user.is_superuser = username == "admin"
            user.set_password(self.password)
            user.save()
            self.users[username] = user

    def details(self, *, born_from: int, born_to: int) -> dict:
        gender = self.random.choice([Member.Gender.MALE, Member.Gender.FEMALE])
        born = date(
            self.random.randint(born_from, born_to),
            self.random.randint(1, 12),
            self.random.randint(1, 28),
        )
        return {
            "full_name": vietnamese_name(self.fake, gender),
            "gender": gender,
            "date_of_birth": self.story.on(born) if born_from > 1990 else born,
            "hometown": self.fake.province(),
            "citizen_id": f"0{self.random.randint(10, 96)}{self.random.randint(0, 10**9 - 1):09d}",
            "phone": f"09{self.random.randint(10000000, 99999999)}",
            "general_education": "12/12",
            "qualification": self.random.choice(
                ["Cử nhân Luật", "Kỹ sư Thực phẩm", "Bác sĩ", "Cử nhân Kinh tế"]
            ),
            "political_theory": self.random.choice(["", "ELEMENTARY", "INTERMEDIATE"]),
            "occupation": self.random.choice(OCCUPATIONS),
            "workplace": "Ban Quản lý An toàn thực phẩm tỉnh",
        }

    def register_founder(self, chapter: Chapter, cell: Cell, index: int) -> Member:
        ceremony = self.story.on(date(2000 + index % 15, 1 + index % 12, 10))
        details = self.details(born_from=1965, born_to=1985)
        details.update(
            admission_decision_date=ceremony - timedelta(days=20),
            ceremony_date=ceremony,
            official_date=Member.official_date_for(ceremony),
            card_number=f"{52000000 + index:08d}",
            dossier_number=f"52.{1000 + index}",
        )
        return services.member_register(
            chapter=chapter,
            cell=cell,
            actor=self.users["admin"],
            effective_date=chapter.founded_on,
            status=Member.Status.OFFICIAL,
            details=details,
            note="Đảng viên khi thành lập chi bộ",
        )

    def transfer_in(self, chapter: Chapter, cell: Cell, day: date) -> Member:
        ceremony = day - timedelta(days=self.random.randint(3, 12) * 365)
        details = self.details(born_from=1970, born_to=1985)
        details.update(
            admission_decision_date=ceremony - timedelta(days=15),
            ceremony_date=ceremony,
            official_date=Member.official_date_for(ceremony),
            card_number=f"{53000000 + self.random.randint(0, 999999):08d}",
        )
        letter = services.Document(
            kind="TRANSFER_LETTER",
            number=f"{self.random.randint(10, 300)}-GGT/ĐUK",
            date=day - timedelta(days=5),
            issuing_body="Đảng ủy Khối các cơ quan tỉnh",
        )
        return services.member_transfer_in(
            chapter=chapter,
            cell=cell,
            actor=self.users["bithu"],
            effective_date=day,
            status=Member.Status.OFFICIAL,
            from_organisation=self.random.choice(ORIGINS),
            letter=letter,
            details=details,
        )

    def admit(self, chapter: Chapter, cell: Cell, ceremony: date) -> Member:
        # Until the admissions pipeline is built, the ten new members enter through the members
        # service the pipeline's ceremony step will call.
        details = self.details(born_from=1992, born_to=1998)
        decision = services.Document(
            kind="DECISION",
            number=f"{self.random.randint(100, 900)}-QĐ/ĐUK",
            date=ceremony - timedelta(days=14),
            issuing_body="Ban Thường vụ Đảng ủy Khối",
        )
        return services.member_admit(
            chapter=chapter,
            cell=cell,
            actor=self.users["bithu"],
            details=details,
            decision=decision,
            ceremony_date=ceremony,
        )

    def assign_roles(self, committee, chapter, cells, founders) -> None:
        admin, start = self.users["admin"], chapter.founded_on
        Role = RoleAssignment.Role
        services.role_assign(
            user=self.users["bithu"],
            role=Role.SECRETARY,
            chapter=chapter,
            member=founders[0],
            start_date=start,
            actor=admin,
        )
        services.role_assign(
            user=self.users["capuy"],
            role=Role.COMMITTEE_OFFICER,
            committee=committee,
            start_date=start,
            actor=admin,
        )
        for number, cell in enumerate(cells, start=1):
            leader = founders[3 + number]  # founders[i] sits in cells[i % 4]
            services.role_assign(
                user=self.users[f"totruong{number}"],
                role=Role.CELL_LEADER,
                cell=cell,
                member=leader,
                start_date=start,
                actor=admin,
            )
