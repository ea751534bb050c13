"""Generate a large synthetic dataset for benchmarks (DESIGN.md, public contract "scale").

For speed the rows are bulk-created: the services are bypassed, so this is for benchmarks only,
never for real data. The rows are still consistent with what the services would have written:
each member's ledger (``MemberEvent``) leads to its status, cell and flags, so
``Member.objects.as_of(today)`` agrees with the register; each candidate's stage has its trail of
``CandidateEvent`` rows and the papers, votes, decisions and mentor its stage needs; row history
is written with ``bulk_create_with_history`` (STYLE.md convention 9).

Everything sits under one committee, "Đảng ủy thử nghiệm (dữ liệu giả)", with role users named
``scale-…``; ``--reset`` removes all of it, history rows included, and touches nothing else.
"""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models
from faker import Faker
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from admissions.models import (
    Candidate,
    CandidateDocument,
    CandidateEvent,
    Decision,
    Form,
    MentorAssignment,
    Resolution,
)
from chapter.dates import add_months
from chapter.text import fold
from demo.story import vietnamese_name
from members.models import Cell, Chapter, Committee, Member, MemberEvent, RoleAssignment

SYNTHETIC_COMMITTEE = "Đảng ủy thử nghiệm (dữ liệu giả)"
USER_PREFIX = "scale-"
HISTORY_REASON = "Dữ liệu giả cho đo hiệu năng (seed_scale)"
BATCH = 1000
Kind = MemberEvent.Kind
Status = Member.Status
St = Candidate.Stage

UNITS = [
    "Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Xây dựng", "Bệnh viện Đa khoa",
    "Trường Trung học phổ thông", "Trường Trung học cơ sở", "Kho bạc Nhà nước", "Chi cục Thuế",
    "Khu phố", "Thôn", "Công ty Cổ phần Cấp nước", "Ban Quản lý dự án", "Trung tâm Y tế",
]  # fmt: skip
OCCUPATIONS = ["Chuyên viên", "Giáo viên", "Bác sĩ", "Kế toán", "Kỹ sư", "Công nhân", "Hưu trí"]
QUALIFICATIONS = ["Cử nhân Kinh tế", "Cử nhân Luật", "Kỹ sư Xây dựng", "Bác sĩ", "Cử nhân Sư phạm"]
# (value, weight) pairs, drawn with random.choices.
ETHNICITIES = [("Kinh", 90), ("Tày", 3), ("Thái", 2), ("Mường", 2), ("Khmer", 2), ("Hoa", 1)]
RELIGIONS = [("Không", 88), ("Phật giáo", 7), ("Công giáo", 4), ("Tin Lành", 1)]
THEORY = [("", 30), ("ELEMENTARY", 40), ("INTERMEDIATE", 25), ("ADVANCED", 5)]
EDUCATION = [("12/12", 85), ("10/10", 10), ("9/12", 5)]
# How a member joined the chapter (kind, weight): on the roll since the chapter's founding,
# transferred in later, or admitted here (probationary now, or confirmed since).
JOINS = [("FOUNDER", 70), ("TRANSFER", 12), ("CONFIRMED", 10), ("PROBATIONARY", 8)]
# Ways off the roll for an official member (kind, weight), a few in a hundred leave.
EXITS = [
    (Kind.TRANSFERRED_OUT, 50),
    (Kind.DECEASED, 20),
    (Kind.REMOVED, 15),
    (Kind.LEFT, 10),
    (Kind.EXPELLED, 5),
]
EXIT_SHARE, MOVE_SHARE, EXEMPT_SHARE, TEMPORARY_SHARE = 0.06, 0.05, 0.03, 0.02
# Open admission cases, one per so many members, at these stages (stage, weight).
MEMBERS_PER_CANDIDATE = 15
CANDIDATE_STAGES = [
    (St.POOL, 30),
    (St.SYMPATHISER, 10),
    (St.COURSE_DONE, 15),
    (St.DOSSIER_OPEN, 15),
    (St.BACKGROUND_VERIFIED, 10),
    (St.INTRODUCED, 8),
    (St.CHAPTER_APPROVED, 7),
    (St.ADMISSION_DECIDED, 5),
]
# The forward path and the paper each step files (stage, form).
PATH = [
    (St.POOL, ""),
    (St.COURSE_DONE, Form.AWARENESS),
    (St.DOSSIER_OPEN, Form.BACKGROUND),
    (St.BACKGROUND_VERIFIED, ""),
    (St.INTRODUCED, Form.OPINIONS),
    (St.CHAPTER_APPROVED, Form.CHAPTER_RESOLUTION),
    (St.ADMISSION_DECIDED, Form.ADMISSION_DECISION),
    (St.ADMITTED, ""),
]


