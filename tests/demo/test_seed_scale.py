"""seed_scale: a synthetic dataset for benchmarks, consistent with what the services write."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from admissions.models import Candidate, CandidateEvent, MentorAssignment
from chapter.text import fold
from demo.scale import SYNTHETIC_COMMITTEE, USER_PREFIX
from members.models import Cell, Chapter, Committee, Member, MemberEvent, RoleAssignment
from members.services import case_of

pytestmark = pytest.mark.django_db
Kind = MemberEvent.Kind
JOINING = {Kind.REGISTERED, Kind.TRANSFERRED_IN, Kind.ADMITTED}


def seed(**options):
    call_command("seed_scale", members=120, chapters=3, seed=7, verbosity=0, **options)


def test_seed_scale_counts():
    seed()
    committee = Committee.objects.get(name=SYNTHETIC_COMMITTEE)
    chapters = Chapter.objects.filter(committee=committee)
    assert chapters.count() == 3
    assert Member.objects.filter(chapter__in=chapters).count() == 120
    assert Cell.objects.filter(chapter__in=chapters).exists()
    statuses = Counter(Member.objects.values_list("status", flat=True))
    assert statuses[Member.Status.OFFICIAL] > statuses[Member.Status.PROBATIONARY] > 0
    assert any(status not in Member.ACTIVE_STATUSES for status in statuses)  # a few exits
    kinds = set(MemberEvent.objects.values_list("kind", flat=True))
    assert {Kind.REGISTERED, Kind.TRANSFERRED_IN, Kind.ADMITTED, Kind.CONFIRMED} <= kinds
    assert len(set(Candidate.objects.values_list("stage", flat=True))) >= 4


def test_seed_scale_has_a_chapter_per_fifty_members_by_default():
    call_command("seed_scale", members=160, verbosity=0)
    assert Chapter.objects.count() == 3
    assert Member.objects.count() == 160


def test_seed_scale_role_users_per_chapter():
    seed(password="pw")
    users = get_user_model().objects.filter(username__startswith=USER_PREFIX)
    roles = RoleAssignment.objects.filter(user__in=users)
    assert roles.filter(role="SECRETARY").count() == 3
    assert roles.filter(role="COMMITTEE_OFFICER").count() == 1
    assert roles.filter(role="CELL_LEADER").count() == Cell.objects.count()
    assert users.get(username=f"{USER_PREFIX}bithu-001").check_password("pw")
    for role in roles.filter(role="SECRETARY").select_related("member"):
        assert role.member.chapter_id == role.chapter_id
        assert role.member.status == Member.Status.OFFICIAL
    for cell in Cell.objects.filter(leader__isnull=False).select_related("leader"):
        assert cell.leader.cell_id == cell.pk


def test_seed_scale_ledger_agrees_with_the_register():
    seed()
    today = timezone.localdate()
    for member in Member.objects.as_of(today):
        assert member.status_on == member.status
        assert member.cell_on_id == member.cell_id
        assert (member.temporary_kind_on == Kind.TEMPORARY_OUT) == member.is_temporarily_out
        assert (member.exemption_kind_on == Kind.EXEMPTED) == member.is_exempted
        assert member.search_key == fold(member.full_name)
    first_events = {}
    for event in MemberEvent.objects.order_by("effective_date", "id"):
        first_events.setdefault(event.member_id, event)
    assert all(e.kind in JOINING and e.status and e.cell_id for e in first_events.values())
    assert not MemberEvent.objects.filter(effective_date__gt=today).exists()
    assert Member.objects.search("nguyen").exists() or Member.objects.search("tran").exists()


def test_seed_scale_candidates_have_their_trail():
    seed()
    for candidate in Candidate.objects.prefetch_related("events"):
        stages = [event.to_stage for event in candidate.events.all()]
        assert stages[0] == Candidate.Stage.POOL
        assert stages[-1] == candidate.stage
        assert candidate.events.all()[len(stages) - 1].date == candidate.stage_since
    for member in Member.objects.probationary():
        assert case_of(member).stage == Candidate.Stage.ADMITTED
        mentor = MentorAssignment.objects.get(candidate=case_of(member)).mentor
        assert mentor.chapter_id == member.chapter_id and mentor.is_official


def test_seed_scale_is_idempotent_and_reset_rebuilds_the_same_data():
    seed()
    names = sorted(Member.objects.values_list("full_name", flat=True))
    events = CandidateEvent.objects.count()
    seed()
    assert Member.objects.count() == 120
    seed(reset=True)
    assert sorted(Member.objects.values_list("full_name", flat=True)) == names
    assert CandidateEvent.objects.count() == events
    assert Committee.objects.count() == 1
    assert Member.history.count() == 120  # the removed rows' history went with them


def test_seed_scale_leaves_other_data_alone():
    call_command("seed_demo", password="pw", verbosity=0)
    with pytest.raises(CommandError):
        seed()
    seed(yes=True)
    seed(yes=True, reset=True)
    assert Member.objects.count() == 50 + 120
    assert Chapter.objects.exclude(committee__name=SYNTHETIC_COMMITTEE).count() == 1
    assert get_user_model().objects.filter(username="bithu").exists()
