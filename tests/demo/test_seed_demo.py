import datetime
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from admissions import checks
from admissions.deadlines import admission_decision_due, ceremony_due, next_deadline
from admissions.models import (
    Candidate,
    CandidateDocument,
    CandidateEvent,
    Decision,
    Introduction,
    Resolution,
)
from demo.story import CEREMONIES, Story, story_shift
from members.models import Chapter, Member, MemberEvent, RoleAssignment
from members.services import case_of

pytestmark = pytest.mark.django_db
St = Candidate.Stage
FULL_PATH = [
    St.POOL,
    St.COURSE_DONE,
    St.DOSSIER_OPEN,
    St.BACKGROUND_VERIFIED,
    St.INTRODUCED,
    St.CHAPTER_APPROVED,
    St.ADMISSION_DECIDED,
    St.ADMITTED,
]
EARLY_STAGES = {
    St.POOL: 2,
    St.SYMPATHISER: 1,
    St.COURSE_DONE: 1,
    St.DOSSIER_OPEN: 1,
    St.INTRODUCED: 1,
    St.CHAPTER_APPROVED: 1,
}


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
    assert Candidate.objects.count() == 17


def test_seed_demo_reset_rebuilds():
    call_command("seed_demo", verbosity=0)
    steps = CandidateEvent.objects.count()
    call_command("seed_demo", reset=True, as_published=True, verbosity=0)
    assert Chapter.objects.get().founded_on == datetime.date(2018, 5, 14)
    assert Member.objects.count() == 50
    assert Candidate.objects.count() == 17
    assert CandidateEvent.objects.count() == steps
    assert Candidate.objects.filter(member__isnull=False).count() == 10


@pytest.mark.parametrize("as_published", [True, False])
def test_seed_demo_admits_the_ten_through_the_whole_pipeline(as_published):
    call_command("seed_demo", as_published=as_published, verbosity=0)
    today = timezone.localdate()
    story = Story(story_shift(today, as_published))
    admitted = Member.objects.filter(events__kind=MemberEvent.Kind.ADMITTED)
    assert sorted(admitted.values_list("ceremony_date", flat=True)) == [
        story.on(day) for day in CEREMONIES
    ]
    for member in admitted:
        candidate = case_of(member)
        assert candidate.stage == St.ADMITTED
        assert list(candidate.events.values_list("to_stage", flat=True)) == FULL_PATH
        vote = candidate.resolutions.get(kind=Resolution.Kind.ADMISSION_CHAPTER)
        assert vote.passed and vote.votes_for == vote.present < vote.base
        decision = candidate.decisions.get(kind=Decision.Kind.ADMISSION)
        assert member.admission_decision_date == decision.date
        # R11, R12 and R13, with no extension or consent recorded.
        assert not candidate.extensions.exists()
        assert vote.date <= decision.date <= admission_decision_due(vote, extended=False)
        assert decision.received_on <= member.ceremony_date <= ceremony_due(decision)
        # R6, R7: the introducers were right on the day of the vote, not even a warning.
        introductions = list(candidate.introductions.select_related("introducer"))
        assert checks.check_introducers(candidate, introductions, vote.date) == []
        assert {c.relation for c in candidate.checks.all()} >= {"SELF", "FATHER", "MOTHER"}
        assert all(c.replied_on for c in candidate.checks.all())
        mentorship = candidate.mentors.get(end_date__isnull=True)
        assert mentorship.start_date == member.ceremony_date
        assert mentorship.mentor.cell_id == member.cell_id
        assert mentorship.mentor.status == Member.Status.OFFICIAL
    assert not CandidateEvent.objects.filter(date__gt=today).exists()
    assert not CandidateDocument.objects.filter(date__gt=today).exists()


def test_seed_demo_youth_union_members_come_by_the_youth_union_path():
    call_command("seed_demo", as_published=True, verbosity=0)
    young = Candidate.objects.filter(member__isnull=False, is_youth_union_member=True)
    assert young.exists()
    for candidate in young:
        kinds = sorted(candidate.introductions.values_list("kind", flat=True))
        assert kinds == [Introduction.Kind.MEMBER, Introduction.Kind.YOUTH_UNION]


def test_seed_demo_has_candidates_at_earlier_stages():
    call_command("seed_demo", verbosity=0)
    early = Candidate.objects.for_board().exclude(stage=St.ADMITTED)
    assert Counter(c.stage for c in early) == EARLY_STAGES
    assert not any(c.member_id for c in early)
    # The one waiting for its admission decision shows on the board as due soon (R11).
    approved = next(c for c in early if c.stage == St.CHAPTER_APPROVED)
    assert next_deadline(approved).state() == "soon"
    dossier = next(c for c in early if c.stage == St.DOSSIER_OPEN)
    assert dossier.checks.filter(replied_on__isnull=True).exists()


def test_seed_demo_first_probation_ending_has_its_confirmation_papers():
    call_command("seed_demo", verbosity=0)
    first = Member.objects.probationary().order_by("official_date")[0]
    papers = list(case_of(first).documents.all())
    assert checks.check_confirmation_dossier(papers, first.official_date) == []


def test_seed_demo_if_empty_leaves_an_existing_database_alone():
    get_user_model().objects.create_user("someone")
    call_command("seed_demo", if_empty=True, verbosity=0)
    assert not Chapter.objects.exists()
