"""The demo chapter built through the real services, step by step (the story: demo/story.py).

The founders are registered, the transfers received and the ten new members admitted through the
whole admissions pipeline (``admissions.services``), each step dated by the story.
"""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from faker import Faker

from admissions import services as pipeline
from admissions.checks import vote_base
from admissions.models import BackgroundCheck, Candidate, Form, Introduction, Observation
from chapter.dates import add_months
from chapter.documents import Document
from demo import documents as demo_documents
from demo import ratings as demo_ratings
from demo.story import (
    ADMISSION_SOURCES,
    CELL_NAMES,
    CEREMONIES,
    CHECK_RESULT,
    DECIDING_BODY,
    DECISION_DUE_SOON_WD,
    DEMO_USERS,
    EARLY_CASES,
    FOUNDING_MEMBERS,
    MALE_MIDDLE,
    OCCUPATIONS,
    ORGANISATION,
    ORIGINS,
    PIPELINE,
    PUBLISHED_AS_OF,
    PUBLISHED_FOUNDING,
    SCHOOL,
    STEP_NAMES,
    STEPS,
    TRADE_UNION_EXECUTIVE,
    TRANSFER_DATES,
    YOUTH_UNION_EXECUTIVE,
    Case,
    Source,
    St,
    Story,
    on_working_day,
    story_shift,
    vietnamese_name,
    working_days_before,
)
from members import services
from members.models import Cell, Chapter, Committee, Member, RoleAssignment

# The founder who was re-admitted before the register was kept (a demo of R16's adjustment).
READMITTED_FOUNDER = 14


