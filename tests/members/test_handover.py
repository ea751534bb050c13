"""A transfer between two chapters of the system as one handover (members.services.handover):
one record, an exit in the sending chapter's ledger and an arrival in the receiving one's, and
each side's figures right on every day of it."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from chapter.documents import Document
from members import services
from members.access import members_visible_to
from members.models import Chapter, Handover, Member, MemberEvent, RoleAssignment
from reports import measures, queries
from reports.figures import key
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
    register_member,
)

D = datetime.date
Kind = MemberEvent.Kind
State = Handover.State
Role = RoleAssignment.Role
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
    return a, b, a1, b1, movers[0]


def request(member, to, **kwargs):
    kwargs.setdefault("kind", Handover.Kind.PERMANENT)
    kwargs.setdefault("requested_on", D(2026, 3, 2))
    return services.handover_request(member_id=member.pk, actor=None, to_chapter=to, **kwargs)


def of(chapter):
    return Member.objects.in_chapters(Chapter.objects.filter(pk=chapter.pk))


def test_a_permanent_transfer_is_one_record_with_an_entry_on_each_side(two):
    a, b, _a1, b1, member = two
    handover = request(member, b)
    assert handover.state == State.REQUESTED
    member.refresh_from_db()
    assert member.is_active and member.chapter == a  # nothing moves until the letter

    handover = services.handover_issue_letter(handover_id=handover.pk, actor=None, letter=LETTER)
    member.refresh_from_db()
    assert handover.state == State.SENT
    assert (member.status, member.chapter) == (Member.Status.TRANSFERRED_OUT, a)

    handover = services.handover_accept(
        handover_id=handover.pk, actor=None, presented_on=D(2026, 3, 10), cell=b1
    )
    member.refresh_from_db()
    assert handover.state == State.ACCEPTED
    assert (member.status, member.chapter, member.cell) == (Member.Status.OFFICIAL, b, b1)
    entries = list(member.events.order_by("id").values_list("kind", "chapter_id"))
    assert entries == [
        (Kind.REGISTERED, a.pk),
        (Kind.TRANSFERRED_OUT, a.pk),
        (Kind.TRANSFERRED_IN, b.pk),
    ]
    arrival = member.events.get(kind=Kind.TRANSFERRED_IN)
    assert arrival.document_number == "125-GGT/ĐU" and arrival.counterpart == a.name
    assert arrival.data["presented_date"] == "2026-03-10"
    # Party age runs on: a transfer is not an interruption (Điều lệ Đảng, Điều 5).
    assert member.party_age(D(2026, 3, 20)).days_off_roll == 0


def test_each_sides_figures_are_right_on_every_day_of_the_handover(two):
    a, b, _a1, b1, member = two
    handover = request(member, b, letter=LETTER)
    services.handover_accept(
        handover_id=handover.pk, actor=None, presented_on=D(2026, 3, 10), cell=b1
    )
    both = Chapter.objects.filter(pk__in=[a.pk, b.pk])
    for offset in range(20):
        day = D(2026, 3, 1) + datetime.timedelta(days=offset)
        in_a = 3 if day < D(2026, 3, 4) else 2  # off the sending roll on the letter's date
        in_b = 3 if day >= D(2026, 3, 10) else 2  # on the receiving roll once accepted
        assert queries.roll_count(of(a), day) == in_a, day
        assert queries.roll_count(of(b), day) == in_b, day
        # Without its chapters named, a scope still leaves out a record that came later.
        assert queries.roll_count(Member.objects.filter(chapter=b), day) == in_b, day
        stored = measures.roll_on(both, day.isoformat())
        assert (stored[a.pk][key("n")], stored[b.pk][key("n")]) == (in_a, in_b), day
        held = Member.objects.of_chapter_on(a, day).filter(status_on__in=Member.ACTIVE_STATUSES)
        assert held.count() == in_a, day
    march = (D(2026, 3, 1), D(2026, 3, 31))
    assert queries.in_period(of(a), *march).counts["transferred_out"] == 1
    assert queries.in_period(of(a), *march).counts["transferred_in"] == 0
    assert queries.in_period(of(b), *march).counts["transferred_in"] == 1
    assert queries.in_period(of(b), *march).counts["transferred_out"] == 0
    # The sending chapter's list of a day before names the member it held then.
    names = queries.people(of(a), "on_roll", day=D(2026, 3, 3))
    assert member.pk in {m.pk for m in names}
    assert member.pk not in {m.pk for m in queries.people(of(b), "on_roll", day=D(2026, 3, 9))}


def test_the_secretaries_scopes_count_their_own_side(two):
    a, b, _a1, b1, member = two
    secretary_a, secretary_b = UserFactory(username="a"), UserFactory(username="b")
    give_role(secretary_a, Role.SECRETARY, chapter=a)
    give_role(secretary_b, Role.SECRETARY, chapter=b)
    handover = request(member, b, letter=LETTER)
    services.handover_accept(
        handover_id=handover.pk, actor=None, presented_on=D(2026, 3, 10), cell=b1
    )
    before = D(2026, 3, 3)
    assert queries.roll_count(members_visible_to(secretary_a), before) == 3
    assert queries.roll_count(members_visible_to(secretary_b), before) == 2
    assert queries.roll_count(members_visible_to(secretary_a), D(2026, 3, 20)) == 2
    assert queries.roll_count(members_visible_to(secretary_b), D(2026, 3, 20)) == 3


def test_an_arrival_not_come_goes_back_and_the_sender_can_withdraw_it(two):
    a, b, _a1, _b1, member = two
    handover = request(member, b, letter=LETTER)
    handover = services.handover_not_arrived(
        handover_id=handover.pk, actor=None, on=D(2026, 3, 18), note="Không đến"
    )
    assert handover.state == State.NOT_ARRIVED
    member.refresh_from_db()
    assert (member.status, member.chapter) == (Member.Status.TRANSFERRED_OUT, a)
    with pytest.raises(ValidationError):
        services.handover_accept(handover_id=handover.pk, actor=None, presented_on=D(2026, 3, 19))
    handover = services.handover_cancel(
        handover_id=handover.pk, actor=None, reason="Đảng viên không chuyển công tác nữa"
    )
    member.refresh_from_db()
    assert handover.state == State.CANCELLED
    assert (member.status, member.chapter) == (Member.Status.OFFICIAL, a)
    assert queries.roll_count(of(a), D(2026, 3, 10)) == 3  # as if never recorded


def test_an_annulled_arrival_puts_the_record_back_in_the_sending_chapter(two):
    a, b, a1, b1, member = two
    handover = request(member, b, letter=LETTER)
    services.handover_accept(
        handover_id=handover.pk, actor=None, presented_on=D(2026, 3, 10), cell=b1
    )
    arrival = member.events.get(kind=Kind.TRANSFERRED_IN)
    services.member_annul_latest(
        member_id=member.pk, actor=None, event_id=arrival.pk, reason="Nhập nhầm"
    )
    member.refresh_from_db()
    handover.refresh_from_db()
    assert (member.status, member.chapter_id, member.cell_id) == (
        Member.Status.TRANSFERRED_OUT,
        a.pk,
        a1.pk,  # as after any transfer out: the cell it left
    )
    assert handover.state == State.SENT and handover.in_event is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"to_chapter": "own"}, "to_chapter"),
        ({"requested_on": D(2026, 3, 21)}, "requested_on"),
        ({"change_date": D(2026, 3, 5)}, "change_date"),
    ],
)
def test_a_bad_request_is_refused_and_writes_nothing(two, change, field):
    a, b, *_rest, member = two
    kwargs = {"to": a if change.pop("to_chapter", None) else b, **change}
    with pytest.raises(ValidationError) as refused:
        request(member, kwargs.pop("to"), **kwargs)
    assert field in refused.value.message_dict
    assert not Handover.objects.exists()
    assert member.events.count() == 1


def test_a_second_transfer_under_way_or_a_member_off_the_roll_is_refused(two):
    _a, b, *_rest, member = two
    request(member, b)
    with pytest.raises(ValidationError) as refused:
        request(member, b)
    assert refused.value.code == "handover_open"
    assert Handover.objects.count() == 1


def test_a_letter_before_the_request_or_a_presentation_before_the_letter_is_refused(two):
    _a, b, _a1, b1, member = two
    handover = request(member, b, requested_on=D(2026, 3, 5))
    with pytest.raises(ValidationError) as refused:
        services.handover_issue_letter(handover_id=handover.pk, actor=None, letter=LETTER)
    assert "document_date" in refused.value.message_dict
    member.refresh_from_db()
    assert member.is_active and member.events.count() == 1
    handover.refresh_from_db()
    assert handover.state == State.REQUESTED
    letter = Document(number="1", date=D(2026, 3, 6))
    services.handover_issue_letter(handover_id=handover.pk, actor=None, letter=letter)
    for presented, cell, field in (
        (D(2026, 3, 5), b1, "presented_on"),
        (D(2026, 3, 21), b1, "presented_on"),
        (D(2026, 3, 9), CellFactory(), "cell"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.handover_accept(
                handover_id=handover.pk, actor=None, presented_on=presented, cell=cell
            )
        assert field in refused.value.message_dict
    member.refresh_from_db()
    assert member.status == Member.Status.TRANSFERRED_OUT and member.events.count() == 2


def test_a_temporary_stay_is_not_in_the_hosts_roll_and_ends_with_the_return(two):
    a, b, *_rest, member = two
    handover = request(member, b, kind=Handover.Kind.TEMPORARY, until=D(2026, 9, 30), letter=LETTER)
    member.refresh_from_db()
    assert member.is_temporarily_out and member.chapter == a and member.is_active
    handover = services.handover_accept(
        handover_id=handover.pk, actor=None, presented_on=D(2026, 3, 6)
    )
    assert handover.state == State.ACCEPTED and handover.in_event is None
    assert queries.roll_count(of(a), D(2026, 3, 20)) == 3
    assert queries.roll_count(of(b), D(2026, 3, 20)) == 2
    services.member_temporary_return(member_id=member.pk, actor=None, effective_date=D(2026, 3, 19))
    handover.refresh_from_db()
    assert handover.state == State.ENDED and handover.closed_on == D(2026, 3, 19)


def test_leaving_the_roll_another_way_drops_a_letter_still_to_issue(two):
    _a, b, *_rest, member = two
    handover = request(member, b)
    services.member_record_death(member_id=member.pk, actor=None, effective_date=D(2026, 3, 15))
    handover.refresh_from_db()
    assert handover.state == State.CANCELLED
