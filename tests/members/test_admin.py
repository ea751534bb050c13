"""The members admin: correction with a reason, read-only status and ledger, movement actions."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats

from members import services
from members.models import (
    Cell,
    Chapter,
    Committee,
    Member,
    MemberEvent,
    Position,
    RoleAssignment,
)
from tests.members.factories import (
    FOUNDED,
    CellFactory,
    ChapterFactory,
    UserFactory,
    register_member,
)

pytestmark = pytest.mark.django_db

Status = Member.Status
Kind = MemberEvent.Kind


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


def url(model, view, *args):
    return reverse(f"admin:members_{model._meta.model_name}_{view}", args=args)


def form_data(response) -> dict:
    """The change form's current values, as a browser would post them back."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            value = ""
        elif isinstance(value, datetime.date):
            value = formats.localize_input(value)
        data[name] = value
    return data


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# Pages load -------------------------------------------------------------------------------


@pytest.fixture
def one_of_each(member, secretary):
    position = Position.objects.create(
        member=member, organisation="TRADE_UNION", title="Chủ tịch", start_date=FOUNDED
    )
    return {
        Committee: member.chapter.committee,
        Chapter: member.chapter,
        Cell: member.cell,
        Member: member,
        MemberEvent: member.events.get(),
        RoleAssignment: RoleAssignment.objects.get(user=secretary),
        Position: position,
    }


@pytest.mark.parametrize(
    "model", [Committee, Chapter, Cell, Member, MemberEvent, RoleAssignment, Position]
)
def test_changelist_and_change_page_load(admin_client, one_of_each, model):
    obj = one_of_each[model]
    assert admin_client.get(url(model, "changelist")).status_code == 200
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(url(model, "changelist"), {"q": "a"}).status_code == 200


@pytest.mark.parametrize("model", [Committee, Chapter, Cell, RoleAssignment, Position])
def test_add_page_loads(admin_client, model):
    assert admin_client.get(url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", [Committee, Chapter, Cell, Member, RoleAssignment])
def test_history_is_visible(admin_client, one_of_each, model):
    response = admin_client.get(url(model, "history", one_of_each[model].pk))
    assert response.status_code == 200


def test_an_old_version_cannot_be_reverted(admin_client, member):
    record = member.history.earliest()
    path = reverse("admin:members_member_simple_history", args=[member.pk, record.pk])
    assert admin_client.get(path).status_code == 200
    assert admin_client.post(path, {"full_name": "X"}).status_code == 403


def test_non_staff_users_are_sent_to_the_admin_login(client, user_client):
    response = user_client.get(url(Member, "changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    user_client.logout()
    anonymous = client.get(url(Member, "change", 1))
    assert anonymous.status_code == 302
    assert "/login/" in anonymous.url


def test_pages_load_in_vietnamese_too(client, admin_user, member):
    client.force_login(admin_user)
    for path in (url(Member, "changelist"), url(Member, "change", member.pk)):
        response = client.get(path)
        assert response.status_code == 200
        assert response.wsgi_request.LANGUAGE_CODE == "vi"


def _changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(Member, "changelist")).status_code == 200
    return len(queries)


def test_member_changelist_runs_a_fixed_number_of_queries(
    admin_client, cell, other_cell, django_assert_max_num_queries
):
    for _ in range(3):
        register_member(cell=cell)
    few = _changelist_queries(admin_client)
    for index in range(27):
        register_member(cell=other_cell if index % 2 else cell)
    with django_assert_max_num_queries(few):
        assert admin_client.get(url(Member, "changelist")).status_code == 200
    assert _changelist_queries(admin_client) == few


# Search -----------------------------------------------------------------------------------


def test_member_search_ignores_diacritics(admin_client, member, other_member):
    response = admin_client.get(url(Member, "changelist"), {"q": "nguyen thi hong"})
    found = list(response.context["cl"].result_list)
    assert found == [member]


def test_member_search_finds_citizen_id_and_card_exactly(admin_client, cell):
    by_id = register_member(cell=cell, citizen_id="001080012345")
    by_card = register_member(cell=cell, card_number="12345678")
    for term, expected in (("001080012345", by_id), ("12345678", by_card), ("1234567", None)):
        response = admin_client.get(url(Member, "changelist"), {"q": term})
        found = list(response.context["cl"].result_list)
        assert found == ([expected] if expected else [])


def test_member_search_respects_the_list_filters(admin_client, member):
    response = admin_client.get(
        url(Member, "changelist"), {"q": "nguyen", "status__exact": Status.DECEASED}
    )
    assert list(response.context["cl"].result_list) == []


def test_autocomplete_finds_members_without_diacritics(admin_client, member, other_member):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "cell", "field_name": "leader", "term": "hong"},
    )
    assert [row["id"] for row in response.json()["results"]] == [str(member.pk)]


