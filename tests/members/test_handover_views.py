"""The pages of a transfer between two chapters of this system (members/handover_views.py):
the sending secretary's request, the transfers page, a transfer's page and its steps, by each
role; a whole transfer through the pages; bad input refused with the regulation's message and
nothing written."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from members import services
from members.handover_views import flags, letter_due
from members.models import Handover, Member, MemberEvent, RoleAssignment
from members.transfers import present_due
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
CONFIRM_PAGE = "members/handover_confirm.html"
LETTER = {"document_number": "125-GGT/ĐU", "document_date": "04/03/2026"}

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-20")]


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def far(db):
    """The receiving chapter, under another committee, with an open cell and a closed one."""
    committee = CommitteeFactory(name="Đảng ủy phường Bến Thành")
    chapter = ChapterFactory(committee=committee, name="Chi bộ Khu phố 3")
    cell = CellFactory(chapter=chapter, name="Tổ Khu phố 3A")
    closed = CellFactory(chapter=chapter, name="Tổ đã giải thể", closed_on=D(2025, 1, 1))
    register_member(cell=cell, full_name="Phạm Văn Sẵn")
    return chapter, cell, closed


@pytest.fixture
def receiver(far):
    user = UserFactory(username="bithu_noiden")
    give_role(user, Role.SECRETARY, chapter=far[0])
    return user


def as_(client, user):
    client.force_login(user)
    return client


def new_url(member):
    return reverse("members:handover-new", args=[member.public_id])


def url(name, handover):
    return reverse(f"members:{name}", args=[handover.public_id])


def request_data(to, **extra):
    data = {
        "kind": "PERMANENT",
        "to_chapter": str(to.public_id),
        "requested_on": "02/03/2026",
        "reason": "Chuyển công tác",
        "issuing_body": "",
    }
    data.update(extra)
    return data


def two_steps(client, address, data):
    """The form, then the confirmation page, then the service; returns the last response."""
    first = client.post(address, data)
    assert CONFIRM_PAGE in [t.name for t in first.templates], first.context["form"].errors
    return client.post(address, {**data, "confirm": "1"})


def requested(member, to, **kwargs):
    kwargs.setdefault("kind", Handover.Kind.PERMANENT)
    kwargs.setdefault("requested_on", D(2026, 3, 2))
    return services.handover_request(member_id=member.pk, actor=None, to_chapter=to, **kwargs)


def sent(member, to, **kwargs):
    from chapter.documents import Document

    letter = Document(number="125-GGT/ĐU", date=D(2026, 3, 4), issuing_body="Đảng ủy")
    return requested(member, to, letter=letter, **kwargs)


# The request -------------------------------------------------------------------------------


def test_the_member_page_offers_the_transfer_to_its_secretary_only(
    client, secretary, committee_officer, member
):
    page = as_(client, secretary).get(member.get_absolute_url())
    assert new_url(member) in page.text
    assert "Transfer to a chapter of this system" in page.text
    assert "Transfer out" in page.text  # outside the system: as before
    page = as_(client, committee_officer).get(member.get_absolute_url())
    assert new_url(member) not in page.text


@pytest.mark.parametrize(
    "who, status",
    # A cell leader reads their cell's members but records none of their movements.
    [("secretary", 200), ("committee_officer", 403), ("cell_leader", 403), ("outsider", 404)],
)
def test_who_may_start_a_transfer(client, request, member, who, status):
    user = request.getfixturevalue(who)
    assert as_(client, user).get(new_url(member)).status_code == status


def test_a_request_without_the_letter_leaves_a_letter_to_issue(client, secretary, member, far):
    response = two_steps(as_(client, secretary), new_url(member), request_data(far[0]))
    handover = Handover.objects.get(member=member)
    assert response.status_code == 302
    assert response["Location"] == url("handover-detail", handover)
    assert (handover.state, handover.to_chapter, handover.requested_by) == (
        State.REQUESTED,
        far[0],
        secretary,
    )
    member.refresh_from_db()
    assert member.is_active  # nothing moves until the letter


def test_the_confirmation_says_what_happens(client, secretary, member, far):
    page = as_(client, secretary).post(new_url(member), request_data(far[0], **LETTER))
    assert "an arrival awaiting acceptance at Chi bộ Khu phố 3" in page.text
    assert not Handover.objects.exists()
    page = client.post(new_url(member), request_data(far[0]))
    assert "the committee has a transfer letter to issue" in page.text


def test_with_the_letter_the_member_leaves_at_once(client, secretary, member, far, chapter):
    two_steps(as_(client, secretary), new_url(member), request_data(far[0], **LETTER))
    handover = Handover.objects.get(member=member)
    assert handover.state == State.SENT
    assert handover.issuing_body == chapter.committee.name  # the default
    member.refresh_from_db()
    assert member.status == Member.Status.TRANSFERRED_OUT


def test_the_destination_is_any_chapter_but_the_members_own(client, secretary, member, far):
    from members.handover_forms import HandoverForm

    form = HandoverForm(member)
    chapters = set(form.fields["to_chapter"].queryset)
    assert far[0] in chapters and member.chapter not in chapters
    page = as_(client, secretary).get(new_url(member))
    assert "Chi bộ Khu phố 3 · Đảng ủy phường Bến Thành" in page.text
    own = request_data(member.chapter)
    page = client.post(new_url(member), own)
    assert page.context["form"].errors["to_chapter"]
    assert not Handover.objects.exists()


def test_the_destination_picker_searches_the_whole_tree(client, secretary, cell_leader, far):
    picker = reverse("members:pick-destinations")
    page = as_(client, secretary).get(picker, {"q": "khu pho"})
    assert "Chi bộ Khu phố 3" in page.text and "Đảng ủy phường Bến Thành" in page.text
    assert "Phạm Văn Sẵn" not in page.text  # names of chapters, never of members
    assert as_(client, cell_leader).get(picker, {"q": "khu"}).status_code == 404


@pytest.mark.parametrize(
    "extra, field, message",
    [
        (
            {"document_number": "1-GGT", "document_date": "01/03/2026"},
            "document_date",
            "The letter cannot be dated before the request (02/03/2026).",
        ),
        ({"requested_on": "21/03/2026"}, "requested_on", "The date cannot be in the future."),
        (
            {"change_date": "05/03/2026"},
            "change_date",
            "The change of job or residence comes before the transfer.",
        ),
        ({"document_number": "1-GGT"}, "document_date", "Give the date of the paper."),
    ],
)
def test_bad_requests_are_refused_on_the_form(
    client, secretary, member, far, extra, field, message
):
    before = MemberEvent.objects.count()
    page = as_(client, secretary).post(new_url(member), request_data(far[0], **extra))
    assert page.status_code == 200
    assert message in page.context["form"].errors[field]
    assert not Handover.objects.exists()
    assert MemberEvent.objects.count() == before


def test_a_bad_request_reads_in_vietnamese(client, secretary, member, far):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    extra = {"document_number": "1-GGT", "document_date": "01/03/2026"}
    page = as_(client, secretary).post(new_url(member), request_data(far[0], **extra))
    assert "Giấy giới thiệu không thể ghi ngày trước ngày đề nghị (02/03/2026)." in page.text


def test_a_second_transfer_goes_to_the_first(client, secretary, member, far):
    handover = requested(member, far[0])
    response = as_(client, secretary).get(new_url(member))
    assert response["Location"] == url("handover-detail", handover)
    page = client.get(member.get_absolute_url())
    assert 'id="handover-open"' in page.text and url("handover-detail", handover) in page.text
    assert new_url(member) not in page.text


def test_the_member_page_shows_the_transfer_under_way_once_the_member_has_left(
    client, secretary, member, far
):
    handover = sent(member, far[0])
    page = as_(client, secretary).get(member.get_absolute_url())
    assert url("handover-detail", handover) in page.text
    assert "awaiting acceptance" in page.text


# The pages by role ------------------------------------------------------------------------


@pytest.fixture
def arriving(member, far):
    return sent(member, far[0])


def test_each_role_on_a_transfers_page(
    client, secretary, receiver, outsider, cell_leader, committee_officer, arriving
):
    page = as_(client, receiver).get(reverse("members:transfers"))
    assert page.status_code == 200
    assert arriving.member.full_name in page.text and "125-GGT/ĐU" in page.text
    page = as_(client, secretary).get(reverse("members:transfers"), {"show": "sent"})
    assert arriving.member.full_name in page.text
    page = as_(client, secretary).get(reverse("members:transfers"), {"show": "arrivals"})
    assert arriving.member.full_name not in page.text  # not addressed to the sender
    page = as_(client, committee_officer).get(reverse("members:transfers"), {"show": "sent"})
    assert arriving.member.full_name in page.text
    page = as_(client, outsider).get(reverse("members:transfers"), {"show": "sent"})
    assert page.status_code == 200 and arriving.member.full_name not in page.text
    assert as_(client, cell_leader).get(reverse("members:transfers")).status_code == 404


@pytest.mark.parametrize(
    "who, status",
    [
        ("secretary", 200),
        ("receiver", 200),
        ("committee_officer", 200),
        ("outsider", 404),
        ("cell_leader", 404),
    ],
)
def test_each_role_on_a_transfers_detail(client, request, arriving, who, status):
    page = as_(client, request.getfixturevalue(who)).get(url("handover-detail", arriving))
    assert page.status_code == status


def test_the_receiving_side_reads_the_record_not_the_chapters_other_data(
    client, receiver, cell, far, other_member
):
    member = register_member(
        cell=cell,
        phone="0912345678",
        current_address="Số 9 Ngõ Kín",
        workplace="Công ty Riêng Tư",
        note="Ghi chú nội bộ chi bộ",
    )
    arriving = sent(member, far[0])
    page = as_(client, receiver).get(url("handover-detail", arriving))
    assert member.full_name in page.text and "15/03/1980" in page.text  # born
    assert "Official" in page.text  # the status it left with
    assert member.get_absolute_url() not in page.text  # no door into the sending register
    assert other_member.full_name not in page.text
    for field in ("phone", "current_address", "workplace", "note"):
        value = getattr(member, field)
        if value:
            assert value not in page.text, field
    assert url("handover-accept", arriving) in page.text
    assert url("handover-cancel", arriving) not in page.text


def test_the_sending_side_reads_its_own_buttons(client, secretary, committee_officer, member, far):
    handover = requested(member, far[0])
    page = as_(client, secretary).get(url("handover-detail", handover))
    assert url("handover-issue", handover) in page.text
    assert url("handover-cancel", handover) in page.text
    assert url("handover-accept", handover) not in page.text
    page = as_(client, committee_officer).get(url("handover-detail", handover))
    assert url("handover-issue", handover) in page.text  # the committee's letter
    assert url("handover-cancel", handover) not in page.text


@pytest.mark.parametrize(
    "step, who, status",
    [
        ("handover-accept", "secretary", 403),
        ("handover-accept", "committee_officer", 403),
        ("handover-accept", "receiver", 200),
        ("handover-accept", "outsider", 404),
        ("handover-accept", "cell_leader", 404),
        ("handover-not-arrived", "receiver", 200),
        ("handover-not-arrived", "secretary", 403),
        ("handover-cancel", "secretary", 200),
        ("handover-cancel", "receiver", 403),
        ("handover-issue", "secretary", "redirect"),  # already issued
        ("handover-issue", "receiver", 403),
    ],
)
def test_the_steps_by_role(client, request, arriving, step, who, status):
    response = as_(client, request.getfixturevalue(who)).get(url(step, arriving))
    assert (302 if status == "redirect" else status) == response.status_code


def test_a_get_never_acts(client, receiver, arriving, far):
    data = {"presented_on": "10/03/2026", "cell": str(far[1].public_id), "confirm": "1"}
    as_(client, receiver).get(url("handover-accept", arriving), data)
    arriving.refresh_from_db()
    assert arriving.state == State.SENT


# The whole flow through the pages ----------------------------------------------------------


def test_a_transfer_through_both_secretaries_pages(
    client, secretary, committee_officer, receiver, member, far
):
    two_steps(as_(client, secretary), new_url(member), request_data(far[0]))
    handover = Handover.objects.get(member=member)
    assert as_(client, receiver).get(url("handover-detail", handover)).status_code == 404

    # The committee issues the letter.
    two_steps(
        as_(client, committee_officer),
        url("handover-issue", handover),
        {**LETTER, "issuing_body": "Đảng ủy xã An Phú"},
    )
    handover.refresh_from_db()
    assert handover.state == State.SENT and handover.issuing_body == "Đảng ủy xã An Phú"

    # The receiving secretary sees the arrival, with its badge on the register.
    page = as_(client, receiver).get(reverse("members:member-list"))
    assert 'id="transfers-link"' in page.text
    page = client.get(reverse("members:transfers"))
    assert member.full_name in page.text
    assert present_due(D(2026, 3, 4)).strftime("%d/%m/%Y") in page.text

    # Accepted into a cell of the receiving chapter.
    data = {"presented_on": "10/03/2026", "cell": str(far[1].public_id), "note": ""}
    two_steps(client, url("handover-accept", handover), data)
    handover.refresh_from_db()
    member.refresh_from_db()
    assert handover.state == State.ACCEPTED
    assert (member.chapter, member.cell, member.status) == (far[0], far[1], Member.Status.OFFICIAL)
    arrivals = MemberEvent.objects.filter(kind=Kind.TRANSFERRED_IN, member=member)
    assert [e.chapter_id for e in arrivals] == [far[0].pk]  # one, in the receiving ledger
    assert member.full_name in client.get(reverse("members:member-list")).text
    page = as_(client, secretary).get(reverse("members:member-list"))
    assert member.full_name not in page.text
    page = client.get(reverse("members:transfers"), {"show": "closed"})
    assert member.full_name in page.text


def test_not_arrived_goes_back_to_the_sender(client, secretary, receiver, arriving):
    two_steps(
        as_(client, receiver),
        url("handover-not-arrived", arriving),
        {"on": "18/03/2026", "note": "Không đến"},
    )
    arriving.refresh_from_db()
    assert arriving.state == State.NOT_ARRIVED
    page = as_(client, secretary).get(reverse("members:transfers"), {"show": "sent"})
    assert arriving.member.full_name in page.text
    page = client.get(url("handover-detail", arriving))
    assert 'id="not-arrived-note"' in page.text
    # The sender withdraws: the member is back on its roll.
    two_steps(client, url("handover-cancel", arriving), {"reason": "Không chuyển nữa"})
    arriving.refresh_from_db()
    arriving.member.refresh_from_db()
    assert arriving.state == State.CANCELLED and arriving.member.is_active


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"presented_on": "03/03/2026"},
            "presented_on",
            "The letter cannot be presented before its date (04/03/2026).",
        ),
        ({"presented_on": "21/03/2026"}, "presented_on", "The date cannot be in the future."),
        ("other", "cell", "Choose one of this chapter's cells."),
        ("closed", "cell", "Choose one of this chapter's cells."),
    ],
)
def test_bad_acceptances_are_refused(client, receiver, arriving, cell, far, data, field, message):
    if data == "other":
        data = {"presented_on": "10/03/2026", "cell": str(cell.public_id)}
    elif data == "closed":
        data = {"presented_on": "10/03/2026", "cell": str(far[2].public_id)}
    before = MemberEvent.objects.count()
    page = as_(client, receiver).post(url("handover-accept", arriving), data)
    assert message in page.context["form"].errors[field]
    arriving.refresh_from_db()
    assert arriving.state == State.SENT and MemberEvent.objects.count() == before


def test_an_acceptance_refused_reads_in_vietnamese(client, receiver, arriving, far):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    data = {"presented_on": "03/03/2026", "cell": str(far[1].public_id)}
    page = as_(client, receiver).post(url("handover-accept", arriving), data)
    assert "Không thể nộp giấy giới thiệu trước ngày ghi trên giấy (04/03/2026)." in page.text


def test_a_letter_dated_before_the_request_is_refused(client, secretary, member, far):
    handover = requested(member, far[0])
    data = {"document_number": "1-GGT", "document_date": "01/03/2026", "issuing_body": ""}
    page = as_(client, secretary).post(url("handover-issue", handover), data)
    assert (
        "The letter cannot be dated before the request (02/03/2026)."
        in (page.context["form"].errors["document_date"])
    )
    handover.refresh_from_db()
    assert handover.state == State.REQUESTED


# Temporary transfers -------------------------------------------------------------------------


def test_a_temporary_stay_is_listed_apart_from_the_roll(client, receiver, member, far):
    handover = sent(
        member, far[0], kind=Handover.Kind.TEMPORARY, temporary_kind="WORK", until=D(2026, 9, 1)
    )
    two_steps(
        as_(client, receiver), url("handover-accept", handover), {"presented_on": "10/03/2026"}
    )
    handover.refresh_from_db()
    assert handover.state == State.ACCEPTED
    page = client.get(reverse("members:transfers"), {"show": "temporary"})
    assert member.full_name in page.text and 'id="not-in-headcount"' in page.text
    assert member.full_name not in client.get(reverse("members:member-list")).text
    page = client.get(far[0].get_absolute_url())
    assert page.context["counts"]["on_roll"] == 1  # the host's own member only
    member.refresh_from_db()
    assert member.chapter != far[0] and member.is_temporarily_out


@pytest.mark.freeze_time("2026-09-02")
def test_an_overdue_temporary_stay_is_flagged(client, receiver, member, far):
    from chapter.documents import Document

    letter = Document(number="9-GGT", date=D(2026, 3, 4), issuing_body="Đảng ủy")
    handover = services.handover_request(
        member_id=member.pk,
        actor=None,
        to_chapter=far[0],
        kind=Handover.Kind.TEMPORARY,
        requested_on=D(2026, 3, 2),
        temporary_kind="WORK",
        until=D(2026, 9, 1),
        letter=letter,
    )
    page = as_(client, receiver).get(reverse("members:transfers"), {"show": "temporary"})
    assert "Temporary transfer overdue: planned to end on 01/09/2026" in page.text
    assert flags(handover, D(2026, 9, 1)) == []  # the day itself is not late


def test_the_letters_deadline_is_flagged_the_day_after(member, far):
    handover = sent(member, far[0])
    due = letter_due(handover)
    assert due == present_due(D(2026, 3, 4))
    assert flags(handover, due) == []
    (flag,) = flags(handover, due + datetime.timedelta(days=1))
    assert "Quy định 294-QĐ/TW, mục 6.3.1" in flag


@pytest.mark.freeze_time("2026-06-01")
def test_a_late_arrival_is_flagged_on_the_transfers_page(client, receiver, member, far):
    sent(member, far[0])
    page = as_(client, receiver).get(reverse("members:transfers"))
    assert 'data-late="1"' in page.text
    assert "Quy định 294-QĐ/TW, mục 6.3.1" in page.text


# Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 8])
def test_the_transfers_page_reads_a_fixed_number_of_queries(
    client, receiver, far, size, django_assert_num_queries
):
    origin = ChapterFactory(name="Chi bộ nơi đi")
    cell = CellFactory(chapter=origin)
    for _ in range(size):
        sent(register_member(cell=cell), far[0])
    as_(client, receiver)
    client.get(reverse("members:transfers"))  # warm the rule and calendar caches
    # session, user, roles, the lists' counts (one aggregate), the page's rows with both
    # chapters and their committees
    with django_assert_num_queries(5):
        page = client.get(reverse("members:transfers"))
    assert page.status_code == 200


@pytest.mark.parametrize("who", ["secretary", "receiver"])
def test_a_transfer_detail_reads_a_fixed_number_of_queries(
    client, request, arriving, who, django_assert_num_queries
):
    as_(client, request.getfixturevalue(who))
    client.get(url("handover-detail", arriving))  # warm the rule and calendar caches
    # session, user, roles, the transfer with its member and chapters, whether the user reads
    # the member's record, the member's entries (party age, the status it left with)
    with django_assert_num_queries(7):
        page = client.get(url("handover-detail", arriving))
    assert page.status_code == 200
