"""The chapter page, its cells and its roles."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from members import services
from members.models import Cell, Member, RoleAssignment
from tests.members.factories import CellFactory, UserFactory, give_role, register_member

pytestmark = pytest.mark.django_db

Role = RoleAssignment.Role
Status = Member.Status


@pytest.fixture(autouse=True)
def english(client):
    """New strings have no Vietnamese yet: read the pages in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def as_user(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    return client


def error_codes(response, field):
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


def chapter_url(chapter):
    return reverse("members:chapter-detail", args=[chapter.public_id])


# Chapter page -----------------------------------------------------------------------------

MANAGEMENT = ("members:cell-create", "members:role-create")


@pytest.mark.parametrize(
    ("who", "expected", "manages"),
    [
        ("anonymous", 302, False),
        ("outsider", 404, False),
        ("cell_leader", 200, False),
        ("committee_officer", 200, False),
        ("secretary", 200, True),
        ("admin_user", 200, True),
    ],
)
def test_chapter_page_access(client, request, chapter, member, who, expected, manages):
    response = as_user(client, request, who).get(chapter_url(chapter))
    assert response.status_code == expected
    if who == "anonymous":
        assert response.url.startswith("/accounts/login/")
    if expected == 200:
        assert response.text.count("<h1") == 1
        assert chapter.name in response.text
        for name in MANAGEMENT:
            assert (reverse(name, args=[chapter.public_id]) in response.text) is manages
        assert (reverse("members:transfer-in") in response.text) is manages


def test_chapter_page_counts(client, secretary, chapter, cell, other_cell, member, other_member):
    register_member(cell=cell, status=Status.PROBATIONARY)
    register_member(chapter=chapter, status=Status.PROBATIONARY)  # in no cell
    register_member(chapter=chapter)  # official, in no cell
    gone = register_member(cell=other_cell)
    services.member_transfer_out(
        member_id=gone.pk,
        actor=None,
        effective_date=datetime.date(2022, 1, 1),
        to_organisation="Chi bộ Sở Y tế",
        letter=services.Document(number="1-GGT", date=datetime.date(2021, 12, 28)),
    )
    services.member_exempt(
        member_id=member.pk, actor=None, effective_date=datetime.date(2022, 1, 1), reason="Ốm"
    )
    register_member()  # another chapter
    client.force_login(secretary)

    response = client.get(chapter_url(chapter))

    counts = response.context["counts"]
    assert counts["official"] == 3
    assert counts["probationary"] == 2
    assert counts["on_roll"] == 5
    assert counts["no_cell"] == 2
    assert counts["exempted"] == 1
    assert counts["temporarily_out"] == 0
    by_cell = {c.name: (c.official, c.probationary) for c in response.context["cells"]}
    assert by_cell == {"Tổ 1": (1, 1), "Tổ 2": (1, 0)}
    assert f'href="/members/?cell={cell.pk}"' in response.text
    assert f'href="/members/?cell={other_cell.pk}"' in response.text


def test_chapter_page_shows_leaders_and_current_roles(client, committee_officer, chapter, cell):
    leader = register_member(cell=cell, full_name="Hoàng Văn Tổ Trưởng")
    services.cell_save(chapter=chapter, cell=cell, name=cell.name, actor=None, leader=leader)
    user = UserFactory(username="pbt", first_name="Ngọc", last_name="Vũ")
    give_role(user, Role.DEPUTY_SECRETARY, chapter=chapter)
    ended = UserFactory(username="cu")
    RoleAssignment.objects.create(
        user=ended,
        role=Role.SECRETARY,
        chapter=chapter,
        start_date=datetime.date(2018, 5, 14),
        end_date=datetime.date(2020, 1, 1),
    )
    client.force_login(committee_officer)

    response = client.get(chapter_url(chapter))

    roles = response.context["roles"]
    assert [r.user.username for r in roles] == ["pbt"]
    assert "Hoàng Văn Tổ Trưởng" in response.text
    assert "14/05/2018" in response.text
    assert reverse("members:role-end", args=[roles[0].pk]) not in response.text


def _populate(chapter, size):
    """``size`` members in ``size // 3`` cells, each cell with a leader and a leader's role."""
    cells = [CellFactory(chapter=chapter) for _ in range(size // 3)]
    for i in range(size):
        status = Status.PROBATIONARY if i % 4 == 0 else Status.OFFICIAL
        cell = cells[i % len(cells)]
        person = register_member(chapter=chapter, cell=cell, status=status)
        if cell.leader_id is None:
            services.cell_save(
                chapter=chapter, cell=cell, name=cell.name, actor=None, leader=person
            )
            give_role(UserFactory(), Role.CELL_LEADER, cell=cell)


@pytest.mark.parametrize("size", [3, 30])
def test_chapter_page_runs_a_fixed_number_of_queries(
    client, secretary, chapter, size, django_assert_num_queries
):
    _populate(chapter, size)
    client.force_login(secretary)
    # session, user, roles of the user, chapter, counts, cells, chapter roles, "manages?"
    with django_assert_num_queries(8):
        response = client.get(chapter_url(chapter))
    assert response.status_code == 200
    assert response.context["counts"]["on_roll"] == size


# Cells ------------------------------------------------------------------------------------


def cell_create_url(chapter):
    return reverse("members:cell-create", args=[chapter.public_id])


def cell_edit_url(cell):
    return reverse("members:cell-edit", args=[cell.public_id])


MANAGER_MATRIX = [
    ("anonymous", 302),
    ("outsider", 404),
    ("cell_leader", 403),
    ("committee_officer", 403),
    ("secretary", 200),
    ("admin_user", 200),
]


@pytest.mark.parametrize(("who", "expected"), MANAGER_MATRIX)
def test_cell_pages_access(client, request, chapter, cell, who, expected):
    client = as_user(client, request, who)
    for url in (cell_create_url(chapter), cell_edit_url(cell)):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 200:
            assert response.text.count("<h1") == 1


@pytest.mark.parametrize("who", ["cell_leader", "committee_officer"])
def test_read_only_roles_cannot_post_a_cell(client, request, chapter, cell, who):
    as_user(client, request, who)
    assert client.post(cell_create_url(chapter), {"name": "Tổ 9"}).status_code == 403
    assert client.post(cell_edit_url(cell), {"name": "Tổ 9"}).status_code == 403
    assert not Cell.objects.filter(name="Tổ 9").exists()


def test_create_a_cell(client, secretary, chapter, member, other_member):
    client.force_login(secretary)
    data = {"name": "Tổ 3", "leader": member.pk, "deputy_leader": other_member.pk}
    response = client.post(cell_create_url(chapter), data)
    assert response.status_code == 302
    assert response.url == chapter_url(chapter)
    created = Cell.objects.get(chapter=chapter, name="Tổ 3")
    assert (created.leader, created.deputy_leader) == (member, other_member)


def test_edit_a_cell(client, secretary, chapter, cell, member):
    client.force_login(secretary)
    form = client.get(cell_edit_url(cell)).context["form"]
    assert form["name"].value() == "Tổ 1"
    response = client.post(cell_edit_url(cell), {"name": "Tổ Văn phòng", "leader": member.pk})
    assert response.status_code == 302
    cell.refresh_from_db()
    assert (cell.name, cell.leader) == ("Tổ Văn phòng", member)


def test_duplicate_cell_name_is_refused(client, secretary, chapter, cell):
    client.force_login(secretary)
    response = client.post(cell_create_url(chapter), {"name": "tổ 1"})
    assert response.status_code == 200
    assert "duplicate" in error_codes(response, "name")
    assert Cell.objects.filter(chapter=chapter).count() == 1


def test_leader_from_another_chapter_is_refused(client, secretary, chapter, cell):
    stranger = register_member()
    client.force_login(secretary)
    response = client.post(cell_edit_url(cell), {"name": "Tổ 1", "leader": stranger.pk})
    assert response.status_code == 200
    assert "invalid_choice" in error_codes(response, "leader")
    cell.refresh_from_db()
    assert cell.leader is None


def test_same_person_as_leader_and_deputy_is_refused(client, secretary, cell, member):
    client.force_login(secretary)
    data = {"name": "Tổ 1", "leader": member.pk, "deputy_leader": member.pk}
    response = client.post(cell_edit_url(cell), data)
    assert "same_person" in error_codes(response, "deputy_leader")


# Roles ------------------------------------------------------------------------------------


def role_create_url(chapter):
    return reverse("members:role-create", args=[chapter.public_id])


def role_end_url(assignment):
    return reverse("members:role-end", args=[assignment.pk])


@pytest.mark.parametrize(("who", "expected"), MANAGER_MATRIX)
def test_role_pages_access(client, request, chapter, cell_leader, who, expected):
    assignment = cell_leader.role_assignments.get()
    client = as_user(client, request, who)
    for url in (role_create_url(chapter), role_end_url(assignment)):
        response = client.get(url)
        assert response.status_code == expected, url
    assignment.refresh_from_db()
    assert assignment.end_date is None


@pytest.mark.parametrize("who", ["cell_leader", "committee_officer"])
def test_read_only_roles_cannot_post_roles(client, request, chapter, cell_leader, who):
    assignment = cell_leader.role_assignments.get()
    as_user(client, request, who)
    response = client.post(role_end_url(assignment), {"end_date": "01/03/2024"})
    assert response.status_code == 403
    user = UserFactory()
    data = {"role": Role.SECRETARY, "user": user.pk, "start_date": "01/03/2024"}
    assert client.post(role_create_url(chapter), data).status_code == 403
    assignment.refresh_from_db()
    assert assignment.end_date is None
    assert not user.role_assignments.exists()


def test_committee_officer_roles_are_not_ended_here(client, secretary, committee_officer):
    client.force_login(secretary)
    assignment = committee_officer.role_assignments.get()
    assert client.get(role_end_url(assignment)).status_code == 404


def test_role_form_offers_chapter_accounts_and_members(client, secretary, chapter, member):
    UserFactory(username="nguoidung", first_name="An", last_name="Nguyễn")  # tied to nothing
    register_member()  # another chapter's member is not offered
    client.force_login(secretary)
    form = client.get(role_create_url(chapter)).context["form"]
    assert [r for r, _label in form.fields["role"].choices] == [
        Role.SECRETARY,
        Role.DEPUTY_SECRETARY,
        Role.CELL_LEADER,
    ]
    assert list(form.fields["user"].queryset) == [secretary]  # tests/members/test_role_form.py
    assert list(form.fields["member"].queryset) == [member]


def test_assign_a_deputy_secretary(client, secretary, chapter, member, cell):
    user = UserFactory(username="phobithu")
    give_role(user, Role.CELL_LEADER, cell=cell, member=member)  # an officer of the chapter
    client.force_login(secretary)
    data = {
        "role": Role.DEPUTY_SECRETARY,
        "user": user.pk,
        "member": member.pk,
        "start_date": "01/03/2024",
    }
    response = client.post(role_create_url(chapter), data)
    assert response.status_code == 302
    assert response.url == chapter_url(chapter)
    assignment = user.role_assignments.get(role=Role.DEPUTY_SECRETARY)
    assert (assignment.role, assignment.chapter, assignment.cell) == (
        Role.DEPUTY_SECRETARY,
        chapter,
        None,
    )
    assert assignment.member == member
    assert assignment.start_date == datetime.date(2024, 3, 1)


def test_assign_a_cell_leader(client, secretary, chapter, other_cell, other_member):
    user = UserFactory(username="totruong")
    give_role(user, Role.DEPUTY_SECRETARY, chapter=other_cell.chapter)  # an officer of the chapter
    client.force_login(secretary)
    data = {
        "role": Role.CELL_LEADER,
        "cell": other_cell.pk,
        "user": user.pk,
        "member": other_member.pk,
        "start_date": "01/03/2024",
    }
    assert client.post(role_create_url(chapter), data).status_code == 302
    assignment = user.role_assignments.get(role=Role.CELL_LEADER)
    assert (assignment.cell, assignment.chapter) == (other_cell, None)
    other_cell.refresh_from_db()
    assert other_cell.leader == other_member


def test_cell_leader_role_needs_a_cell_of_this_chapter(client, secretary, chapter):
    user = UserFactory()
    client.force_login(secretary)
    data = {"role": Role.CELL_LEADER, "user": user.pk, "start_date": "01/03/2024"}
    response = client.post(role_create_url(chapter), data)
    assert response.status_code == 200
    assert error_codes(response, "cell")
    response = client.post(role_create_url(chapter), {**data, "cell": CellFactory().pk})
    assert "invalid_choice" in error_codes(response, "cell")
    assert not user.role_assignments.exists()


def test_the_same_role_twice_is_refused(client, secretary, chapter):
    client.force_login(secretary)
    data = {"role": Role.SECRETARY, "user": secretary.pk, "start_date": "01/03/2024"}
    response = client.post(role_create_url(chapter), data)
    assert response.status_code == 200
    assert "duplicate" in [e.code for e in response.context["form"].non_field_errors().as_data()]
    assert secretary.role_assignments.count() == 1


def test_end_a_role(client, secretary, cell_leader):
    assignment = cell_leader.role_assignments.get()
    client.force_login(secretary)
    response = client.get(role_end_url(assignment))
    assert response.status_code == 200
    assert "end_date" in response.context["form"].fields
    assert cell_leader.username in response.text

    response = client.post(role_end_url(assignment), {"end_date": "01/03/2024"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.end_date == datetime.date(2024, 3, 1)


def test_a_role_cannot_end_before_it_began(client, secretary, cell_leader):
    assignment = cell_leader.role_assignments.get()  # from 14/05/2018
    client.force_login(secretary)
    response = client.post(role_end_url(assignment), {"end_date": "01/01/2018"})
    assert response.status_code == 200
    assert "dates_order" in error_codes(response, "end_date")
    assignment.refresh_from_db()
    assert assignment.end_date is None
