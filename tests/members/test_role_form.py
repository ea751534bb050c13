"""The role form (chapter page → assign a role) offers only the accounts tied to the chapter, or
makes a new account for a member on the chapter's roll; never the whole system's user list."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from members.models import Member, RoleAssignment
from tests.members.factories import CellFactory, ChapterFactory, UserFactory, give_role
from tests.members.factories import register_member as register

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2024-03-01")]

Role = RoleAssignment.Role
User = get_user_model()
STRONG = "Chi-bo-2024!ab"


def url(chapter) -> str:
    return reverse("members:role-create", args=[chapter.public_id])


def errors(response, field: str) -> list[str]:
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


@pytest.fixture
def accounts(chapter, cell, member, secretary):
    """Who is tied to ``chapter`` and who is not."""
    deputy = UserFactory(username="phobithu")
    give_role(deputy, Role.DEPUTY_SECRETARY, chapter=chapter)  # a current officer
    leader = UserFactory(username="totruong")
    give_role(leader, Role.CELL_LEADER, cell=cell)  # a current officer through a cell
    former = UserFactory(username="dangvien")  # a member's account, their role long ended
    RoleAssignment.objects.create(
        user=former,
        role=Role.CELL_LEADER,
        cell=cell,
        member=member,
        start_date="2018-06-01",
        end_date="2019-06-01",
    )
    past_officer = UserFactory(username="bithu_cu")  # an officer once, no member here
    RoleAssignment.objects.create(
        user=past_officer,
        role=Role.SECRETARY,
        chapter=chapter,
        start_date="2018-06-01",
        end_date="2019-06-01",
    )
    UserFactory(username="nguoila")  # tied to nothing
    elsewhere = ChapterFactory()
    give_role(UserFactory(username="bithu_khac"), Role.SECRETARY, chapter=elsewhere)
    stranger = register(elsewhere)
    give_role(
        UserFactory(username="dv_khac"), Role.CELL_LEADER, cell=CellFactory(), member=stranger
    )
    return {"secretary": secretary, "deputy": deputy, "leader": leader, "former": former}


def test_only_the_chapters_accounts_are_offered(client, chapter, accounts):
    client.force_login(accounts["secretary"])
    response = client.get(url(chapter))
    offered = [user.username for user in response.context["form"].fields["user"].queryset]
    assert offered == ["bithu", "dangvien", "phobithu", "totruong"]
    page = response.content.decode()
    for unrelated in ("nguoila", "bithu_khac", "dv_khac", "bithu_cu"):
        assert unrelated not in page


def test_an_account_outside_the_chapter_cannot_be_posted(client, chapter, accounts):
    outsider = User.objects.get(username="bithu_khac")
    client.force_login(accounts["secretary"])
    data = {"role": Role.DEPUTY_SECRETARY, "user": outsider.pk, "start_date": "01/03/2024"}
    response = client.post(url(chapter), data)
    assert response.status_code == 200
    assert "invalid_choice" in errors(response, "user")
    assert not outsider.role_assignments.filter(chapter=chapter).exists()


def test_a_new_account_is_made_for_a_member(client, chapter, cell, member, secretary):
    client.force_login(secretary)
    data = {
        "role": Role.CELL_LEADER,
        "cell": cell.pk,
        "new_username": "nguyenthihong",
        "new_password": STRONG,
        "member": member.pk,
        "start_date": "01/03/2024",
    }
    response = client.post(url(chapter), data)
    assert response.status_code == 302
    user = User.objects.get(username="nguyenthihong")
    assert user.check_password(STRONG)
    assert user.get_full_name() == member.full_name
    assert not (user.is_staff or user.is_superuser)
    assignment = user.role_assignments.get()
    assert (assignment.role, assignment.cell, assignment.member) == (Role.CELL_LEADER, cell, member)
    # From now on the account is one of the chapter's.
    offered = client.get(url(chapter)).context["form"].fields["user"].queryset
    assert user in offered


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"new_username": ""}, "user", "required"),  # neither an account nor a new one
        ({"member": ""}, "member", "required"),  # a new account is a member's
        ({"new_password": ""}, "new_password", "required"),
        ({"new_password": "123"}, "new_password", "password_too_short"),
        ({"new_username": "bithu"}, "new_username", "taken"),
        ({"new_username": "BITHU"}, "new_username", "taken"),
        ({"new_username": "có dấu cách"}, "new_username", "invalid"),
    ],
)
def test_a_bad_new_account_is_refused_and_nothing_is_made(
    client, chapter, member, secretary, changes, field, code
):
    client.force_login(secretary)
    data = {
        "role": Role.DEPUTY_SECRETARY,
        "new_username": "nguyenthihong",
        "new_password": STRONG,
        "member": member.pk,
        "start_date": "01/03/2024",
        **changes,
    }
    before = User.objects.count(), RoleAssignment.objects.count()
    response = client.post(url(chapter), data)
    assert response.status_code == 200
    assert code in errors(response, field)
    assert (User.objects.count(), RoleAssignment.objects.count()) == before


def test_an_account_and_a_new_one_together_are_refused(client, chapter, member, secretary):
    client.force_login(secretary)
    data = {
        "role": Role.DEPUTY_SECRETARY,
        "user": secretary.pk,
        "new_username": "nguyenthihong",
        "new_password": STRONG,
        "member": member.pk,
        "start_date": "01/03/2024",
    }
    response = client.post(url(chapter), data)
    assert "both" in errors(response, "new_username")
    assert not User.objects.filter(username="nguyenthihong").exists()


def test_a_refused_role_leaves_no_new_account(client, chapter, member, secretary):
    """The cell leader role without a cell is refused by the form; a role the service refuses
    (here a duplicate is impossible for a new account, so a member of another chapter) too."""
    other = register(ChapterFactory())
    client.force_login(secretary)
    data = {
        "role": Role.SECRETARY,
        "new_username": "nguoimoi",
        "new_password": STRONG,
        "member": other.pk,
        "start_date": "01/03/2024",
    }
    response = client.post(url(chapter), data)
    assert response.status_code == 200
    assert "invalid_choice" in errors(response, "member")
    assert not User.objects.filter(username="nguoimoi").exists()


def test_the_messages_are_in_vietnamese(client, chapter, member, secretary):
    client.force_login(secretary)
    data = {"role": Role.SECRETARY, "start_date": "01/03/2024", "member": member.pk}
    response = client.post(url(chapter), data)
    assert "Chọn một tài khoản hoặc tạo tài khoản mới." in response.content.decode()
    assert Member.objects.count() == 1