class DemoBuilder:
    def __init__(self, *, password: str, today: date, as_published: bool, seed: int = 20180514):
        self.password = password
        self.today = today
        self.story = Story(story_shift(today, as_published))
        self.fake = Faker("vi_VN")
        self.fake.seed_instance(seed)
        self.random = random.Random(seed)
        self.users: dict[str, object] = {}
        self.reports = 0

    def build(self) -> Chapter:
        self.create_users()
        admin = self.users["admin"]
        committee = Committee.add_root(
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
            self.admit(chapter, cells[i % 4], founders, i, self.story.on(published))
        end = self.story.on(PUBLISHED_AS_OF)
        for i, (stage, source, step, before) in enumerate(EARLY_CASES):
            day = (
                working_days_before(end, DECISION_DUE_SOON_WD)
                if before is None
                else on_working_day(end - timedelta(days=before))
            )
            self.early_case(chapter, cells[(i + 1) % 4], founders, stage, source, step, day)
        self.assign_roles(committee, chapter, cells, founders)
        # The header of the chapter's documents and a record of each meeting that voted.
        demo_documents.build(chapter)
        # The year just ended rated, and next year's badge list (demo/ratings.py).
        demo_ratings.build(
            chapter, founders, actor=self.users["bithu"], today=self.today, random=self.random
        )
        return chapter

    def report_number(self) -> str:
        """The chapter committee's next report number (the summaries of opinions, 5-, 12-KNĐ);
        a counter of its own, so the story's random draws stay as they were."""
        self.reports += 1
        return f"{self.reports:02d}-BC/CB"

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
            "workplace": ORGANISATION,
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
        if index == READMITTED_FOUNDER:
            # Re-admitted before the register was kept (R16, R20): party age counts from the
            # first decision, less the months off the roll the chapter verified on paper.
            details.update(
                first_admission_decision_date=self.story.on(date(2006, 3, 2)),
                earlier_interruption_months=38,
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

    # The admissions pipeline ----------------------------------------------------------------

    @property
    def actor(self):
        return self.users["bithu"]

    def admit(
        self, chapter: Chapter, cell: Cell, founders: list[Member], index: int, ceremony: date
    ) -> Member:
        """One of the ten new members: every step of the pipeline, counted back from the
        story's ceremony, then the register details and the probation papers."""
        days = self.timeline("ceremony", ceremony, floor=chapter.founded_on + timedelta(days=10))
        case = self.open_case(chapter, cell, founders, ADMISSION_SOURCES[index], days)
        self.run_to(case, St.ADMITTED)
        member = case.candidate.member
        self.complete_record(case, member, index)
        self.probation_papers(case, member)
        return member

    def early_case(
        self,
        chapter: Chapter,
        cell: Cell,
        founders: list[Member],
        stage: str,
        source: str,
        step: str,
        day: date,
    ) -> Candidate:
        """A candidate still on the way on the story's last day, ``step`` taken on ``day``."""
        days = self.timeline(step, day, floor=chapter.founded_on + timedelta(days=10))
        case = self.open_case(chapter, cell, founders, source, days)
        if stage == St.SYMPATHISER:
            resolved = days["pool"] + timedelta(days=self.random.randint(40, 70))
            case.candidate = pipeline.candidate_mark_sympathiser(
                candidate_id=case.pk,
                actor=self.actor,
                day=on_working_day(resolved),
                resolution_number=f"{self.random.randint(10, 90)}-NQ/CB",
            )
            return case.candidate
        self.run_to(case, stage)
        if stage == St.DOSSIER_OPEN:
            self.save_checks(case, replies=1)  # only the applicant's own reply is in so far
        return case.candidate

    def timeline(self, last: str, day: date, *, floor: date) -> dict[str, date]:
        """The date of every step up to ``last`` (taken on ``day``), counted back from it; the
        pool no earlier than ``floor``, when the member assigned to help is on the roll."""
        days = {last: day}
        for index in range(STEP_NAMES.index(last), 0, -1):
            name, unit, low, high = STEPS[index]
            gap = self.random.randint(low, high)
            if unit == "wd":
                earlier = working_days_before(days[name], gap)
            else:
                earlier = on_working_day(days[name] - timedelta(days=gap))
            days[STEP_NAMES[index - 1]] = earlier
        days["pool"] = min(max(days["pool"], floor), days.get("course", day))
        return days

    def open_case(
        self,
        chapter: Chapter,
        cell: Cell,
        founders: list[Member],
        source: str,
        days: dict[str, date],
    ) -> Case:
        """The candidate enters the pool with a member of their cell to help them; another
        member of the cell introduces them too, a third will be their mentor."""
        cell_members = [member for member in founders if member.cell_id == cell.pk]
        helper, second, mentor = self.random.sample(cell_members, 3)
        candidate = pipeline.candidate_create(
            chapter=chapter,
            cell=cell,
            actor=self.actor,
            day=days["pool"],
            details=self.candidate_details(source),
            source=source,
            helper=helper,
        )
        joined_work = days["pool"] - timedelta(days=self.random.randint(400, 1500))
        return Case(candidate, days, [helper, second], mentor, joined_work)

    def candidate_details(self, source: str) -> dict:
        young = source == Source.YOUTH_UNION
        gender = self.random.choice([Member.Gender.MALE, Member.Gender.FEMALE])
        born = date(
            self.random.randint(*((1993, 1997) if young else (1982, 1987))),
            self.random.randint(1, 12),
            self.random.randint(1, 28),
        )
        return {
            "full_name": vietnamese_name(self.fake, gender),
            "gender": gender,
            # Shifted with the story, so the ages on the vote days stay the same (R1, R7).
            "date_of_birth": self.story.on(born),
            "hometown": self.fake.province(),
            "citizen_id": f"0{self.random.randint(10, 96)}{self.random.randint(0, 10**9 - 1):09d}",
            "phone": f"09{self.random.randint(10000000, 99999999)}",
            "education": Candidate.Education.UNIVERSITY,
            "qualification": self.random.choice(
                ["Cử nhân Luật", "Kỹ sư Thực phẩm", "Cử nhân Kinh tế", "Cử nhân Hóa học"]
            ),
            "occupation": self.random.choice(OCCUPATIONS),
            "workplace": ORGANISATION,
            "is_youth_union_member": young,
        }

    def run_to(self, case: Case, stage: str) -> None:
        for _reached, step in PIPELINE:
            if case.candidate.stage == stage:
                return
            case.candidate = getattr(self, step)(case)

    def record_course(self, case: Case) -> Candidate:
        paper = Document(
            number=f"{self.random.randint(100, 999)}/GCN-TCT",
            date=case.days["course"],
            issuing_body=SCHOOL,
        )
        return pipeline.candidate_record_course(
            candidate_id=case.pk, actor=self.actor, certificate=paper
        )

    def open_dossier(self, case: Case) -> Candidate:
        return pipeline.candidate_open_dossier(
            candidate_id=case.pk,
            actor=self.actor,
            application_date=case.days["application"],
            background_date=case.days["background"],
        )

    def verify(self, case: Case) -> Candidate:
        self.save_checks(case)
        return pipeline.candidate_certify_background(
            candidate_id=case.pk, actor=self.actor, certified_on=case.days["certified"]
        )

    def save_checks(self, case: Case, replies: int | None = None) -> None:
        """Verification of the applicant, the parents and (for the older ones) the spouse (R5);
        the first ``replies`` requests answered, all of them by default."""
        candidate, Relation = case.candidate, BackgroundCheck.Relation
        family = candidate.full_name.split()[0]
        father = f"{family} {self.random.choice(MALE_MIDDLE)} {self.fake.first_name_male()}"
        relatives = [
            (Relation.SELF, candidate.full_name),
            (Relation.FATHER, father),
            (Relation.MOTHER, vietnamese_name(self.fake, Member.Gender.FEMALE)),
        ]
        if not candidate.is_youth_union_member:
            spouse = Member.Gender.FEMALE if candidate.gender == Member.Gender.MALE else "M"
            relatives.append((Relation.SPOUSE, vietnamese_name(self.fake, spouse)))
        requested, latest = case.days["requested"], case.days.get("replied")
        for number, (relation, name) in enumerate(relatives):
            replied = None
            if replies is None or number < replies:
                if latest:
                    replied = max(latest - timedelta(days=self.random.randint(0, 8)), requested)
                else:
                    replied = requested + timedelta(days=self.random.randint(5, 12))
            pipeline.candidate_save_check(
                candidate_id=case.pk,
                actor=self.actor,
                relation=relation,
                person_name=name,
                requested_on=requested,
                replied_on=replied,
                result=CHECK_RESULT if replied else "",
            )

    def introduce(self, case: Case) -> Candidate:
        """Two members (R6), or the Youth Union (R7) or trade-union executive and one member."""
        source, day = case.candidate.source, case.days["introduced"]
        members = case.introducers if source == Source.CHAPTER else case.introducers[:1]
        for member in members:
            pipeline.candidate_add_introduction(
                candidate_id=case.pk,
                actor=self.actor,
                kind=Introduction.Kind.MEMBER,
                day=day,
                introducer=member,
                together_since=case.together_since,
            )
        union = {
            Source.YOUTH_UNION: (Introduction.Kind.YOUTH_UNION, YOUTH_UNION_EXECUTIVE, "NQ/ĐTN"),
            Source.TRADE_UNION: (Introduction.Kind.TRADE_UNION, TRADE_UNION_EXECUTIVE, "NQ/CĐCS"),
        }.get(source)
        if union:
            kind, organisation, suffix = union
            pipeline.candidate_add_introduction(
                candidate_id=case.pk,
                actor=self.actor,
                kind=kind,
                day=day,
                organisation=organisation,
                document_number=f"{self.random.randint(5, 40)}-{suffix}",
            )
        opinions = Document(
            number=self.report_number(),
            date=case.days["opinions"],
            issuing_body=case.candidate.chapter.name,
        )
        return pipeline.candidate_complete_introductions(
            candidate_id=case.pk, actor=self.actor, opinions=opinions
        )

    def vote(self, case: Case) -> Candidate:
        """The chapter's vote: one or two official members absent, everyone present for (R8)."""
        day = case.days["vote"]
        present = vote_base(case.candidate.chapter, day).base - self.random.randint(1, 2)
        vote = pipeline.Vote(
            date=day,
            number=f"{self.random.randint(10, 90)}-NQ/CB",
            present=present,
            votes_for=present,
            votes_against=0,
        )
        candidate, _resolution = pipeline.candidate_chapter_vote(
            candidate_id=case.pk, actor=self.actor, vote=vote
        )
        return candidate

    def decide(self, case: Case) -> Candidate:
        decision = Document(
            number=f"{self.random.randint(100, 900)}-QĐ/ĐUK",
            date=case.days["decided"],
            issuing_body=DECIDING_BODY,
        )
        return pipeline.candidate_record_admission_decision(
            candidate_id=case.pk,
            actor=self.actor,
            decision=decision,
            received_on=case.days["received"],
        )

    def hold_ceremony(self, case: Case) -> Candidate:
        return pipeline.candidate_hold_ceremony(
            candidate_id=case.pk,
            actor=self.actor,
            day=case.days["ceremony"],
            mentor=case.mentor,
            mentor_resolution=f"{self.random.randint(10, 90)}-NQ/CB",
        )

    def complete_record(self, case: Case, member: Member, index: int) -> None:
        """What the secretary adds to the register after the ceremony (2-HSĐV)."""
        changes = {"general_education": "12/12", "dossier_number": f"52.{1100 + index}"}
        if case.candidate.is_youth_union_member:
            months = 12 * 16 + self.random.randint(0, 24)
            changes["youth_union_date"] = add_months(member.date_of_birth, months)
        services.member_update_details(
            member_id=member.pk,
            actor=self.actor,
            changes=changes,
            reason="Bổ sung phiếu đảng viên sau lễ kết nạp",
        )

    def probation_papers(self, case: Case, member: Member) -> None:
        """The new-member course and a mentor's comment a few months into probation; for the
        probation that ends within weeks of the story's last day, the self-review, the mentor's
        assessment and the opinions (10-, 11-, 12-KNĐ) its confirmation vote needs (R18)."""
        end = self.story.on(PUBLISHED_AS_OF)
        course = on_working_day(member.ceremony_date + timedelta(days=self.random.randint(60, 110)))
        if course > end - timedelta(days=7):
            return
        number = f"{self.random.randint(100, 999)}/GCN-TCT"
        papers = [
            (Form.NEW_MEMBER_COURSE, Document(number=number, date=course, issuing_body=SCHOOL))
        ]
        if member.official_date <= end + timedelta(days=45):
            day = on_working_day(min(member.official_date, end) - timedelta(days=12))
            mentor, chapter = str(case.mentor), member.chapter.name
            papers += [
                (Form.SELF_REVIEW, Document(number="", date=day, issuing_body=member.full_name)),
                (
                    Form.MENTOR_ASSESSMENT,
                    Document(number="", date=day + timedelta(days=2), issuing_body=mentor),
                ),
                (
                    Form.MEMBER_OPINIONS,
                    Document(
                        number=self.report_number(),
                        date=day + timedelta(days=5),
                        issuing_body=chapter,
                    ),
                ),
            ]
        for form, paper in papers:
            pipeline.candidate_add_document(
                candidate_id=case.pk, actor=self.actor, form=form, paper=paper
            )
        pipeline.candidate_add_observation(
            candidate_id=case.pk,
            actor=self.actor,
            day=course,
            kind=Observation.Kind.MENTOR_COMMENT,
            text="Tích cực tham gia sinh hoạt chi bộ, hoàn thành tốt nhiệm vụ được giao.",
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
