"""The world the security tests attack: a committee tree three levels deep, four chapters, two
cells each.

Committee ``C0`` (the top) holds committees ``C1`` ("here") and ``C2`` ("elsewhere"); ``C1``
holds chapter ``A`` and committee ``C1S``, which holds chapter ``B``; ``C2`` holds ``C`` and
``D``. An officer of ``C0`` reads every chapter (``B`` two committees down); an officer of
``C1`` reads ``A`` and ``B`` but not the sibling subtree of ``C2``. Each chapter has cells
``<chapter>1`` and ``<chapter>2``. Every chapter has
official members in both cells, a probationary member registered directly, candidates at
several stages (one admitted, so a probationary member with a case), their documents and
observations, a mass-organisation position, an import batch and an admission setting.

Every object carries a marker ``ZZLEAK<nnn>Q`` in a name, note or other text field, and the
world remembers which unit each marker belongs to (``World.scopes``): a test reads a response,
finds the markers in it and asks whether the role may see each one (``World.leaks``). Markers
of people's private data (notes, addresses) are "private": a cell leader may see names of their
chapter's members (a mentor, a cell's leader) but private data of their own cell only.

The world is built once per test module, through the application's services, inside a
transaction rolled back at the end, with the clock frozen on a fixed day.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.storage import InMemoryStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from admissions import services as admission_services
from admissions.models import (
    BackgroundCheck,
    Candidate,
    CandidateDocument,
    ChapterAdmissionSettings,
    Decision,
    Extension,
    Introduction,
    MentorAssignment,
    Observation,
    Resolution,
)
from documents.models import DocumentSettings, DocumentTemplate, GeneratedDocument, Meeting
from members import importing as importer
from members import services as member_services
from members.models import Cell, Chapter, Committee, ImportBatch, Member, Position, RoleAssignment
from tests.admissions.factories import PipelineStory
from tests.members.factories import give_role, register_member

Role = RoleAssignment.Role
St = Candidate.Stage
D = datetime.date

#: The day the world lives on: after every date of the pipeline story, within the probation.
TODAY = datetime.datetime(2019, 10, 1, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MARKER = re.compile(r"ZZLEAK\d{3}Q")

HERE, ELSEWHERE, TOP, BELOW = "C1", "C2", "C0", "C1S"
#: committee -> its parent committee (None at the top), in the order they are made
TREE = {TOP: None, HERE: TOP, ELSEWHERE: TOP, BELOW: HERE}
CHAPTERS = {"A": HERE, "B": BELOW, "C": ELSEWHERE, "D": ELSEWHERE}
#: The roles of the matrix; "here" is chapter A, cell A1, committee C1.
ROLES = (
    "anonymous",
    "no_role",
    "cell_leader",
    "cell_leader_elsewhere",
    "secretary",
    "deputy",
    "secretary_elsewhere",
    "committee_officer",
    "committee_officer_elsewhere",
    "committee_officer_top",
    "staff",
    "superuser",
)


@dataclass(frozen=True)
class Scope:
    """Where a marked object belongs: its committee, chapter and cell keys."""

    committee: str
    chapter: str | None = None
    cell: str | None = None
    private: bool = False


@dataclass(frozen=True)
class Reach:
    """What a role may read, in world keys; ``everything`` for the superuser."""

    committees: frozenset[str] = frozenset()
    chapters: frozenset[str] = frozenset()
    cells: frozenset[str] = frozenset()  # a cell leader's own data, beyond names
    everything: bool = False

    def sees(self, scope: Scope) -> bool:
        if self.everything:
            return True
        if scope.chapter is None:  # a committee (or its officer)
            return scope.committee in self.committees
        if scope.chapter not in self.chapters:
            return False
        if self.cells and scope.private:
            return scope.cell in self.cells
        return True


REACHES = {
    "anonymous": Reach(),
    "no_role": Reach(),
    "cell_leader": Reach(frozenset({HERE}), frozenset({"A"}), frozenset({"A1"})),
    "cell_leader_elsewhere": Reach(frozenset({ELSEWHERE}), frozenset({"C"}), frozenset({"C1"})),
    "secretary": Reach(frozenset({HERE}), frozenset({"A"})),
    "deputy": Reach(frozenset({HERE}), frozenset({"A"})),
    "secretary_elsewhere": Reach(frozenset({ELSEWHERE}), frozenset({"C"})),
    "committee_officer": Reach(frozenset({HERE, BELOW}), frozenset({"A", "B"})),
    "committee_officer_elsewhere": Reach(frozenset({ELSEWHERE}), frozenset({"C", "D"})),
    "committee_officer_top": Reach(frozenset(TREE), frozenset(CHAPTERS)),
    # A deputy of chapter A who is also staff with view and change permissions (issue 10).
    "staff": Reach(frozenset({HERE}), frozenset({"A"})),
    "superuser": Reach(everything=True),
}


@dataclass
class World:
    scopes: dict[str, Scope] = field(default_factory=dict)
    committees: dict[str, Committee] = field(default_factory=dict)
    chapters: dict[str, Chapter] = field(default_factory=dict)
    cells: dict[str, Cell] = field(default_factory=dict)
    #: members by key: "<cell>" official in that cell, "<chapter>-probationary" registered,
    #: "<chapter>-admitted" admitted through a case
    members: dict[str, Member] = field(default_factory=dict)
    #: candidates by "<chapter>-<stage>"
    candidates: dict[str, Candidate] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    roles: dict[str, RoleAssignment] = field(default_factory=dict)  # by the user's role name
    batches: dict[str, ImportBatch] = field(default_factory=dict)
    scans: dict[str, CandidateDocument] = field(default_factory=dict)  # a paper with a scan
    sessions: dict[str, str] = field(default_factory=dict)  # role -> session key
    _count: int = 0

    def mark(self, scope: Scope) -> str:
        self._count += 1
        marker = f"ZZLEAK{self._count:03d}Q"
        self.scopes[marker] = scope
        return marker

    def leaks(self, role: str, text: str) -> list[str]:
        """The markers in ``text`` that ``role`` may not see."""
        reach = REACHES[role]
        found = set(MARKER.findall(text))
        return sorted(m for m in found if m in self.scopes and not reach.sees(self.scopes[m]))

    def chapter_of(self, key: str) -> str:
        return key[0]


# Building --------------------------------------------------------------------------------------

CANDIDATE_STAGES = (St.POOL, St.DOSSIER_OPEN, St.CHAPTER_APPROVED, St.ADMITTED)
EXTRA_STAGES = (St.COURSE_DONE, St.BACKGROUND_VERIFIED, St.INTRODUCED, St.ADMISSION_DECIDED)


def _unit(world: World, chapter_key: str, cell_key: str | None, private: bool = False) -> Scope:
    return Scope(CHAPTERS[chapter_key], chapter_key, cell_key, private)


def _member(world: World, cell_key: str, **extra) -> Member:
    chapter_key = cell_key[0]
    name = world.mark(_unit(world, chapter_key, cell_key))
    private = world.mark(_unit(world, chapter_key, cell_key, private=True))
    return register_member(
        cell=world.cells[cell_key],
        full_name=f"Nguyễn Văn {name}",
        note=f"Ghi chú {private}",
        current_address=f"Số 1 {private}",
        workplace=f"Cơ quan {private}",
        **extra,
    )


def _build_chapter(world: World, key: str) -> None:
    chapter = Chapter.objects.create(
        committee=world.committees[CHAPTERS[key]],
        name=f"Chi bộ {world.mark(_unit(world, key, None))}",
        founded_on=D(2018, 5, 14),
        founding_body=f"Đảng ủy {world.mark(_unit(world, key, None))}",
    )
    world.chapters[key] = chapter
    for n in (1, 2):
        cell_key = f"{key}{n}"
        world.cells[cell_key] = Cell.objects.create(
            chapter=chapter, name=f"Tổ {world.mark(_unit(world, key, cell_key))}"
        )
    officials = []
    for cell_key in (f"{key}1", f"{key}2"):
        for _n in range(3):
            officials.append(_member(world, cell_key))
        world.members[cell_key] = officials[-1]
    world.members[f"{key}-probationary"] = _member(
        world,
        f"{key}2",
        status=Member.Status.PROBATIONARY,
        effective_date=D(2019, 6, 3),
    )
    story = PipelineStory(chapter=chapter, cell=world.cells[f"{key}1"], officials=officials)
    for stage in CANDIDATE_STAGES:
        cell_key = f"{key}1" if stage != St.DOSSIER_OPEN else f"{key}2"
        story.cell = world.cells[cell_key]
        name = world.mark(_unit(world, key, cell_key))
        private = world.mark(_unit(world, key, cell_key, private=True))
        candidate = story.candidate_at(
            stage, full_name=f"Trần Thị {name}", note=f"Ghi chú {private}", workplace=private
        )
        world.candidates[f"{key}-{stage}"] = candidate
        admission_services.candidate_add_observation(
            candidate_id=candidate.pk,
            actor=None,
            day=D(2019, 9, 2),
            text=f"Nhận xét {world.mark(_unit(world, key, cell_key, private=True))}",
        )
        if candidate.member_id:
            world.members[f"{key}-admitted"] = candidate.member
    if key == "A":  # the other stages, for the step forms
        story.cell = world.cells["A1"]
        for stage in EXTRA_STAGES:
            name = world.mark(_unit(world, key, "A1"))
            world.candidates[f"A-{stage}"] = story.candidate_at(stage, full_name=f"Lê Văn {name}")
        _flag_members(world, officials)
    _mark_dossier_rows(world, key)
    document = CandidateDocument.objects.filter(
        candidate=world.candidates[f"{key}-{St.ADMITTED}"]
    ).first()
    document.scan = SimpleUploadedFile("giay-to.pdf", PDF, content_type="application/pdf")
    document.save()
    world.scans[key] = document
    member = world.members[f"{key}1"]
    Position.objects.create(
        member=member,
        organisation=Position.Organisation.TRADE_UNION,
        title=f"Chủ tịch {world.mark(_unit(world, key, f'{key}1', private=True))}",
        start_date=D(2018, 6, 1),
    )
    ChapterAdmissionSettings.objects.create(chapter=chapter)
    _documents(world, key)
    Extension.objects.create(
        candidate=world.candidates[f"{key}-{St.CHAPTER_APPROVED}"],
        kind=Extension.Kind.ADMISSION_DECISION,
        number="15-QĐ/ĐUK",
        date=D(2019, 9, 20),
        issuing_body=f"Ban Thường vụ {world.mark(_unit(world, key, f'{key}1', private=True))}",
    )


def _flag_members(world: World, officials: list[Member]) -> None:
    """A member temporarily transferred out and one exempted, in chapter A."""
    day = D(2019, 9, 2)
    world.members["A-temporarily-out"] = member_services.member_temporary_out(
        member_id=officials[3].pk, actor=None, effective_date=day, to_organisation="Sở Y tế"
    )
    world.members["A-exempted"] = member_services.member_exempt(
        member_id=officials[0].pk, actor=None, effective_date=day, reason="Tuổi cao"
    )


# The text field of each dossier row that gets a private marker.
DOSSIER_TEXT = {
    CandidateDocument: "note",
    BackgroundCheck: "result",
    Introduction: "organisation",
    Resolution: "note",
    Decision: "reason",
    MentorAssignment: "resolution",
    Observation: "text",
}


def _mark_dossier_rows(world: World, key: str) -> None:
    for model, name in DOSSIER_TEXT.items():
        for row in model.objects.filter(candidate__chapter=world.chapters[key]).select_related(
            "candidate"
        ):
            cell_key = _cell_key(world, row.candidate.cell_id)
            marker = world.mark(_unit(world, key, cell_key, private=True))
            setattr(row, name, f"{getattr(row, name)} {marker}".strip())
            row.save()


def _cell_key(world: World, cell_id: int | None) -> str | None:
    for cell_key, cell in world.cells.items():
        if cell.pk == cell_id:
            return cell_key
    return None


def _user(world: World, role: str, scope: Scope | None, **flags):
    last_name = world.mark(scope) if scope else "Không"
    return get_user_model().objects.create_user(
        username=role, password="pw", first_name="Cán bộ", last_name=last_name, **flags
    )


def _build_users(world: World) -> None:
    here, there = world.chapters["A"], world.chapters["C"]
    a = _unit(world, "A", None)
    c = _unit(world, "C", None)
    plan = {
        "no_role": (None, None, {}),
        "cell_leader": (Scope(HERE, "A", "A1"), Role.CELL_LEADER, {"cell": world.cells["A1"]}),
        "cell_leader_elsewhere": (
            Scope(ELSEWHERE, "C", "C1"),
            Role.CELL_LEADER,
            {"cell": world.cells["C1"]},
        ),
        "secretary": (a, Role.SECRETARY, {"chapter": here}),
        "deputy": (a, Role.DEPUTY_SECRETARY, {"chapter": here}),
        "secretary_elsewhere": (c, Role.SECRETARY, {"chapter": there}),
        "committee_officer": (
            Scope(HERE),
            Role.COMMITTEE_OFFICER,
            {"committee": world.committees[HERE]},
        ),
        "committee_officer_elsewhere": (
            Scope(ELSEWHERE),
            Role.COMMITTEE_OFFICER,
            {"committee": world.committees[ELSEWHERE]},
        ),
        "committee_officer_top": (
            Scope(TOP),
            Role.COMMITTEE_OFFICER,
            {"committee": world.committees[TOP]},
        ),
        "staff": (a, Role.DEPUTY_SECRETARY, {"chapter": here}),
    }
    for role, (scope, role_kind, unit) in plan.items():
        user = _user(world, role, scope, is_staff=role == "staff")
        world.users[role] = user
        if role_kind:
            world.roles[role] = give_role(user, role_kind, **unit)
    permissions = Permission.objects.filter(
        content_type__app_label__in=[
            "members",
            "admissions",
            "chapter",
            "documents",
            "auth",
            "axes",
        ],
        codename__regex=r"^(view|change)_",
    )
    world.users["staff"].user_permissions.set(permissions)
    world.users["superuser"] = get_user_model().objects.create_superuser(
        "superuser", password="pw", first_name="Quản trị", last_name="Hệ thống"
    )


def build_csv(name: str, **overrides: str) -> bytes:
    """An uploaded register (CSV) of one official member."""
    row = {
        "full_name": name,
        "gender": "Nam",
        "date_of_birth": "15/03/1980",
        "status": "Chính thức",
        "admission_decision_date": "05/01/2010",
        "ceremony_date": "20/01/2010",
        **overrides,
    }
    lines = [
        [column.template_header for column in importer.COLUMNS],
        [row.get(column.key, "") for column in importer.COLUMNS],
    ]
    return "\r\n".join(",".join(f'"{v}"' for v in line) for line in lines).encode() + b"\r\n"


def _global_rows() -> None:
    """Rows that belong to no unit: an admin sees them whatever their reach."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group

    from admissions.rules import DEFAULTS
    from chapter.models import CalendarOverride, RuleValue

    Group.objects.create(name="Văn thư")
    key, default = next(iter(DEFAULTS.items()))
    RuleValue.objects.create(key=key, value=default.value, effective_from=D(2030, 1, 1))
    CalendarOverride.objects.create(
        day=D(2019, 9, 3), kind=CalendarOverride.Kind.choices[0][0], name="Nghỉ bù"
    )
    seen = {"user_agent": "test", "ip_address": "10.0.0.1", "username": "khach"}
    seen.update(http_accept="*/*", path_info="/accounts/login/")
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)