@dataclass
class Plan:
    """A member row and its ledger, before the row has a primary key."""

    member: Member
    status: str = ""
    events: list[dict] = field(default_factory=list)

    @property
    def last_day(self) -> date:
        return self.events[-1]["effective_date"]

    def add(self, kind: str, day: date, *, status: str | None = None, **fields) -> None:
        """One movement, as ``members.services._record`` writes it: the status before, and the
        status after only when the movement changes it."""
        self.events.append(
            {"kind": kind, "effective_date": day, "from_status": self.status, "status": status}
            | fields
        )
        self.status = status or self.status


class ScaleBuilder:
    """Draws every row from one seeded random source: a seed gives the same dataset."""

    def __init__(self, *, seed: int, today: date) -> None:
        self.random = random.Random(seed)
        self.fake = Faker("vi_VN")
        self.fake.seed_instance(seed)
        self.today = today
        self.sequence = 0
        # Official members on the roll, by ("chapter", pk) and by ("cell", pk).
        self.officials: dict[tuple[str, int | None], list[Member]] = defaultdict(list)

    def build(self, members: int, chapters: int, *, password: str) -> str:
        committee = Committee(name=SYNTHETIC_COMMITTEE, short_code="TN")
        committee._change_reason = HISTORY_REASON
        Committee.add_root(instance=committee)
        units = self.chapters(committee, chapters)
        sizes = self.sizes(members, chapters)
        cells = self.cells(units, sizes)
        plans = [
            self.member(chapter, cells[chapter.pk])
            for chapter, size in zip(units, sizes, strict=True)
            for _ in range(size)
        ]
        rows = _create([plan.member for plan in plans], Member)
        MemberEvent.objects.bulk_create(
            [MemberEvent(member=plan.member, **spec) for plan in plans for spec in plan.events],
            batch_size=BATCH,
        )
        for row in rows:
            if row.status == Status.OFFICIAL and not row.is_exempted:
                self.officials[("chapter", row.chapter_id)].append(row)
                self.officials[("cell", row.cell_id)].append(row)
        users = self.roles(committee, units, cells, password)
        candidates = self.candidates(units, cells, rows)
        on_roll = sum(row.status in Member.ACTIVE_STATUSES for row in rows)
        return (
            f"{len(units)} chapters, {sum(map(len, cells.values()))} cells, {len(rows)} members "
            f"({on_roll} on the roll), {candidates} candidates, {users} users"
        )

    # Organisation ---------------------------------------------------------------------------

    def chapters(self, committee: Committee, count: int) -> list[Chapter]:
        rows = []
        for number in range(1, count + 1):
            founded = self.day(date(2000, 1, 1), date(2016, 12, 31))
            rows.append(
                Chapter(
                    committee=committee,
                    name=f"Chi bộ {self.random.choice(UNITS)} số {number}",
                    founded_on=founded,
                    founding_decision_number=f"{self.random.randint(10, 999)}-QĐ/ĐUTN",
                    founding_decision_date=founded,
                    founding_body="Ban Thường vụ Đảng ủy thử nghiệm",
                )
            )
        return _create(rows, Chapter)

    def sizes(self, members: int, chapters: int) -> list[int]:
        """Uneven chapters, each with at least three members."""
        weights = [self.random.uniform(0.3, 1.7) for _ in range(chapters)]
        spare, total = members - 3 * chapters, sum(weights)
        sizes = [3 + int(spare * weight / total) for weight in weights]
        for index in range(members - sum(sizes)):
            sizes[index % chapters] += 1
        return sizes

    def cells(self, chapters: list[Chapter], sizes: list[int]) -> dict[int, list[Cell]]:
        """No cells in a small chapter; two or more, one per 40 members, in a larger one."""
        rows = []
        for chapter, size in zip(chapters, sizes, strict=True):
            count = 0 if size < 12 else min(2 + size // 40, 8)
            rows += [Cell(chapter=chapter, name=f"Tổ đảng số {n}") for n in range(1, count + 1)]
        cells: dict[int, list[Cell]] = {chapter.pk: [] for chapter in chapters}
        for cell in _create(rows, Cell):
            cells[cell.chapter_id].append(cell)
        return cells

    # Members and their ledger ---------------------------------------------------------------

    def member(self, chapter: Chapter, cells: list[Cell]) -> Plan:
        self.sequence += 1
        cell = self.random.choice(cells) if cells else None
        join = self.weighted(JOINS)
        ceremony, joined = self.join_dates(chapter, join)
        plan = Plan(self.member_row(chapter, cell, ceremony, join))
        member = plan.member
        if join == "FOUNDER":
            plan.add(Kind.REGISTERED, joined, status=Status.OFFICIAL, cell=cell)
        elif join == "TRANSFER":
            letter = {"counterpart": "Chi bộ ngoài tỉnh", "document_kind": "TRANSFER_LETTER"}
            plan.add(Kind.TRANSFERRED_IN, joined, status=Status.OFFICIAL, cell=cell, **letter)
        else:
            decision = {
                "document_kind": "DECISION",
                "document_number": member.admission_decision_number,
                "document_date": member.admission_decision_date,
            }
            plan.add(Kind.ADMITTED, ceremony, status=Status.PROBATIONARY, cell=cell, **decision)
        if join == "CONFIRMED":
            plan.add(
                Kind.CONFIRMED,
                member.official_date,
                status=Status.OFFICIAL,
                document_kind="DECISION",
                document_number=member.confirmation_decision_number,
                document_date=member.confirmation_decision_date,
            )
        self.movements(plan, cells)
        member.status = plan.status
        return plan

    def join_dates(self, chapter: Chapter, join: str) -> tuple[date, date]:
        """(ceremony, the day the member joined this chapter's roll)."""
        founded, today = chapter.founded_on, self.today
        if join == "FOUNDER":
            return founded - timedelta(days=self.random.randint(400, 12000)), founded
        if join == "TRANSFER":
            joined = self.day(founded + timedelta(days=30), today - timedelta(days=60))
            return joined - timedelta(days=self.random.randint(400, 9000)), joined
        if join == "CONFIRMED":
            start = max(founded + timedelta(days=30), today - timedelta(days=6 * 365))
            ceremony = self.day(start, today - timedelta(days=420))
        else:  # still probationary
            ceremony = self.day(today - timedelta(days=360), today - timedelta(days=10))
        return ceremony, ceremony

    def member_row(self, chapter: Chapter, cell: Cell | None, ceremony: date, join: str) -> Member:
        gender = self.random.choice([Member.Gender.MALE, Member.Gender.FEMALE])
        name = vietnamese_name(self.fake, gender)
        decided = ceremony - timedelta(days=self.random.randint(10, 40))
        official = add_months(ceremony, 12)
        confirmed = None
        if join == "CONFIRMED":
            confirmed = min(official + timedelta(days=self.random.randint(5, 40)), self.today)
        number = self.sequence
        return Member(
            chapter=chapter,
            cell=cell,
            full_name=name,
            search_key=fold(name),
            gender=gender,
            date_of_birth=decided - timedelta(days=self.random.randint(19 * 366, 45 * 365)),
            ethnicity=self.weighted(ETHNICITIES),
            religion=self.weighted(RELIGIONS),
            hometown=self.fake.province(),
            citizen_id=f"0{self.random.randint(1, 96):02d}{number % 10**9:09d}",
            phone=f"09{self.random.randint(10000000, 99999999)}",
            general_education=self.weighted(EDUCATION),
            qualification=self.random.choice(QUALIFICATIONS),
            political_theory=self.weighted(THEORY),
            occupation=self.random.choice(OCCUPATIONS),
            workplace=chapter.name.removeprefix("Chi bộ "),
            card_number="" if join == "PROBATIONARY" else f"{900000000 + number}",
            dossier_number=f"TN.{number}",
            admission_decision_date=decided,
            admission_decision_number=f"{self.random.randint(10, 999)}-QĐ/ĐUTN",
            ceremony_date=ceremony,
            official_date=official,
            confirmation_decision_date=confirmed,
            confirmation_decision_number=f"{self.random.randint(10, 999)}-QĐ/ĐUTN"
            if confirmed
            else "",
        )

    def movements(self, plan: Plan, cells: list[Cell]) -> None:
        """A few cell moves, then for official members a few exits, exemptions and temporary
        transfers, each after the movement before."""
        member = plan.member
        if len(cells) > 1 and self.random.random() < MOVE_SHARE and self.room(plan):
            member.cell = self.random.choice([cell for cell in cells if cell != member.cell])
            plan.add(Kind.MOVED_CELL, self.after(plan), cell=member.cell)
        if plan.status != Status.OFFICIAL or not self.room(plan):
            return
        if self.random.random() < EXIT_SHARE:
            kind = self.weighted(EXITS)
            where = {"counterpart": "Chi bộ ngoài tỉnh"} if kind == Kind.TRANSFERRED_OUT else {}
            plan.add(kind, self.after(plan), status=Status(kind), **where)
        elif self.random.random() < EXEMPT_SHARE:
            plan.add(Kind.EXEMPTED, self.after(plan), note="Tuổi cao, sức khỏe yếu")
            member.is_exempted = True
        elif self.random.random() < TEMPORARY_SHARE:
            plan.add(Kind.TEMPORARY_OUT, self.after(plan), counterpart="Chi bộ nơi cư trú")
            member.is_temporarily_out = True

    def room(self, plan: Plan) -> bool:
        return plan.last_day < self.today - timedelta(days=2)

    def after(self, plan: Plan) -> date:
        return self.day(plan.last_day + timedelta(days=1), self.today)

    # Roles and users ------------------------------------------------------------------------

    def roles(self, committee: Committee, chapters, cells, password: str) -> int:
        """One committee officer; a secretary per chapter and a leader per cell, each named
        member official and on the roll (cells with no official member get a user, no leader)."""
        User, Role = get_user_model(), RoleAssignment.Role
        secret = make_password(password)  # hashed once: every scale user has the same password
        users, roles, led = [], [], []

        def give(username: str, role: str, start: date, **unit) -> None:
            users.append(User(username=f"{USER_PREFIX}{username}", password=secret))
            roles.append(RoleAssignment(user=users[-1], role=role, start_date=start, **unit))

        give("capuy", Role.COMMITTEE_OFFICER, date(2000, 1, 1), committee=committee)
        for number, chapter in enumerate(chapters, start=1):
            start = chapter.founded_on
            secretary = self.pick(self.officials[("chapter", chapter.pk)])
            give(f"bithu-{number:03d}", Role.SECRETARY, start, chapter=chapter, member=secretary)
            for index, cell in enumerate(cells[chapter.pk], start=1):
                cell.leader = self.pick(self.officials[("cell", cell.pk)])
                led += [cell] if cell.leader else []
                name = f"totruong-{number:03d}-{index}"
                give(name, Role.CELL_LEADER, start, cell=cell, member=cell.leader)
        User.objects.bulk_create(users, batch_size=BATCH)
        _create(roles, RoleAssignment)
        bulk_update_with_history(
            led, Cell, ["leader"], batch_size=BATCH, default_change_reason=HISTORY_REASON
        )
        return len(users)

    # Admission cases ------------------------------------------------------------------------

    def candidates(self, chapters, cells, members: list[Member]) -> int:
        """Open cases in every chapter, about one per MEMBERS_PER_CANDIDATE members, and the
        case behind each probationary member (ADMITTED, with its mentor)."""
        sizes = Counter(member.chapter_id for member in members)
        rows = []
        for chapter in chapters:
            for _ in range(max(1, sizes[chapter.pk] // MEMBERS_PER_CANDIDATE)):
                cell = self.pick(cells[chapter.pk])
                last = self.day(self.today - timedelta(days=120), self.today)
                rows.append(self.candidate(chapter, cell, self.weighted(CANDIDATE_STAGES), last))
        for member in members:
            if member.status == Status.PROBATIONARY:
                day = member.ceremony_date
                rows.append(self.candidate(member.chapter, member.cell, St.ADMITTED, day, member))
        rows = _create(rows, Candidate)
        self.trails(rows)
        return len(rows)

    def candidate(
        self, chapter: Chapter, cell, stage: str, last: date, member: Member | None = None
    ) -> Candidate:
        """The candidate row; its trail (stage, date) is kept on ``_trail`` for ``trails``."""
        young = self.random.random() < 0.6
        if member:
            gender, name, born = member.gender, member.full_name, member.date_of_birth
        else:
            gender = self.random.choice([Member.Gender.MALE, Member.Gender.FEMALE])
            name = vietnamese_name(self.fake, gender)
            age = self.random.randint(20 * 366, (29 if young else 45) * 365)
            born = last - timedelta(days=age)
        candidate = Candidate(
            chapter=chapter,
            cell=cell,
            stage=stage,
            source=Candidate.Source.YOUTH_UNION if young else Candidate.Source.CHAPTER,
            helper=self.pick(self.officials[("chapter", chapter.pk)]),
            full_name=name,
            search_key=fold(name),
            gender=gender,
            date_of_birth=born,
            occupation=self.random.choice(OCCUPATIONS[:-1]),
            workplace=chapter.name.removeprefix("Chi bộ "),
            education=Candidate.Education.UNIVERSITY,
            is_youth_union_member=young,
            member=member,
        )
        candidate._trail = self.trail(stage, last, member)
        candidate.stage_since = candidate._trail[-1][1]
        return candidate

    def trail(self, stage: str, last: date, member: Member | None) -> list[tuple[str, date]]:
        """The stages passed to reach ``stage`` on ``last``, each a few weeks after the one
        before; the admission decision of an admitted member is the one on its record."""
        path = [step for step, _form in PATH]
        stages = (
            [St.POOL, St.SYMPATHISER] if stage == St.SYMPATHISER else path[: path.index(stage) + 1]
        )
        days = [last]
        for previous in reversed(stages[:-1]):
            if previous == St.ADMISSION_DECIDED and member:
                days.append(member.admission_decision_date)
            else:
                days.append(days[-1] - timedelta(days=self.random.randint(7, 45)))
        return list(zip(stages, reversed(days), strict=True))

    def trails(self, candidates: list[Candidate]) -> None:
        """Each case's steps, papers, vote, decision and mentor, as the services file them."""
        forms = dict(PATH)
        events, papers, votes, decisions, mentors = [], [], [], [], []
        for candidate in candidates:
            previous = ""
            for stage, day in candidate._trail:
                event = CandidateEvent(
                    candidate=candidate, from_stage=previous, to_stage=stage, date=day
                )
                event.form = forms.get(stage, "")
                events.append(event)
                previous = stage
                papers += self.papers(candidate, stage, day)
                if stage == St.CHAPTER_APPROVED:
                    votes.append(self.vote(candidate, day))
                elif stage == St.ADMISSION_DECIDED:
                    decisions.append(self.decision(candidate, day))
            if candidate.member:
                mentor = self.pick(self.officials[("chapter", candidate.chapter_id)])
                start = candidate.stage_since
                mentors.append(
                    MentorAssignment(candidate=candidate, mentor=mentor, start_date=start)
                )
        CandidateEvent.objects.bulk_create(events, batch_size=BATCH)
        _create(papers, CandidateDocument)
        _create(votes, Resolution)
        _create(decisions, Decision)
        _create(mentors, MentorAssignment)

    def papers(self, candidate: Candidate, stage: str, day: date) -> list[CandidateDocument]:
        forms = {
            St.COURSE_DONE: [Form.AWARENESS],
            St.DOSSIER_OPEN: [Form.APPLICATION, Form.BACKGROUND],
            St.INTRODUCED: [Form.INTRODUCTION, Form.OPINIONS],
            St.CHAPTER_APPROVED: [Form.CHAPTER_RESOLUTION],
            St.ADMISSION_DECIDED: [Form.ADMISSION_DECISION],
        }.get(stage, [])
        return [CandidateDocument(candidate=candidate, form=form, date=day) for form in forms]

    def vote(self, candidate: Candidate, day: date) -> Resolution:
        base = max(3, len(self.officials[("chapter", candidate.chapter_id)]))
        present = base - (base > 3)
        return Resolution(
            candidate=candidate,
            kind=Resolution.Kind.ADMISSION_CHAPTER,
            number=f"{self.random.randint(1, 99)}-NQ/CB",
            date=day,
            base=base,
            present=present,
            votes_for=present,
            votes_against=0,
            passed=present * 3 >= 2 * base,
        )

    def decision(self, candidate: Candidate, day: date) -> Decision:
        later = [d for _stage, d in candidate._trail if d > day]
        received = min([day + timedelta(days=self.random.randint(1, 5)), self.today, *later])
        return Decision(
            candidate=candidate,
            kind=Decision.Kind.ADMISSION,
            number=f"{self.random.randint(10, 999)}-QĐ/ĐUTN",
            date=day,
            issuing_body="Ban Thường vụ Đảng ủy thử nghiệm",
            received_on=max(received, day),
        )

    # Random draws ---------------------------------------------------------------------------

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.random.randint(0, max(0, (last - first).days)))

    def weighted(self, choices: list[tuple]) -> str:
        values, weights = zip(*choices, strict=True)
        return self.random.choices(values, weights)[0]

    def pick(self, rows: list):
        return self.random.choice(rows) if rows else None


def _create(rows: list, model: type[models.Model]) -> list:
    """Bulk insert with a history row for each (STYLE.md convention 9)."""
    return bulk_create_with_history(
        rows, model, batch_size=BATCH, default_change_reason=HISTORY_REASON
    )