def test_ledger_search_by_member_name(admin_client, member, other_member):
    response = admin_client.get(url(MemberEvent, "changelist"), {"q": "tran van"})
    assert [e.member for e in response.context["cl"].result_list] == [other_member]


# Changing a member -----------------------------------------------------------------------


def test_member_form_offers_exactly_the_details(admin_client, member):
    response = admin_client.get(url(Member, "change", member.pk))
    fields = set(response.context["adminform"].form.fields)
    assert fields == {*services.DETAIL_FIELDS, "change_reason"}
    assert "Reason for the change" in response.text


def test_change_without_a_reason_is_refused(admin_client, member):
    path = url(Member, "change", member.pk)
    data = form_data(admin_client.get(path)) | {"phone": "0912345678", "change_reason": ""}
    response = admin_client.post(path, data)
    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.phone == ""
    assert member.history.count() == 1


def test_change_with_a_reason_is_saved_with_reason_and_user(admin_client, admin_user, member):
    path = url(Member, "change", member.pk)
    data = form_data(admin_client.get(path)) | {
        "phone": "0912345678",
        "change_reason": "Typo in the phone number",
    }
    response = admin_client.post(path, data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone == "0912345678"
    latest = member.history.latest()
    assert latest.history_change_reason == "Typo in the phone number"
    assert latest.history_user == admin_user
    assert member.events.count() == 1  # a detail is not a movement


def test_status_cell_and_key_dates_cannot_be_posted(admin_client, member, other_cell):
    path = url(Member, "change", member.pk)
    before = Member.objects.get(pk=member.pk)
    data = form_data(admin_client.get(path)) | {
        "status": Status.DECEASED,
        "is_exempted": "on",
        "is_temporarily_out": "on",
        "cell": other_cell.pk,
        "chapter": ChapterFactory().pk,
        "ceremony_date": "01/02/2012",
        "official_date": "01/02/2013",
        "admission_decision_date": "01/01/2012",
        "confirmation_decision_date": "05/02/2013",
        "note": "Checked against the dossier",
        "change_reason": "Note added",
    }
    assert admin_client.post(path, data).status_code == 302
    member.refresh_from_db()
    assert member.note == "Checked against the dossier"
    for name in (
        "status",
        "is_exempted",
        "is_temporarily_out",
        "cell_id",
        "chapter_id",
        *services.KEY_DATE_FIELDS,
    ):
        assert getattr(member, name) == getattr(before, name), name


def test_the_services_checks_come_back_as_form_errors(admin_client, cell):
    probationary = register_member(cell=cell, status=Status.PROBATIONARY)
    path = url(Member, "change", probationary.pk)
    data = form_data(admin_client.get(path)) | {
        "card_number": "99887766",
        "change_reason": "Card number",
    }
    response = admin_client.post(path, data)
    assert response.status_code == 200
    assert "card_number" in response.context["adminform"].form.errors
    probationary.refresh_from_db()
    assert probationary.card_number == ""
    assert probationary.history.count() == 1


def test_a_duplicate_citizen_id_is_a_form_error(admin_client, member, other_member):
    services.member_update_details(
        member_id=other_member.pk, actor=None, changes={"citizen_id": "001080012345"}
    )
    path = url(Member, "change", member.pk)
    data = form_data(admin_client.get(path)) | {
        "citizen_id": "001080012345",
        "change_reason": "ID",
    }
    response = admin_client.post(path, data)
    assert response.status_code == 200
    assert "citizen_id" in response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.citizen_id == ""


def test_members_are_neither_added_nor_deleted_here(admin_client, member):
    assert admin_client.get(url(Member, "add")).status_code == 403
    assert admin_client.post(url(Member, "delete", member.pk), {"post": "yes"}).status_code == 403
    response = admin_client.get(url(Member, "changelist"))
    assert "delete_selected" not in response.context["action_form"].fields["action"].choices[0]
    assert "register page" in response.text
    assert Member.objects.filter(pk=member.pk).exists()


# The ledger ------------------------------------------------------------------------------


def test_the_ledger_is_read_only(admin_client, member):
    event = member.events.get()
    assert admin_client.get(url(MemberEvent, "add")).status_code == 403
    response = admin_client.get(url(MemberEvent, "change", event.pk))
    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}  # every field read-only
    change = admin_client.post(url(MemberEvent, "change", event.pk), {"note": "x"})
    assert change.status_code == 403
    delete = admin_client.post(url(MemberEvent, "delete", event.pk), {"post": "yes"})
    assert delete.status_code == 403
    event.refresh_from_db()
    assert event.note == ""