def _documents(world: World, key: str) -> None:
    """A chapter's document header and Word template, and a document made for its admitted
    member's case with the meeting's record: rows for the admin's part of the matrix."""
    chapter = world.chapters[key]
    candidate = world.candidates[f"{key}-{St.ADMITTED}"]
    DocumentSettings.objects.create(
        chapter=chapter, superior_body="Đảng bộ Khối", issuing_body=chapter.name, place="Hà Nội"
    )
    DocumentTemplate.objects.create(
        chapter=chapter,
        kind="admission-minutes",
        docx=SimpleUploadedFile("mau.docx", b"PK\x03\x04"),
    )
    resolution = candidate.resolutions.first()
    Meeting.objects.create(
        resolution=resolution,
        place=f"Hội trường {world.mark(_unit(world, key, None, private=True))}",
        started_at=datetime.time(8),
        ended_at=datetime.time(10),
        chair="Chủ trì",
        minute_taker="Thư ký",
        probationary_present=0,
        strengths="Tốt.",
        weaknesses="Không.",
    )
    GeneratedDocument.objects.create(
        chapter=chapter,
        candidate=candidate,
        kind="admission-minutes",
        title="Biên bản",
        number="01-BB/CB",
        date=resolution.date,
    )


def build_world() -> World:
    world = World()
    _global_rows()
    for key, parent in TREE.items():
        name = f"Đảng ủy Khối {world.mark(Scope(key))}"
        if parent is None:
            world.committees[key] = Committee.add_root(name=name, short_code="ĐUK")
        else:
            world.committees[key] = world.committees[parent].add_child(name=name, short_code="ĐUK")
    for key in CHAPTERS:
        _build_chapter(world, key)
    _build_users(world)
    for key in CHAPTERS:
        private = world.mark(_unit(world, key, None, private=True))
        world.batches[key] = importer.batch_create(
            chapter=world.chapters[key],
            actor=world.users["secretary"],
            filename=f"so-dang-vien-{world.mark(_unit(world, key, None))}.csv",
            content=build_csv(f"Phạm Văn {private}"),
        )
    return world


def _log_in(world: World) -> None:
    """One session per role, made once for the module (a login per request is slow)."""
    for role, user in world.users.items():
        client = Client()
        client.force_login(user)
        world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value


def client_for(world: World, role: str) -> Client:
    """A client signed in as ``role`` (or anonymous), on the module's session for it."""
    client = Client()
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world, built once per module and rolled back after it."""
    traveller = time_machine.travel(TODAY, tick=False)
    traveller.start()
    # Scans go to memory, not to the private folder on disk, for this module.
    scan_field = CandidateDocument._meta.get_field("scan")
    disk, scan_field.storage = scan_field.storage, InMemoryStorage()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            _log_in(world)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            traveller.stop()
            scan_field.storage = disk


@pytest.fixture
def frozen(world):
    """Tests run on the world's day (a function-scoped travel may have moved the clock)."""
    with time_machine.travel(TODAY, tick=False):
        yield
