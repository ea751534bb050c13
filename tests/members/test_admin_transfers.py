"""Transfers between chapters and reorganisation decisions in the admin: read-only for all, and
staff see only what members.access lets them read (a transfer of their chapter's member, one
addressed to their chapter once the letter is issued)."""

import datetime

import pytest
from django.urls import reverse

from chapter.documents import Document
from members import services
from members.models import Handover, RoleAssignment
from tests.members.factories import CellFactory, ChapterFactory, give_role, register_member
from tests.members.test_admin_scope import staff_with_every_permission

D = datetime.date
pytestmark = pytest.mark.freeze_time("2026-03-20")


def transfer(source, target, *, letter=True):
    member = register_member(cell=CellFactory(chapter=source))
    return services.handover_request(
        member_id=member.pk,
        actor=None,
        kind=Handover.Kind.PERMANENT,
        to_chapter=target,
        requested_on=D(2026, 3, 2),
        letter=Document(number="7-GGT", date=D(2026, 3, 3)) if letter else None,
    )


@pytest.fixture
def scene(db):
    a, b, c, d = (ChapterFactory() for _ in range(4))
    return {
        "out": transfer(a, b),
        "in": transfer(c, a),
        "requested_to_a": transfer(d, a, letter=False),
        "elsewhere": transfer(c, d),
    }, a


def url(handover):
    return reverse("admin:members_handover_change", args=[handover.pk])


def test_staff_see_their_chapters_transfers_and_no_one_changes_them(client, scene):
    handovers, a = scene
    staff = staff_with_every_permission("bithu_a")
    give_role(staff, RoleAssignment.Role.SECRETARY, chapter=a)
    client.force_login(staff)
    listed = client.get(reverse("admin:members_handover_changelist"))
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 2  # sent from a, and addressed to a
    for name in ("out", "in"):
        page = client.get(url(handovers[name]))
        assert page.status_code == 200 and not page.context["has_change_permission"]
    # Not yet addressed (no letter), or between two other chapters: not found.
    for name in ("requested_to_a", "elsewhere"):
        assert client.get(url(handovers[name])).status_code == 302  # the admin's "not found"
    assert client.get(reverse("admin:members_handover_add")).status_code == 403


def test_the_superuser_reads_every_transfer_but_cannot_change_one(client, admin_user, scene):
    handovers, _a = scene
    client.force_login(admin_user)
    listed = client.get(reverse("admin:members_handover_changelist"))
    assert listed.context["cl"].result_count == 4
    page = client.get(url(handovers["elsewhere"]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.get(reverse("admin:members_reorganisation_changelist")).status_code == 200
