"""Regressions found by the review of issue #15 (transfers between chapters, reorganisations):
each was a failing test first."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from chapter.documents import Document
from members import services
from members.access import members_visible_to
from members.models import Handover, MemberEvent
from members.models import RoleAssignment as RA
from members.services.reorganisation import Decision, reorganise_merge
from reports import figures, queries
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
    register_member,
)

D = datetime.date
State = Handover.State
LETTER = Document(number="125-GGT/ĐU", date=D(2026, 3, 4), issuing_body="Đảng ủy xã An Phú")
pytestmark = pytest.mark.freeze_time("2026-03-20")


@pytest.fixture
def two(db):
    committee = CommitteeFactory(name="Đảng ủy xã An Phú")
    a = ChapterFactory(committee=committee, name="Chi bộ thôn 1")
    b = ChapterFactory(committee=committee, name="Chi bộ thôn 2")
    a1, b1 = CellFactory(chapter=a, name="Tổ 1"), CellFactory(chapter=b, name="Tổ 1")
    movers = [register_member(cell=a1) for _ in range(3)]
    for _ in range(2):
        register_member(cell=b1)
    return committee, a, b, a1, b1, movers[0]


def transfer(member, b, cell):
    handover = services.handover_request(
        member_id=member.pk,
        actor=None,
        kind=Handover.Kind.PERMANENT,
        to_chapter=b,
        requested_on=D(2026, 3, 2),
        letter=LETTER,
    )
    return services.handover_accept(
        handover_id=handover.pk, actor=None, presented_on=D(2026, 3, 6), cell=cell
    )


def merge(committee, sources, target):
    officer = UserFactory()
    give_role(officer, RA.Role.COMMITTEE_OFFICER, committee=committee)
    decision = Decision(committee=committee, number="1-QĐ", date=D(2026, 3, 10), issuing_body="ĐU")
    reorganise_merge(decision, sources=sources, target=target, actor=officer)


def test_a_reorganisations_move_is_not_annulled_one_member_at_a_time(two):
    committee, a, b, _a1, _b1, member = two
    merge(committee, [a], b)
    move = member.events.get(kind=MemberEvent.Kind.MOVED_CHAPTER)
    with pytest.raises(ValidationError):
        services.member_annul_latest(
            member_id=member.pk, actor=None, event_id=move.pk, reason="nhầm"
        )
    member.refresh_from_db()
    assert member.chapter == b and member.is_active


def test_a_transfer_returned_from_a_chapter_being_dissolved_must_be_settled_first(two):
    committee, a, b, _a1, _b1, member = two
    c = ChapterFactory(committee=committee, name="Chi bộ C")
    handover = services.handover_request(
        member_id=member.pk,
        actor=None,
        kind=Handover.Kind.PERMANENT,
        to_chapter=b,
        requested_on=D(2026, 3, 2),
        letter=LETTER,
    )
    services.handover_not_arrived(handover_id=handover.pk, actor=None, on=D(2026, 3, 8))
    with pytest.raises(ValidationError):
        merge(committee, [a], c)
    a.refresh_from_db()
    assert a.dissolved_on is None


def test_annulling_a_return_while_another_transfer_is_under_way_is_refused(two):
    _committee, _a, b, _a1, _b1, member = two
    stay = services.handover_request(
        member_id=member.pk,
        actor=None,
        kind=Handover.Kind.TEMPORARY,
        to_chapter=b,
        requested_on=D(2026, 3, 2),
        until=D(2026, 9, 30),
        letter=LETTER,
    )
    services.handover_accept(handover_id=stay.pk, actor=None, presented_on=D(2026, 3, 6))
    services.member_temporary_return(member_id=member.pk, actor=None, effective_date=D(2026, 3, 12))
    services.handover_request(
        member_id=member.pk,
        actor=None,
        kind=Handover.Kind.PERMANENT,
        to_chapter=b,
        requested_on=D(2026, 3, 15),
    )
    back = member.events.standing().order_by("-id").first()
    with pytest.raises(ValidationError) as refused:
        services.member_annul_latest(
            member_id=member.pk, actor=None, event_id=back.pk, reason="nhầm"
        )
    assert refused.value.code == "handover_open"
    stay.refresh_from_db()
    assert stay.state == State.ENDED


def test_the_sending_chapters_stored_past_follows_an_edit_at_the_receiving_chapter(two, settings):
    _committee, a, b, _a1, b1, member = two
    transfer(member, b, b1)
    day = D(2026, 3, 3)  # the sending chapter held the member that day
    figures.resolve(figures.Tree(), [f"c:{a.pk}"], "roll", day.isoformat())
    member.refresh_from_db()
    member.gender = "F" if member.gender == "M" else "M"
    member.save()  # at the receiving chapter
    settings.FIGURES_VERIFY = True  # recounts every stored answer live: stale rows fail
    figures.resolve(figures.Tree(), [f"c:{a.pk}"], "roll", day.isoformat())


def test_a_probationary_members_open_case_follows_the_transfer(db):
    from admissions.models import Candidate
    from tests.admissions.factories import PipelineStory

    committee = CommitteeFactory(name="ĐU")
    a = ChapterFactory(committee=committee, name="A")
    b = ChapterFactory(committee=committee, name="B")
    b1 = CellFactory(chapter=b, name="Tổ 1")
    story = PipelineStory.build(chapter=a)
    story.start = D(2025, 8, 4)
    case = story.candidate_at(Candidate.Stage.ADMITTED)
    member = case.member
    transfer(member, b, b1)
    case.refresh_from_db()
    assert (case.chapter, case.cell) == (b, b1)


@pytest.mark.parametrize("role", [RA.Role.SECRETARY, RA.Role.COMMITTEE_OFFICER])
def test_a_secretary_or_officer_who_also_leads_a_cell_counts_the_departed(two, role):
    committee, a, b, a1, b1, member = two
    transfer(member, b, b1)
    unit = {"chapter": a} if role == RA.Role.SECRETARY else {"committee": committee}
    plain, leading = UserFactory(), UserFactory()
    for user in (plain, leading):
        give_role(user, role, **unit)
    give_role(leading, RA.Role.CELL_LEADER, cell=a1)
    day, march = D(2026, 3, 3), (D(2026, 3, 1), D(2026, 3, 20))
    assert queries.roll_count(members_visible_to(leading), day) == queries.roll_count(
        members_visible_to(plain), day
    )
    assert queries.in_period(members_visible_to(leading), *march).transferred_out == 1


def test_a_temporary_transfer_needs_its_planned_end(two):
    _committee, _a, b, *_rest, member = two
    with pytest.raises(ValidationError) as refused:
        services.handover_request(
            member_id=member.pk,
            actor=None,
            kind=Handover.Kind.TEMPORARY,
            to_chapter=b,
            requested_on=D(2026, 3, 2),
            letter=LETTER,
        )
    assert "until" in refused.value.message_dict
    assert not Handover.objects.exists()


def test_the_request_note_is_not_copied_into_the_ledger(two):
    _committee, _a, b, _a1, _b1, member = two
    handover = services.handover_request(
        member_id=member.pk,
        actor=None,
        kind=Handover.Kind.PERMANENT,
        to_chapter=b,
        requested_on=D(2026, 3, 2),
        letter=LETTER,
        note="Ghi chú cho chi bộ nơi đến",
    )
    assert handover.out_event.note == ""