def test_the_ledger_filters_by_kind_date_and_chapter(admin_client, member, other_member):
    other_chapter_member = register_member()
    response = admin_client.get(
        url(MemberEvent, "changelist"),
        {"kind__exact": Kind.REGISTERED, "member__chapter__id__exact": member.chapter_id},
    )
    members = {event.member for event in response.context["cl"].result_list}
    assert members == {member, other_member}
    assert other_chapter_member not in members
    by_year = admin_client.get(url(MemberEvent, "changelist"), {"effective_date__year": 2018})
    assert by_year.status_code == 200


# Movement actions ------------------------------------------------------------------------


def run_action(client, action, members, **form):
    data = {"action": action, ACTION_CHECKBOX_NAME: [m.pk for m in members]}
    if form:
        data |= {"apply": "Apply", **form}
    return client.post(url(Member, "changelist"), data)


def test_an_action_first_asks_for_what_the_service_needs(admin_client, member):
    response = run_action(admin_client, "transfer_out", [member])
    assert response.status_code == 200
    assert set(response.context["form"].fields) == {
        "effective_date",
        "change_date",
        "to_organisation",
        "document_number",
        "document_date",
        "issuing_body",
        "note",
    }
    assert member.full_name in response.text
    assert response.text.count("<h1") == 1
    member.refresh_from_db()
    assert member.status == Status.OFFICIAL


