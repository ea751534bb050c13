"""The world the accessibility tests walk (tests/e2e/test_axe.py, test_keyboard.py): the demo
chapter of `seed_demo` (its cells, members, admission cases, documents and ratings, its users
bithu, totruong1, capuy and admin, password "pw"), plus a transfer to another chapter of the
same committee and a merge of two small chapters, so every main page has rows to show.

`build_world()` returns the pages to visit: a name, the address, and the roles that reach it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from admissions import steps
from admissions.models import Candidate
from chapter.documents import Document
from demo.management.commands.seed_demo import DEMO_COMMITTEE
from members.models import Chapter, Committee, Handover, Member
from members.services.handover import handover_request
from members.services.reorganisation import reorganise_merge
from members.services.reorganisation_steps import Decision
from tests.members.factories import CellFactory, ChapterFactory, register_member

PASSWORD = "pw"
# The demo's users, one per role (demo/story.py DEMO_USERS).
USERS = {
    "secretary": "bithu",
    "cell_leader": "totruong1",
    "committee_officer": "capuy",
    "superuser": "admin",
}
ALL = tuple(USERS)
# Who reaches what (checked against the access matrix, tests/security/matrix.py).
MANAGERS = ("secretary", "committee_officer", "superuser")
EDITORS = ("secretary", "cell_leader", "superuser")
CHAPTER = ("secretary", "superuser")
COMMITTEE = ("committee_officer", "superuser")


@dataclass
class Page:
    name: str
    url: str
    roles: tuple[str, ...] = ALL
    #: POST this form (the page's first form in <main>) empty, to show its errors
    submit_empty: bool = False


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def build_world() -> list[Page]:
    call_command("seed_demo", password=PASSWORD, verbosity=0)
    today = timezone.localdate()
    committee = Committee.objects.get(name=DEMO_COMMITTEE)
    chapter = Chapter.objects.get(committee=committee)
    users = {u.username: u for u in get_user_model().objects.all()}
    secretary, officer = users["bithu"], users["capuy"]

    # A member of the first cell's leader (totruong1 leads "tổ 1"), official and on the roll.
    leader_cell = users["totruong1"].role_assignments.filter(cell__isnull=False).first().cell
    member = (
        Member.objects.filter(cell=leader_cell, status=Member.Status.OFFICIAL)
        .order_by("sort_key")
        .first()
    )

    # A transfer to another chapter of the committee, its letter issued (both sides see it).
    far = ChapterFactory(committee=committee, name="Chi bộ Trung tâm Kiểm nghiệm tỉnh")
    CellFactory(chapter=far, name="Tổ đảng Kiểm nghiệm")
    leaving = (
        Member.objects.filter(chapter=chapter, status=Member.Status.OFFICIAL)
        .exclude(cell=leader_cell)
        .order_by("-sort_key")
        .first()
    )
    handover = handover_request(
        member_id=leaving.pk,
        actor=secretary,
        kind=Handover.Kind.PERMANENT,
        to_chapter=far,
        requested_on=today - datetime.timedelta(days=3),
        reason="Chuyển công tác",
        letter=Document(
            number="45-GGT/ĐUK", date=today - datetime.timedelta(days=2), issuing_body=""
        ),
    )

    # A merge of two small chapters of the committee (the reorganisations list and its page).
    sources = []
    for n in (1, 2):
        small = ChapterFactory(committee=committee, name=f"Chi bộ Trạm Thú y số {n}")
        small_cell = CellFactory(chapter=small, name=f"Tổ đảng Trạm {n}")
        register_member(small, cell=small_cell)
        sources.append(small)
    reorganise_merge(
        Decision(
            committee=committee,
            number="125-QĐ/ĐUK",
            date=today - datetime.timedelta(days=5),
            issuing_body=DEMO_COMMITTEE,
        ),
        sources=sources[1:],
        target=sources[0],
        actor=officer,
    )

    # An admission case before the ceremony with a step to record.
    case = next(
        c
        for c in Candidate.objects.filter(chapter=chapter, member__isnull=True).order_by("pk")
        if steps.next_slug(c)
    )
    step = steps.next_slug(case)

    period = f"?from={dmy(today.replace(month=1, day=1))}&to={dmy(today)}"
    return [
        Page("dashboard", "/"),
        Page("register", "/members/"),
        Page("register-search-sorted", "/members/?q=nguyen&sort=-date_of_birth"),
        Page("member", member.get_absolute_url()),
        Page("member-form", f"{member.get_absolute_url()}edit/", EDITORS),
        Page(
            "movement-form-errors",
            f"{member.get_absolute_url()}move/transfer-out/",
            CHAPTER,
            submit_empty=True,
        ),
        Page("admissions-board", "/admissions/"),
        Page("case", case.get_absolute_url(), MANAGERS),
        Page("step-form", f"{case.get_absolute_url()}step/{step}/", CHAPTER),
        Page("reports-period", f"/reports/{period}"),
        Page("deadlines", "/admissions/deadlines/"),
        Page("work-queue", "/admissions/queue/", COMMITTEE),
        Page("units", "/reports/units/", COMMITTEE),
        Page("transfers", "/members/transfers/", MANAGERS),
        Page("transfer", reverse("members:handover-detail", args=[handover.public_id]), MANAGERS),
        Page("reorganisations", "/members/reorganisations/"),
        Page("documents", f"/documents/chapter/{chapter.public_id}/", MANAGERS),
        Page("ratings", "/ratings/"),
        Page("not-found", "/members/00000000-0000-0000-0000-000000000000/"),
    ]
