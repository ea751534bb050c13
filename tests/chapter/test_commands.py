import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from members.models import Chapter, Member, MemberEvent, RoleAssignment

pytestmark = pytest.mark.django_db


def test_seed_demo_as_published_tells_the_founding_story():
    call_command("seed_demo", as_published=True, password="pw", verbosity=0)
    chapter = Chapter.objects.get()
    assert chapter.founded_on == datetime.date(2018, 5, 14)
    assert chapter.founding_decision_number == "314-QĐ/ĐUK"
    assert chapter.cells.count() == 4
    on_roll = Member.objects.on_roll_as_of(datetime.date(2020, 2, 5))
    assert on_roll.count() == 50
    assert on_roll.filter(status_on=Member.Status.OFFICIAL).count() == 40
    assert on_roll.filter(status_on=Member.Status.PROBATIONARY).count() == 10
    at_founding = Member.objects.on_roll_as_of(datetime.date(2018, 5, 14))
    assert at_founding.count() == 28
    kinds = MemberEvent.objects.values_list("kind", flat=True)
    assert list(kinds).count(MemberEvent.Kind.TRANSFERRED_IN) == 12
    assert list(kinds).count(MemberEvent.Kind.ADMITTED) == 10


def test_seed_demo_shifts_the_story_to_end_today():
    call_command("seed_demo", verbosity=0)
    on_roll = Member.objects.active()
    assert on_roll.count() == 50
    assert on_roll.official().count() == 40
    assert on_roll.probationary().count() == 10
    first = on_roll.probationary().order_by("official_date").first()
    assert 0 < first.probation_days_left() <= 40


def test_seed_demo_users_and_roles_are_idempotent():
    call_command("seed_demo", password="pw", verbosity=0)
    call_command("seed_demo", password="pw", verbosity=0)
    users = get_user_model().objects
    assert set(users.values_list("username", flat=True)) == {
        "admin", "bithu", "capuy", "totruong1", "totruong2", "totruong3", "totruong4",
    }  # fmt: skip
    assert users.get(username="admin").is_superuser
    assert users.get(username="bithu").check_password("pw")
    assert Chapter.objects.count() == 1
    roles = RoleAssignment.objects.values_list("user__username", "role")
    assert ("bithu", "SECRETARY") in roles
    assert ("totruong4", "CELL_LEADER") in roles
    leader_cells = RoleAssignment.objects.filter(role="CELL_LEADER").select_related(
        "cell", "member"
    )
    assert all(r.member.cell_id == r.cell_id for r in leader_cells)


def test_seed_demo_reset_rebuilds():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", reset=True, as_published=True, verbosity=0)
    assert Chapter.objects.get().founded_on == datetime.date(2018, 5, 14)
    assert Member.objects.count() == 50


def test_seed_demo_if_empty_leaves_an_existing_database_alone():
    get_user_model().objects.create_user("someone")
    call_command("seed_demo", if_empty=True, verbosity=0)
    assert not Chapter.objects.exists()
