"""The admin for staff who are not superusers: scoped by access.py, no way to widen one's reach.

A world of two committees, one chapter each. ``deputy`` is the deputy secretary of chapter "here",
a staff member holding every model permission (auth's included), so only the scoping stands
between them and the other committee. Everything of the other committee carries the marker
"Ngoài Phạm Vi", which must never appear in a body the deputy gets.
"""

import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from admissions.models import Candidate, CandidateEvent
from chapter.models import CalendarOverride, RuleValue
from members.models import Cell, Chapter, Committee, Member, MemberEvent, Position, RoleAssignment
from tests.admissions.factories import PipelineStory
from tests.members.factories import (
    FOUNDED,
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
    register_member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2019-12-01")]

Role = RoleAssignment.Role
MARKER = "Ngoài Phạm Vi"


def admin_url(model, view, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def body(response) -> str:
    return response.content.decode()


def staff_with_every_permission(username: str):
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    return get_user_model().objects.get(pk=user.pk)  # no cached permissions


@pytest.fixture
def here(db):
    chapter = ChapterFactory(name="Chi bộ Ở Đây", committee=CommitteeFactory(name="Đảng ủy Ở Đây"))
    cell = CellFactory(chapter=chapter, name="Tổ Ở Đây")
    member = register_member(cell=cell, full_name="Nguyễn Văn Ởđây")
    return chapter, cell, member


@pytest.fixture
def elsewhere(db):
    """The other committee's chapter, cell, member (with a position), a candidate and a role."""
    committee = CommitteeFactory(name=f"Đảng ủy {MARKER}")
    chapter = ChapterFactory(name=f"Chi bộ {MARKER}", committee=committee)
    cell = CellFactory(chapter=chapter, name=f"Tổ {MARKER}")
    member = register_member(cell=cell, full_name=f"Trần Thị {MARKER}", citizen_id="001190000001")
    Position.objects.create(
        member=member, organisation="TRADE_UNION", title=f"Chủ tịch {MARKER}", start_date=FOUNDED
    )
    candidate = PipelineStory.build(officials=1, chapter=chapter).candidate_at(
        Candidate.Stage.POOL, full_name=f"Lê Văn {MARKER}"
    )
    role = give_role(UserFactory(username="bithu_ngoai"), Role.SECRETARY, chapter=chapter)
    return {
        Committee: committee,
        Chapter: chapter,
        Cell: cell,
        Member: member,
        MemberEvent: member.events.get(),
        Position: member.positions.get(),
        Candidate: candidate,
        CandidateEvent: candidate.events.first(),
        RoleAssignment: role,
    }


@pytest.fixture
def deputy(here):
    user = staff_with_every_permission("phobithu")
    give_role(user, Role.DEPUTY_SECRETARY, chapter=here[0])
    return user


@pytest.fixture
def deputy_client(client, deputy):
    client.force_login(deputy)
    return client


# Out of scope: not listed, not shown, no history, not deletable, not offered ------------------

SCOPED_MODELS = [
    Committee,
    Chapter,
    Cell,
    Member,
    MemberEvent,
    Position,
    Candidate,
    CandidateEvent,
    RoleAssignment,
]


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_changelist_hides_the_other_committee(deputy_client, here, elsewhere, model):
    response = deputy_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert MARKER not in body(response)


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_out_of_scope_object_pages_show_nothing_of_it(deputy_client, here, elsewhere, model, view):
    response = deputy_client.get(admin_url(model, view, elsewhere[model].pk), follow=True)
    # Django's "does not exist" redirect, or 404; 403 where nobody but a superuser deletes
    # rows of this model, whichever row is asked for.
    assert response.status_code in ((200, 404, 403) if view == "delete" else (200, 404))
    assert MARKER not in body(response)
    assert "001190000001" not in body(response)
    if response.status_code == 200:  # sent back to the index with "does not exist"
        assert response.redirect_chain[-1][0] == reverse("admin:index")


@pytest.mark.parametrize(
    "model", [Committee, Chapter, Cell, Member, Candidate, RoleAssignment], ids=lambda m: m.__name__
)
def test_simple_history_version_of_an_out_of_scope_object_is_not_found(
    deputy_client, elsewhere, model
):
    obj = elsewhere[model]
    version = obj.history.latest("history_date")
    response = deputy_client.get(admin_url(model, "simple_history", obj.pk, version.history_id))
    assert response.status_code == 404
    assert MARKER not in body(response)


def test_history_of_a_deleted_object_is_not_shown_either(deputy_client, deputy):
    gone = ChapterFactory(name=f"Chi bộ {MARKER}")
    gone_pk = gone.pk
    gone.delete()
    response = deputy_client.get(admin_url(Chapter, "history", gone_pk))
    assert response.status_code == 404
    assert MARKER not in body(response)


def test_view_on_site_redirects_only_for_the_scope(deputy_client, here, elsewhere):
    member_type = ContentType.objects.get_for_model(Member)
    outside = elsewhere[Member]
    response = deputy_client.get(reverse("admin:view_on_site", args=[member_type.pk, outside.pk]))
    assert response.status_code == 404
    assert str(outside.public_id) not in body(response)
    own = here[2]
    response = deputy_client.get(reverse("admin:view_on_site", args=[member_type.pk, own.pk]))
    assert response.status_code == 302
    assert response.url.endswith(own.get_absolute_url())


def test_the_superuser_still_sees_everything(client, admin_user, here, elsewhere):
    client.force_login(admin_user)
    member = elsewhere[Member]
    assert MARKER in body(client.get(admin_url(Member, "changelist")))
    assert MARKER in body(client.get(admin_url(Member, "change", member.pk)))
    assert MARKER in body(client.get(admin_url(Member, "history", member.pk)))


@pytest.mark.parametrize(
    "model", [Chapter, Cell, Member, MemberEvent, Candidate, Position], ids=lambda m: m.__name__
)
def test_filter_sidebars_offer_only_the_scope(deputy_client, here, elsewhere, model):
    response = deputy_client.get(admin_url(model, "changelist"))
    for spec in response.context["cl"].filter_specs:
        for choice in spec.choices(response.context["cl"]):
            assert MARKER not in str(choice["display"])
    assert MARKER not in body(response)


def test_member_filter_sidebar_lists_the_own_chapter(deputy_client, here, elsewhere):
    response = deputy_client.get(admin_url(Member, "changelist"))
    assert here[0].name in body(response)


def autocomplete(client, app_label, model_name, field_name, term=""):
    url = reverse("admin:autocomplete")
    return client.get(
        url,
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name"),
    [
        ("members", "position", "member"),
        ("members", "cell", "chapter"),
        ("members", "cell", "leader"),
        ("members", "chapter", "committee"),
        ("admissions", "candidate", "cell"),
        ("admissions", "candidate", "helper"),
    ],
)
def test_autocomplete_offers_only_the_scope(
    deputy_client, here, elsewhere, app_label, model_name, field_name
):
    response = autocomplete(deputy_client, app_label, model_name, field_name)
    assert response.status_code == 200
    texts = [row["text"] for row in json.loads(response.content)["results"]]
    assert not [text for text in texts if MARKER in text]
    # The search goes through the same scope: the marker's name finds nothing.
    found = autocomplete(deputy_client, app_label, model_name, field_name, term="Pham Vi")
    assert MARKER not in body(found)


def test_autocomplete_of_the_own_member_still_works(deputy_client, here, elsewhere):
    response = autocomplete(deputy_client, "members", "position", "member", term="Nguyen Van")
    texts = [row["text"] for row in json.loads(response.content)["results"]]
    assert texts == [here[2].full_name]


@pytest.mark.parametrize(
    ("model_name", "field_name"), [("roleassignment", "user"), ("roleassignment", "committee")]
)
def test_autocomplete_of_accounts_and_committees_is_refused(
    deputy_client, here, elsewhere, model_name, field_name
):
    response = autocomplete(deputy_client, "members", model_name, field_name)
    assert response.status_code in (403, 200)
    assert MARKER not in body(response)
    assert "bithu_ngoai" not in body(response)


# Nobody widens their own reach ---------------------------------------------------------------


def role_form(chapter_or_committee: dict) -> dict:
    return {
        "role": Role.COMMITTEE_OFFICER,
        "start_date": "01/12/2019",
        "change_reason": "Tự phân quyền",
        **chapter_or_committee,
    }


def test_a_staff_deputy_cannot_give_themselves_a_role(deputy_client, deputy, elsewhere):
    response = deputy_client.get(admin_url(RoleAssignment, "add"))
    assert response.status_code == 403
    data = role_form({"user": deputy.pk, "committee": elsewhere[Committee].pk})
    response = deputy_client.post(admin_url(RoleAssignment, "add"), data)
    assert response.status_code == 403
    assert list(deputy.role_assignments.values_list("role", flat=True)) == [Role.DEPUTY_SECRETARY]


def test_a_staff_deputy_cannot_change_a_role_assignment(deputy_client, deputy, here):
    own = deputy.role_assignments.get()
    response = deputy_client.get(admin_url(RoleAssignment, "change", own.pk))
    assert response.status_code == 200
    assert 'name="_save"' not in body(response)  # read-only
    data = {
        "user": deputy.pk,
        "role": Role.SECRETARY,
        "chapter": here[0].pk,
        "start_date": "14/05/2018",
        "change_reason": "Tự thăng chức",
    }
    response = deputy_client.post(admin_url(RoleAssignment, "change", own.pk), data)
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.role == Role.DEPUTY_SECRETARY
    assert deputy_client.post(admin_url(RoleAssignment, "delete", own.pk)).status_code == 403
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_a_staff_deputy_cannot_touch_accounts_or_login_records(deputy_client, deputy):
    user_model = get_user_model()
    for url in (
        admin_url(user_model, "changelist"),
        admin_url(user_model, "change", deputy.pk),
        admin_url(user_model, "add"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:axes_accesslog_changelist"),
        reverse("admin:axes_accessfailurelog_changelist"),
    ):
        assert deputy_client.get(url).status_code == 403, url
    response = deputy_client.post(
        admin_url(user_model, "change", deputy.pk),
        {"username": deputy.username, "is_superuser": "on", "is_staff": "on"},
    )
    assert response.status_code == 403
    deputy.refresh_from_db()
    assert not deputy.is_superuser
    index = body(deputy_client.get(reverse("admin:index")))
    for hidden in ("auth/user/", "auth/group/", "axes/"):
        assert hidden not in index


@pytest.mark.parametrize(
    "model", [Committee, RuleValue, CalendarOverride], ids=lambda m: m.__name__
)
def test_rule_values_committees_and_the_calendar_are_read_only(deputy_client, here, model):
    assert deputy_client.get(admin_url(model, "add")).status_code == 403
    response = deputy_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


def test_a_staff_deputy_cannot_move_their_chapter_to_another_committee(
    deputy_client, here, elsewhere
):
    chapter = here[0]
    data = {
        "name": chapter.name,
        "committee": elsewhere[Committee].pk,
        "kind": chapter.kind,
        "founded_on": "14/05/2018",
        "change_reason": "Chuyển sang cấp ủy khác",
    }
    response = deputy_client.post(admin_url(Chapter, "change", chapter.pk), data)
    chapter.refresh_from_db()
    assert chapter.committee != elsewhere[Committee]
    assert response.status_code in (200, 302)


def test_related_choices_are_limited_to_the_managed_chapters(deputy_client, here, elsewhere):
    """A position cannot be hung on the other committee's member by posting its key."""
    data = {
        "member": elsewhere[Member].pk,
        "organisation": "TRADE_UNION",
        "title": "Ủy viên",
        "start_date": "01/12/2019",
    }
    response = deputy_client.post(admin_url(Position, "add"), data)
    assert response.status_code == 200
    assert "member" in response.context["adminform"].form.errors
    assert not elsewhere[Member].positions.filter(title="Ủy viên").exists()


# Read-only where the user only reads ----------------------------------------------------------


@pytest.fixture
def officer_client(client, here):
    """An officer of "here"'s committee, staff with every permission: reads, never changes."""
    user = staff_with_every_permission("capuy")
    give_role(user, Role.COMMITTEE_OFFICER, committee=here[0].committee)
    client.force_login(user)
    return client


def test_a_committee_officer_reads_a_member_but_cannot_change_it(officer_client, here):
    member = here[2]
    url = admin_url(Member, "change", member.pk)
    response = officer_client.get(url)
    assert response.status_code == 200
    assert member.full_name in body(response)
    assert 'name="_save"' not in body(response)
    assert "change_reason" not in body(response)  # nothing to give a reason for
    response = officer_client.post(url, {"phone": "0900000000", "change_reason": "Sửa"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.phone != "0900000000"


def test_a_committee_officer_cannot_run_a_movement_action(officer_client, here):
    member = here[2]
    data = {
        "action": "record_death",
        ACTION_CHECKBOX_NAME: [member.pk],
        "apply": "1",
        "effective_date": "01/12/2019",
    }
    response = officer_client.post(admin_url(Member, "changelist"), data)
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.status == Member.Status.OFFICIAL


def test_an_action_on_an_out_of_scope_member_changes_nothing(deputy_client, here, elsewhere):
    outside = elsewhere[Member]
    data = {
        "action": "record_death",
        ACTION_CHECKBOX_NAME: [outside.pk],
        "apply": "1",
        "effective_date": "01/12/2019",
    }
    deputy_client.post(admin_url(Member, "changelist"), data)
    outside.refresh_from_db()
    assert outside.status == Member.Status.OFFICIAL


def test_no_bulk_delete_for_staff(deputy_client, here):
    response = deputy_client.get(admin_url(Cell, "changelist"))
    assert "delete_selected" not in body(response)


def test_a_cell_leader_staff_sees_only_their_cell(client, here, elsewhere):
    chapter, cell, member = here
    neighbour = register_member(cell=CellFactory(chapter=chapter), full_name="Phạm Thị Hàngxóm")
    user = staff_with_every_permission("totruong")
    give_role(user, Role.CELL_LEADER, cell=cell)
    client.force_login(user)
    listed = body(client.get(admin_url(Member, "changelist")))
    assert member.full_name in listed
    assert neighbour.full_name not in listed
    response = client.get(admin_url(Member, "history", neighbour.pk))
    assert response.status_code == 404


def test_staff_without_a_role_sees_no_rows(client, here, elsewhere):
    client.force_login(staff_with_every_permission("nhanvien"))
    for model in (Chapter, Cell, Member, Candidate, RoleAssignment, Committee):
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0, model.__name__
        assert MARKER not in body(response)
        assert here[2].full_name not in body(response)
