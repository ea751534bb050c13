"""Movements of one member, transfer in, and key-date corrections: two steps, then the service."""

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from members import services
from members.actions import ACTION_SLUGS, ACTIONS
from members.models import Member, MemberEvent
from tests.members.factories import CellFactory, ChapterFactory, register_member

pytestmark = pytest.mark.django_db

Kind = MemberEvent.Kind
Status = Member.Status
CONFIRM_PAGE = "members/move_confirm.html"


@pytest.fixture(autouse=True)
def english(client):
    """New strings have no Vietnamese yet: read the pages in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def as_user(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    return client


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def move_url(member, action):
    return reverse("members:member-move", args=[member.public_id, action])


def templates_of(response):
    return [t.name for t in response.templates]


def error_codes(response, field):
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


def event_count(member=None):
    events = MemberEvent.objects.all()
    return events.filter(member=member).count() if member else events.count()


def probationary_member(cell):
    # ceremony 14/04/2018, probation ends 14/04/2019
    return register_member(cell=cell, status=Status.PROBATIONARY, full_name="Lê Văn Dự Bị")


DECISION = {
    "document_number": "45-QĐ/ĐUK",
    "document_date": "10/05/2019",
    "issuing_body": "Đảng ủy Khối",
}

# action -> (member needed, data posted, event kind, expected state afterwards)
CASES = {
    "transfer-out": (
        "official",
        {
            "effective_date": "01/03/2024",
            "to_organisation": "Chi bộ Sở Y tế",
            "document_number": "12-GGT/ĐUK",
            "document_date": "25/02/2024",
            "issuing_body": "Đảng ủy Khối",
        },
        Kind.TRANSFERRED_OUT,
        {"status": Status.TRANSFERRED_OUT},
    ),
    "temporary-out": (
        "official",
        {
            "effective_date": "01/03/2024",
            "until": "01/12/2024",
            "to_organisation": "Chi bộ Trường Chính trị tỉnh",
        },
        Kind.TEMPORARY_OUT,
        {"status": Status.OFFICIAL, "is_temporarily_out": True},
    ),
    "temporary-return": (
        "temporarily_out",
        {"effective_date": "01/03/2024"},
        Kind.TEMPORARY_RETURN,
        {"status": Status.OFFICIAL, "is_temporarily_out": False},
    ),
    "move-cell": (
        "official",
        {"cell": "OTHER_CELL", "effective_date": "01/03/2024"},
        Kind.MOVED_CELL,
        {"status": Status.OFFICIAL, "cell": "OTHER_CELL"},
    ),
    "exempt": (
        "official",
        {"effective_date": "01/03/2024", "reason": "Tuổi cao, sức khỏe yếu"},
        Kind.EXEMPTED,
        {"status": Status.OFFICIAL, "is_exempted": True},
    ),
    "end-exemption": (
        "exempted",
        {"effective_date": "01/03/2024"},
        Kind.EXEMPTION_ENDED,
        {"status": Status.OFFICIAL, "is_exempted": False},
    ),
    "confirm": (
        "probationary",
        DECISION,
        Kind.CONFIRMED,
        {"status": Status.OFFICIAL, "confirmation_decision_number": "45-QĐ/ĐUK"},
    ),
    "remove-from-probationary-list": (
        "probationary",
        {**DECISION, "reason": "Không đủ tư cách"},
        Kind.REMOVED_FROM_PROBATIONARY_LIST,
        {"status": Status.REMOVED_FROM_PROBATIONARY_LIST},
    ),
    "remove": (
        "official",
        {"effective_date": "01/03/2024", **DECISION, "reason": "Bỏ sinh hoạt"},
        Kind.REMOVED,
        {"status": Status.REMOVED},
    ),
    "expel": (
        "official",
        {"effective_date": "01/03/2024", **DECISION, "reason": "Vi phạm kỷ luật"},
        Kind.EXPELLED,
        {"status": Status.EXPELLED},
    ),
    "leave": (
        "official",
        {"effective_date": "01/03/2024", **DECISION, "reason": "Xin ra khỏi Đảng"},
        Kind.LEFT,
        {"status": Status.LEFT},
    ),
    "death": (
        "official",
        {"effective_date": "01/03/2024", "note": "Từ trần tại nhà"},
        Kind.DECEASED,
        {"status": Status.DECEASED},
    ),
}


@pytest.fixture
def subject_for(member, cell):
    """The member an action applies to, put in the state it needs."""

    def make(state):
        if state == "probationary":
            return probationary_member(cell)
        if state == "temporarily_out":
            services.member_temporary_out(
                member_id=member.pk,
                actor=None,
                effective_date=datetime.date(2020, 1, 1),
                to_organisation="Chi bộ Trường Chính trị tỉnh",
            )
        if state == "exempted":
            services.member_exempt(
                member_id=member.pk,
                actor=None,
                effective_date=datetime.date(2020, 1, 1),
                reason="Ốm dài ngày",
            )
        member.refresh_from_db()
        return member

    return make


def case_data(action, other_cell):
    state, data, kind, expected = CASES[action]
    data = {k: (other_cell.pk if v == "OTHER_CELL" else v) for k, v in data.items()}
    expected = {k: (other_cell if v == "OTHER_CELL" else v) for k, v in expected.items()}
    return state, data, kind, expected


def test_every_action_slug_has_a_form_and_a_service():
    assert list(ACTIONS) == list(ACTION_SLUGS)
    assert set(CASES) == set(ACTIONS)


# Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other_cell_leader", 404),
        ("cell_leader", 403),
        ("committee_officer", 403),
        ("secretary", 200),
        ("admin_user", 200),
    ],
)
def test_member_move_access(client, request, member, who, expected):
    response = as_user(client, request, who).get(move_url(member, "exempt"))
    assert response.status_code == expected
    if who == "anonymous":
        assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["cell_leader", "committee_officer"])
def test_read_only_roles_cannot_record_a_movement(client, request, member, who):
    _state, data, _kind, _expected = case_data("death", member.cell)
    response = as_user(client, request, who).post(
        move_url(member, "death"), {**data, "confirm": "1"}
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.status == Status.OFFICIAL
    assert event_count(member) == 1


def test_unknown_action_is_404(client, secretary, member):
    client.force_login(secretary)
    assert client.get(move_url(member, "promote")).status_code == 404


# Every action: form, confirmation, record -------------------------------------------------


@pytest.mark.parametrize("action", list(CASES))
def test_action_shows_its_form(client, secretary, subject_for, other_cell, action):
    state, *_rest = case_data(action, other_cell)
    subject = subject_for(state)
    client.force_login(secretary)
    response = client.get(move_url(subject, action))
    assert response.status_code == 200
    assert "members/move_form.html" in templates_of(response)
    assert response.text.count("<h1") == 1
    assert str(ACTIONS[action].title) in response.text


@pytest.mark.parametrize("action", list(CASES))
def test_post_without_confirm_shows_the_summary_and_writes_nothing(
    client, secretary, subject_for, other_cell, action
):
    state, data, _kind, _expected = case_data(action, other_cell)
    subject = subject_for(state)
    before = (subject.status, subject.is_exempted, subject.is_temporarily_out, subject.cell_id)
    events = event_count()
    client.force_login(secretary)

    response = client.post(move_url(subject, action), data)

    assert response.status_code == 200
    assert CONFIRM_PAGE in templates_of(response), response.context["form"].errors
    assert event_count() == events
    subject.refresh_from_db()
    assert (subject.status, subject.is_exempted, subject.is_temporarily_out, subject.cell_id) == (
        before
    )
    text = response.text
    assert subject.full_name in text
    assert 'name="confirm" value="1"' in text
    for name, value in data.items():  # every value rides along in a hidden field
        assert f'name="{name}"' in text
        assert str(value) in text


@pytest.mark.parametrize("action", list(CASES))
def test_post_with_confirm_records_one_movement(client, secretary, subject_for, other_cell, action):
    state, data, kind, expected = case_data(action, other_cell)
    subject = subject_for(state)
    events = event_count(subject)
    client.force_login(secretary)

    response = client.post(move_url(subject, action), {**data, "confirm": "1"})

    assert response.status_code == 302
    assert response.url == subject.get_absolute_url()
    assert event_count(subject) == events + 1
    latest = subject.events.order_by("-id").first()
    assert latest.kind == kind
    assert latest.actor == secretary
    subject.refresh_from_db()
    for name, value in expected.items():
        assert getattr(subject, name) == value
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(subject.full_name in note for note in notes)


def test_transfer_out_records_the_letter(client, secretary, member, other_cell):
    _state, data, _kind, _expected = case_data("transfer-out", other_cell)
    client.force_login(secretary)
    client.post(move_url(member, "transfer-out"), {**data, "confirm": "1"})
    event = member.events.get(kind=Kind.TRANSFERRED_OUT)
    assert event.effective_date == datetime.date(2024, 3, 1)
    assert event.counterpart == "Chi bộ Sở Y tế"
    assert event.document_kind == MemberEvent.DocumentKind.TRANSFER_LETTER
    assert event.document_number == "12-GGT/ĐUK"
    assert event.document_date == datetime.date(2024, 2, 25)


def test_confirm_page_explains_the_official_date(client, secretary, cell):
    subject = probationary_member(cell)
    client.force_login(secretary)
    response = client.get(move_url(subject, "confirm"))
    assert "14/04/2019" in response.text  # ceremony 14/04/2018 + 12 months
    assert "whatever the date of the decision" in response.text
    response = client.post(move_url(subject, "confirm"), {**DECISION, "confirm": "1"})
    subject.refresh_from_db()
    assert subject.official_date == datetime.date(2019, 4, 14)
    assert subject.confirmation_decision_date == datetime.date(2019, 5, 10)
    assert subject.events.get(kind=Kind.CONFIRMED).effective_date == datetime.date(2019, 4, 14)


def test_change_button_goes_back_to_the_form_with_the_values(client, secretary, member):
    client.force_login(secretary)
    data = {"effective_date": "01/03/2024", "reason": "Ốm dài ngày", "edit": "1"}
    response = client.post(move_url(member, "exempt"), data)
    assert "members/move_form.html" in templates_of(response)
    assert 'value="01/03/2024"' in response.text
    assert event_count(member) == 1


# Refused ----------------------------------------------------------------------------------


def test_an_action_the_member_does_not_allow_is_refused_with_a_message(client, secretary, member):
    services.member_record_death(
        member_id=member.pk, actor=None, effective_date=datetime.date(2023, 1, 1)
    )
    events = event_count(member)
    client.force_login(secretary)
    _state, data, _kind, _expected = case_data("transfer-out", member.cell)

    for response in (
        client.get(move_url(member, "transfer-out")),
        client.post(move_url(member, "transfer-out"), {**data, "confirm": "1"}),
    ):
        assert response.status_code == 302
        assert response.url == member.get_absolute_url()
        # the redirect is not followed, so the notes pile up in the session
        notes = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
        assert notes[-1] == (
            "error",
            f"“Transfer out” cannot be recorded for {member.full_name}, who is now: deceased.",
        )
    member.refresh_from_db()
    assert member.status == Status.DECEASED
    assert event_count(member) == events


def future():
    return dmy(timezone.localdate() + datetime.timedelta(days=1))


def _exempted_in_2021(member):
    services.member_exempt(
        member_id=member.pk,
        actor=None,
        effective_date=datetime.date(2021, 1, 1),
        reason="Ốm dài ngày",
    )
    return member


REFUSED = [
    # (member state, action, data, field, error code)
    pytest.param(
        "official",
        "transfer-out",
        lambda: {**CASES["transfer-out"][1], "effective_date": future()},
        "effective_date",
        "future_date",
        id="date-in-the-future",
    ),
    pytest.param(
        "exempted-2021",
        "temporary-out",
        lambda: {"effective_date": "01/06/2020", "to_organisation": "Chi bộ Trường Chính trị"},
        "effective_date",
        "before_latest_movement",
        id="date-before-latest-movement",
    ),
    pytest.param(
        "probationary",
        "confirm",
        lambda: {**DECISION, "document_date": "01/03/2019"},
        "document_date",
        "probation_not_served",
        id="confirm-before-probation-ends",
    ),
    pytest.param(
        "official",
        "move-cell",
        lambda: {"cell": CellFactory().pk, "effective_date": "01/03/2024"},
        "cell",
        "invalid_choice",
        id="cell-of-another-chapter",
    ),
    pytest.param(
        "official",
        "leave",
        lambda: {"effective_date": "01/03/2024", **DECISION, "reason": ""},
        "reason",
        "required",
        id="reason-required",
    ),
]


@pytest.mark.parametrize("confirm", [False, True], ids=["first-step", "confirm-step"])
@pytest.mark.parametrize(("state", "action", "make_data", "field", "code"), REFUSED)
def test_refused_movement_shows_the_error_and_writes_nothing(
    client, secretary, member, cell, state, action, make_data, field, code, confirm
):
    subject = {
        "official": lambda: member,
        "exempted-2021": lambda: _exempted_in_2021(member),
        "probationary": lambda: probationary_member(cell),
    }[state]()
    subject.refresh_from_db()
    before = (subject.status, subject.cell_id, subject.is_temporarily_out)
    events = event_count()
    client.force_login(secretary)
    data = make_data()
    if confirm:
        data["confirm"] = "1"

    response = client.post(move_url(subject, action), data)

    assert response.status_code == 200
    assert "members/move_form.html" in templates_of(response)
    assert code in error_codes(response, field)
    assert 'class="invalid-feedback' in response.text
    assert event_count() == events
    subject.refresh_from_db()
    assert (subject.status, subject.cell_id, subject.is_temporarily_out) == before


def test_temporary_return_when_not_out_is_refused(client, secretary, member):
    client.force_login(secretary)
    response = client.post(
        move_url(member, "temporary-return"), {"effective_date": "01/03/2024", "confirm": "1"}
    )
    assert response.status_code == 302
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert notes and "cannot be recorded" in notes[0]
    assert event_count(member) == 1


def test_a_service_error_at_confirmation_goes_back_to_the_form(client, secretary, member):
    """Someone else recorded a later movement between the two steps."""
    client.force_login(secretary)
    data = {"effective_date": "01/03/2024", "reason": "Ốm dài ngày"}
    assert CONFIRM_PAGE in templates_of(client.post(move_url(member, "exempt"), data))
    services.member_temporary_out(
        member_id=member.pk,
        actor=None,
        effective_date=datetime.date(2024, 6, 1),
        to_organisation="Chi bộ Trường Chính trị",
    )
    response = client.post(move_url(member, "exempt"), {**data, "confirm": "1"})
    assert response.status_code == 200
    assert "before_latest_movement" in error_codes(response, "effective_date")
    assert "01/06/2024" in response.text
    member.refresh_from_db()
    assert member.is_exempted is False


# Transfer in ------------------------------------------------------------------------------

TRANSFER_IN_URL = reverse("members:transfer-in")


def transfer_in_data(**overrides):
    data = {
        "status": Status.OFFICIAL,
        "effective_date": "02/03/2024",
        "from_organisation": "Chi bộ Sở Tài chính",
        "document_number": "88-GGT/ĐUK",
        "document_date": "25/02/2024",
        "issuing_body": "Đảng ủy Khối các cơ quan tỉnh",
        "full_name": "Phạm Thị Chuyển Đến",
        "gender": "F",
        "date_of_birth": "12/08/1985",
        "ethnicity": "Kinh",
        "religion": "Không",
        "citizen_id": "001185012345",
        "card_number": "52.012345",
        "admission_decision_date": "02/09/2012",
        "ceremony_date": "15/09/2012",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("cell_leader", 403),
        ("committee_officer", 403),
        ("secretary", 200),
        ("admin_user", 200),
        # a secretary elsewhere may receive members into their own chapter only
        ("outsider", 200),
    ],
)
def test_transfer_in_access(client, request, chapter, who, expected):
    response = as_user(client, request, who).get(TRANSFER_IN_URL)
    assert response.status_code == expected
    if who == "anonymous":
        assert response.url.startswith("/accounts/login/")


def test_transfer_in_offers_only_the_users_own_chapters(client, outsider, cell):
    client.force_login(outsider)
    response = client.get(TRANSFER_IN_URL)
    form = response.context["form"]
    assert "chapter" not in form.fields  # one chapter: nothing to choose
    assert cell not in form.fields["cell"].queryset
    data = transfer_in_data(cell=cell.pk, confirm="1")
    response = client.post(TRANSFER_IN_URL, data)
    assert "invalid_choice" in error_codes(response, "cell")
    assert not Member.objects.filter(full_name="Phạm Thị Chuyển Đến").exists()


def test_admin_chooses_the_chapter(client, admin_user, chapter, cell):
    ChapterFactory()  # with two chapters there is a choice
    client.force_login(admin_user)
    form = client.get(TRANSFER_IN_URL).context["form"]
    assert "chapter" in form.fields
    response = client.post(TRANSFER_IN_URL, transfer_in_data(chapter=chapter.pk, cell=cell.pk))
    assert CONFIRM_PAGE in templates_of(response), response.context["form"].errors


def test_transfer_in_a_new_member(client, secretary, chapter, cell):
    client.force_login(secretary)
    data = transfer_in_data(cell=cell.pk)
    members = Member.objects.count()

    response = client.post(TRANSFER_IN_URL, data)
    assert CONFIRM_PAGE in templates_of(response), response.context["form"].errors
    assert Member.objects.count() == members
    assert "Phạm Thị Chuyển Đến" in response.text
    assert "88-GGT/ĐUK" in response.text

    response = client.post(TRANSFER_IN_URL, {**data, "confirm": "1"})
    received = Member.objects.get(full_name="Phạm Thị Chuyển Đến")
    assert response.status_code == 302
    assert response.url == received.get_absolute_url()
    assert received.chapter == chapter
    assert received.cell == cell
    assert received.status == Status.OFFICIAL
    assert received.official_date == datetime.date(2013, 9, 15)  # ceremony + 12 months
    event = received.events.get()
    assert event.kind == Kind.TRANSFERRED_IN
    assert event.counterpart == "Chi bộ Sở Tài chính"
    assert event.document_number == "88-GGT/ĐUK"
    assert event.effective_date == datetime.date(2024, 3, 2)


@pytest.fixture
def left_member(cell):
    member = register_member(cell=cell, full_name="Đỗ Văn Trở Lại", citizen_id="001180099999")
    services.member_transfer_out(
        member_id=member.pk,
        actor=None,
        effective_date=datetime.date(2020, 6, 1),
        to_organisation="Chi bộ Sở Xây dựng",
        letter=services.Document(number="5-GGT", date=datetime.date(2020, 5, 28)),
    )
    member.refresh_from_db()
    return member


def test_transfer_in_asks_whether_it_is_the_member_who_left(client, secretary, left_member):
    client.force_login(secretary)
    response = client.post(TRANSFER_IN_URL, transfer_in_data(citizen_id="001180099999"))
    assert response.status_code == 200
    assert "members/transfer_in.html" in templates_of(response)
    assert "required" in error_codes(response, "returning")
    assert "01/06/2020" in response.text  # the day they transferred out
    choices = dict(response.context["form"].fields["returning"].choices)
    assert str(left_member.public_id) in choices
    assert "new" in choices


def test_a_returning_member_comes_back_on_the_same_record(client, secretary, left_member, cell):
    client.force_login(secretary)
    members = Member.objects.count()
    full = transfer_in_data()
    letter = ("effective_date", "from_organisation", "document_number", "document_date")
    data = {
        **dict.fromkeys(full, ""),  # no register details: the old record keeps its own
        **{k: full[k] for k in letter},
        "status": Status.OFFICIAL,
        "citizen_id": "001180099999",
        "cell": cell.pk,
        "returning": str(left_member.public_id),
    }

    response = client.post(TRANSFER_IN_URL, data)
    assert CONFIRM_PAGE in templates_of(response), response.context["form"].errors
    assert left_member.full_name in response.text

    response = client.post(TRANSFER_IN_URL, {**data, "confirm": "1"})
    assert response.status_code == 302
    assert response.url == left_member.get_absolute_url()
    assert Member.objects.count() == members
    left_member.refresh_from_db()
    assert left_member.status == Status.OFFICIAL
    assert left_member.cell == cell
    assert left_member.events.order_by("-id").first().kind == Kind.TRANSFERRED_IN


def test_a_different_person_with_the_same_id_gets_a_new_record(client, secretary, left_member):
    client.force_login(secretary)
    data = transfer_in_data(citizen_id="001180099999", returning="new", confirm="1")
    response = client.post(TRANSFER_IN_URL, data)
    assert response.status_code == 302
    received = Member.objects.get(full_name="Phạm Thị Chuyển Đến")
    assert received.pk != left_member.pk
    assert received.citizen_id == "001180099999"


def test_transfer_in_in_the_future_is_refused(client, secretary, cell):
    client.force_login(secretary)
    for step in ({}, {"confirm": "1"}):
        response = client.post(TRANSFER_IN_URL, transfer_in_data(effective_date=future(), **step))
        assert response.status_code == 200
        assert "future_date" in error_codes(response, "effective_date")
    assert not Member.objects.filter(full_name="Phạm Thị Chuyển Đến").exists()


def test_transfer_in_service_field_errors_show_beside_the_field(client, secretary):
    """A probationary member holds no party card (a service rule)."""
    client.force_login(secretary)
    data = transfer_in_data(
        status=Status.PROBATIONARY,
        admission_decision_date="02/09/2023",
        ceremony_date="15/09/2023",
    )
    response = client.post(TRANSFER_IN_URL, data)
    assert "key_dates" in error_codes(response, "card_number")
    assert not Member.objects.filter(full_name="Phạm Thị Chuyển Đến").exists()


# Key-date correction ----------------------------------------------------------------------


def correct_url(member):
    return reverse("members:member-correct", args=[member.public_id])


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("cell_leader", 403),
        ("committee_officer", 403),
        ("secretary", 200),
        ("admin_user", 200),
    ],
)
def test_correct_key_date_access(client, request, member, who, expected):
    response = as_user(client, request, who).get(correct_url(member))
    assert response.status_code == expected


def test_correct_form_shows_the_current_dates(client, secretary, member):
    client.force_login(secretary)
    response = client.get(correct_url(member) + "?field=ceremony_date")
    assert "20/01/2010" in response.text  # ceremony
    assert "20/01/2011" in response.text  # official
    assert "moves the official date" in response.text
    assert response.context["form"]["field_name"].value() == "ceremony_date"


def test_correcting_the_ceremony_moves_the_official_date(client, secretary, member):
    client.force_login(secretary)
    data = {"field_name": "ceremony_date", "value": "25/01/2010", "reason": "Theo 1-HSĐV"}

    response = client.post(correct_url(member), data)
    assert CONFIRM_PAGE in templates_of(response), response.context["form"].errors
    assert "20/01/2010 → 25/01/2010" in response.text
    assert "20/01/2011 → 25/01/2011" in response.text
    assert event_count(member) == 1

    response = client.post(correct_url(member), {**data, "confirm": "1"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.ceremony_date == datetime.date(2010, 1, 25)
    assert member.official_date == datetime.date(2011, 1, 25)
    event = member.events.get(kind=Kind.CORRECTED)
    assert event.note == "Theo 1-HSĐV"
    assert member.history.first().history_change_reason == "Theo 1-HSĐV"


def test_correction_needs_a_reason(client, secretary, member):
    client.force_login(secretary)
    data = {"field_name": "ceremony_date", "value": "25/01/2010", "reason": "  ", "confirm": "1"}
    response = client.post(correct_url(member), data)
    assert response.status_code == 200
    assert "required" in error_codes(response, "reason")
    member.refresh_from_db()
    assert member.ceremony_date == datetime.date(2010, 1, 20)
    assert event_count(member) == 1


def test_a_correction_the_rules_refuse_shows_beside_the_date(client, secretary, member):
    client.force_login(secretary)
    # a ceremony before the admission decision (05/01/2010)
    data = {"field_name": "ceremony_date", "value": "01/01/2010", "reason": "Nhầm", "confirm": "1"}
    response = client.post(correct_url(member), data)
    assert response.status_code == 200
    assert "key_dates" in error_codes(response, "value")
    member.refresh_from_db()
    assert member.ceremony_date == datetime.date(2010, 1, 20)
