"""seed_scale: a synthetic province for benchmarks, consistent with what the services write."""

from collections import Counter
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.utils import timezone

from admissions.models import CLOSED_STAGES, Candidate, CandidateEvent, MentorAssignment
from chapter.collation import name_sort_key
from chapter.text import fold
from demo.scale import SYNTHETIC_COMMITTEE, USER_PREFIX, USERS
from members.models import Cell, Chapter, Committee, Member, MemberEvent, RoleAssignment
from members.services import case_of

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-15")]
Kind = MemberEvent.Kind
JOINING = {Kind.REGISTERED, Kind.TRANSFERRED_IN, Kind.ADMITTED}
N = 2000  # the large chapter is N // 8 = 250 members


def seed(members=N, **options):
    call_command("seed_scale", members=members, seed=7, verbosity=0, **options)


def sizes() -> dict[int, int]:
    return dict(Chapter.objects.annotate(n=Count("members")).values_list("pk", "n"))


def test_seed_scale_builds_a_province_three_levels_deep_or_more():
    seed()
    root = Committee.objects.get(name=SYNTHETIC_COMMITTEE)
    assert root.depth == 1 and Committee.objects.filter(depth=1).count() == 1
    assert Committee.objects.find_problems() == ([], [], [], [], [])  # treebeard's own check
    kinds = dict(Committee.objects.values_list("depth", "kind").distinct())
    assert kinds[2] == "SUPERIOR" and kinds[3] == "GRASSROOTS"
    for committee in Committee.objects.all():
        assert committee.numchild == committee.get_children().count()
    # Chapters hang at several levels, the most under grassroots committees.
    depths = Counter(Chapter.objects.values_list("committee__depth", flat=True))
    assert len(depths) >= 2 and depths[3] == max(depths.values())
    assert Chapter.objects.filter(committee__depth=2, kind="GRASSROOTS").exists()
    chapter_sizes = sizes()
    assert sum(chapter_sizes.values()) == Member.objects.count() == N
    assert max(chapter_sizes.values()) > 200 and min(chapter_sizes.values()) >= 10
    assert 15 <= sorted(chapter_sizes.values())[len(chapter_sizes) // 2] <= 60
    for chapter in Chapter.objects.annotate(cells_count=Count("cells")):
        assert chapter.cells_count == (
            0 if chapter_sizes[chapter.pk] < 25 else min(8, 2 + chapter_sizes[chapter.pk] // 60)
        )


def test_seed_scale_ledger_as_of_today_is_the_register():
    seed()
    today = timezone.localdate()
    assert today.isoformat() == "2026-03-15"
    for member in Member.objects.as_of(today):
        assert member.status_on == member.status
        assert member.cell_on_id == member.cell_id
        assert (member.temporary_kind_on == Kind.TEMPORARY_OUT) == member.is_temporarily_out
        assert (member.exemption_kind_on == Kind.EXEMPTED) == member.is_exempted
        assert member.search_key == fold(member.full_name)
        assert member.sort_key == name_sort_key(member.full_name)
        assert member.cell is None or member.cell.chapter_id == member.chapter_id
        never_official = member.status in ("PROBATIONARY", "REMOVED_FROM_PROBATIONARY_LIST")
        assert bool(member.card_number) is not never_official
    first_events = {}
    for event in MemberEvent.objects.order_by("effective_date", "id"):
        first_events.setdefault(event.member_id, event)
    assert all(e.kind in JOINING and e.status for e in first_events.values())
    assert not MemberEvent.objects.filter(effective_date__gt=today).exists()
    oldest = MemberEvent.objects.order_by("effective_date").first().effective_date
    assert oldest.year <= 2006  # twenty years of movements
    kinds = set(MemberEvent.objects.values_list("kind", flat=True))
    assert kinds >= {
        Kind.REGISTERED, Kind.TRANSFERRED_IN, Kind.ADMITTED, Kind.CONFIRMED, Kind.MOVED_CELL,
        Kind.TEMPORARY_OUT, Kind.EXEMPTED, Kind.TRANSFERRED_OUT, Kind.DECEASED,
    }  # fmt: skip
    assert Member.objects.search("nguyen").count() > N // 5


def test_seed_scale_transfers_between_chapters_keep_the_person():
    seed()
    names = set(Chapter.objects.values_list("name", flat=True))
    arrivals = MemberEvent.objects.filter(kind=Kind.TRANSFERRED_IN, counterpart__in=names)
    assert arrivals.count() > 10
    for arrival in arrivals.select_related("member"):
        member = arrival.member
        left = Member.objects.get(citizen_id=member.citizen_id, chapter__name=arrival.counterpart)
        assert left.status == Member.Status.TRANSFERRED_OUT and left.card_number
        out = left.events.get(kind=Kind.TRANSFERRED_OUT)
        assert out.counterpart == member.chapter.name
        assert out.effective_date < arrival.effective_date
        assert (left.full_name, left.date_of_birth) == (member.full_name, member.date_of_birth)


def test_seed_scale_cases_at_every_stage_with_their_trail():
    seed()
    stages = set(Candidate.objects.values_list("stage", flat=True))
    assert stages >= set(Candidate.Stage) - {Candidate.Stage.DOCUMENTS_EXPIRED}
    for candidate in Candidate.objects.prefetch_related("events"):
        events = list(candidate.events.all())
        assert events[0].to_stage == Candidate.Stage.POOL
        assert events[-1].to_stage == candidate.stage
        assert events[-1].date == candidate.stage_since
        assert [e.date for e in events] == sorted(e.date for e in events)
        assert candidate.search_key == fold(candidate.full_name)
    for member in Member.objects.probationary():
        case = case_of(member)
        assert case.stage in (Candidate.Stage.ADMITTED, Candidate.Stage.CONFIRMATION_VOTED)
        mentor = MentorAssignment.objects.get(candidate=case).mentor
        assert mentor.chapter_id == member.chapter_id and mentor.is_official
    if hasattr(Candidate, "due_on"):  # the stored next deadline is filled
        open_cases = Candidate.objects.exclude(stage__in=CLOSED_STAGES)
        assert open_cases.filter(due_on__isnull=False).count() > 50
        assert open_cases.filter(due_on__lt=timezone.localdate()).exists()


def test_seed_scale_role_users_log_in_where_they_should(client):
    seed(password="pw")
    users = get_user_model().objects.filter(username__startswith=USER_PREFIX)
    roles = RoleAssignment.objects.filter(user__in=users)
    assert roles.filter(role="SECRETARY").count() == Chapter.objects.count()
    assert roles.filter(role="CELL_LEADER").count() == Cell.objects.count()
    assert roles.filter(role="COMMITTEE_OFFICER").count() == Committee.objects.count()

    def held(name):
        return roles.get(user__username=f"{USER_PREFIX}{USERS[name]}")

    assert held("top").committee.depth == 1
    assert held("middle").committee.depth == 2
    assert held("grassroots").committee == held("secretary").chapter.committee
    largest = max(sizes().items(), key=lambda item: item[1])[0]
    assert held("largest").chapter_id == largest
    assert 25 <= sizes()[held("secretary").chapter_id] <= 60
    assert held("cell_leader").cell.chapter == held("secretary").chapter
    assert held("cell_leader").member == held("cell_leader").cell.leader
    for role in roles.filter(role="SECRETARY").select_related("member"):
        assert role.member.chapter_id == role.chapter_id
        assert role.member.status == Member.Status.OFFICIAL
    for cell in Cell.objects.filter(leader__isnull=False).select_related("leader"):
        assert cell.leader.cell_id == cell.pk
    for name in USERS.values():
        user = users.get(username=f"{USER_PREFIX}{name}")
        assert user.check_password("pw")
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        assert client.get("/members/", secure=True).status_code == 200


def test_seed_scale_is_repeatable_and_reset_rebuilds_the_same_data(tmp_path):
    seed(members=300)
    names = sorted(Member.objects.values_list("full_name", "public_id"))
    events = CandidateEvent.objects.count()
    seed(members=300)
    assert Member.objects.count() == 300
    seed(members=300, reset=True, output=tmp_path / "out.txt")
    assert sorted(Member.objects.values_list("full_name", "public_id")) == names
    assert CandidateEvent.objects.count() == events
    assert Member.history.count() == 300  # the removed rows' history went with them
    assert f"{USER_PREFIX}{USERS['top']}" in (tmp_path / "out.txt").read_text()


def test_seed_scale_leaves_other_data_alone():
    call_command("seed_demo", password="pw", verbosity=0)
    with pytest.raises(CommandError):
        seed(members=300)
    seed(members=300, yes=True)
    seed(members=300, yes=True, reset=True)
    province = Committee.objects.get(name=SYNTHETIC_COMMITTEE)
    assert province.path > Committee.objects.exclude(pk=province.pk).order_by("path")[0].path
    assert Member.objects.exclude(chapter__committee__path__startswith=province.path).count() == 50
    assert Member.objects.count() == 50 + 300
    assert get_user_model().objects.filter(username="bithu").exists()
    assert (
        Member.objects.filter(
            Q(chapter__committee__path__startswith=province.path), ~Q(search_key="")
        ).count()
        == 300
    )


def test_the_stored_figures_of_a_seeded_province_agree_with_its_rows(settings):
    """The load turns the stored figures' triggers off (PostgreSQL) and raises every chapter's
    counter once at the end instead, so no figure stored before it is read after it."""
    from reports.models import ChapterStamp
    from reports.stored import Subtrees

    settings.FIGURES_VERIFY = True  # every stored answer counted again and compared
    seed(members=300)
    root = Committee.objects.get(name=SYNTHETIC_COMMITTEE)
    stamps = dict(ChapterStamp.objects.values_list("chapter_id", "version"))
    assert set(stamps) == set(Chapter.objects.values_list("pk", flat=True))
    on_roll = Member.objects.filter(status__in=Member.ACTIVE_STATUSES).count()
    assert Subtrees([root.path]).marginals(date(2026, 3, 15)).count() == on_roll  # frozen today