def test_record_death(admin_client, admin_user, member):
    response = run_action(
        admin_client, "record_death", [member], effective_date="03/02/2024", note="Illness"
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == Status.DECEASED
    event = member.events.latest("id")
    assert (event.kind, event.effective_date, event.actor) == (
        Kind.DECEASED,
        datetime.date(2024, 2, 3),
        admin_user,
    )
    assert "1 member recorded as deceased." in message_texts(response)


def test_an_action_with_bad_input_shows_the_form_again(admin_client, member):
    response = run_action(admin_client, "record_death", [member], effective_date="31/02/2024")
    assert response.status_code == 200
    assert "effective_date" in response.context["form"].errors
    member.refresh_from_db()
    assert member.status == Status.OFFICIAL
    assert member.events.count() == 1


def test_transfer_out(admin_client, member):
    response = run_action(
        admin_client,
        "transfer_out",
        [member],
        effective_date="01/03/2024",
        to_organisation="Chi bộ Sở Y tế",
        document_number="12-GGT/ĐUK",
        document_date="25/02/2024",
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == Status.TRANSFERRED_OUT
    event = member.events.latest("id")
    assert (event.counterpart, event.document_number, event.document_date) == (
        "Chi bộ Sở Y tế",
        "12-GGT/ĐUK",
        datetime.date(2024, 2, 25),
    )
    assert event.document_kind == MemberEvent.DocumentKind.TRANSFER_LETTER


def test_confirm_official(admin_client, cell):
    probationary = register_member(cell=cell, status=Status.PROBATIONARY)
    response = run_action(
        admin_client,
        "confirm_official",
        [probationary],
        document_number="45-QĐ/ĐUK",
        document_date="02/05/2019",
        issuing_body="Đảng ủy Khối",
    )
    assert response.status_code == 302
    probationary.refresh_from_db()
    assert probationary.status == Status.OFFICIAL
    assert probationary.confirmation_decision_number == "45-QĐ/ĐUK"
    assert probationary.events.latest("id").kind == Kind.CONFIRMED
    assert "1 member confirmed as official." in message_texts(response)


def test_confirm_before_probation_ends_is_refused(admin_client, cell):
    probationary = register_member(cell=cell, status=Status.PROBATIONARY)
    response = run_action(
        admin_client,
        "confirm_official",
        [probationary],
        document_number="45-QĐ/ĐUK",
        document_date="01/01/2019",  # probation ends on 14/04/2019
        issuing_body="Đảng ủy Khối",
    )
    assert response.status_code == 302
    texts = message_texts(response)
    assert any(
        text.startswith(f"{probationary.full_name}: ") and "14/04/2019" in text for text in texts
    )
    assert "No member was changed." in texts
    probationary.refresh_from_db()
    assert probationary.status == Status.PROBATIONARY
    assert probationary.confirmation_decision_number == ""
    assert probationary.events.count() == 1
    assert probationary.history.count() == 1


def test_an_action_reports_each_member(admin_client, member, other_member):
    services.member_exempt(
        member_id=member.pk,
        actor=None,
        effective_date=datetime.date(2020, 1, 1),
        reason="Age and health",
    )
    response = run_action(
        admin_client, "end_exemption", [member, other_member], effective_date="01/06/2024"
    )
    assert response.status_code == 302
    member.refresh_from_db()
    other_member.refresh_from_db()
    assert not member.is_exempted
    assert member.events.latest("id").kind == Kind.EXEMPTION_ENDED
    assert other_member.events.count() == 1
    texts = message_texts(response)
    assert "Exemption ended for 1 member." in texts
    assert f"{other_member.full_name}: The member is not exempted." in texts


# Organisation ----------------------------------------------------------------------------


def test_cell_leader_must_be_on_the_chapters_roll(admin_client, cell):
    stranger = register_member()  # another chapter
    path = url(Cell, "change", cell.pk)
    data = form_data(admin_client.get(path)) | {
        "leader": stranger.pk,
        "change_reason": "New leader",
    }
    response = admin_client.post(path, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "leader" in form.errors
    assert type(form.fields["leader"].widget.widget).__name__ == "AutocompleteSelect"
    cell.refresh_from_db()
    assert cell.leader is None


def test_cell_change_keeps_the_reason(admin_client, admin_user, cell, member):
    path = url(Cell, "change", cell.pk)
    data = form_data(admin_client.get(path)) | {
        "leader": member.pk,
        "change_reason": "Elected on 01/01/2024",
    }
    assert admin_client.post(path, data).status_code == 302
    cell.refresh_from_db()
    assert cell.leader == member
    latest = cell.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (
        "Elected on 01/01/2024",
        admin_user,
    )


def test_chapter_change_without_reason_is_refused(admin_client, chapter):
    path = url(Chapter, "change", chapter.pk)
    data = form_data(admin_client.get(path)) | {"name": "Renamed", "change_reason": ""}
    response = admin_client.post(path, data)
    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    chapter.refresh_from_db()
    assert chapter.name != "Renamed"


def test_adding_needs_no_reason(admin_client, admin_user):
    response = admin_client.post(
        url(Committee, "add"),
        {"name": "Đảng ủy Khối mới", "short_code": "ĐUK", "kind": "SUPERIOR", "parent": ""},
    )
    assert response.status_code == 302
    committee = Committee.objects.get(name="Đảng ủy Khối mới")
    assert committee.history.get().history_user == admin_user


def test_role_assigned_through_the_service(admin_client, cell, member):
    user = UserFactory(username="totruong9")
    data = {
        "user": user.pk,
        "role": RoleAssignment.Role.CELL_LEADER,
        "cell": cell.pk,
        "member": member.pk,
        "start_date": "01/01/2024",
    }
    assert admin_client.post(url(RoleAssignment, "add"), data).status_code == 302
    assert RoleAssignment.objects.filter(user=user, cell=cell).count() == 1
    cell.refresh_from_db()
    assert cell.leader == member  # role_assign keeps the cell's leader in step
    again = admin_client.post(url(RoleAssignment, "add"), data)
    assert again.status_code == 200
    assert again.context["adminform"].form.non_field_errors()
    assert RoleAssignment.objects.filter(user=user, cell=cell).count() == 1


@pytest.mark.parametrize("model", [Chapter, Committee])
def test_a_referenced_chapter_or_committee_is_protected(admin_client, member, model):
    obj = member.chapter if model is Chapter else member.chapter.committee
    page = admin_client.get(url(model, "delete", obj.pk))
    assert page.status_code == 200
    assert page.context["protected"]
    response = admin_client.post(url(model, "delete", obj.pk), {"post": "yes"})
    assert response.status_code == 200
    assert model.objects.filter(pk=obj.pk).exists()


def test_an_unused_chapter_can_be_deleted(admin_client):
    chapter = ChapterFactory()
    CellFactory(chapter=chapter)
    cell_free = ChapterFactory()
    response = admin_client.post(url(Chapter, "delete", cell_free.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Chapter.objects.filter(pk=cell_free.pk).exists()
    assert Chapter.objects.filter(pk=chapter.pk).exists()
