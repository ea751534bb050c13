"""The committee tree of any depth (issue 14): a committee officer reads the whole subtree of
their committees and nothing beside it; moving a committee in the admin moves its reach; the
migration computes the paths from the old parent links.

The tree:  Tỉnh ủy ─┬─ Đảng ủy xã A ─── Đảng ủy cơ sở A1 ─── Đảng bộ bộ phận A1a ── chapter "deep"
                    │        └── chapter "commune"
                    └─ Đảng ủy xã B ── chapter "sibling"
"""

import datetime
import importlib

import pytest
from django.urls import reverse

from members import access
from members.models import Committee, RoleAssignment
from tests.members.factories import (
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
    register_member,
)

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role
migration = importlib.import_module("members.migrations.0009_committee_tree")


@pytest.fixture
def tree():
    top = CommitteeFactory(name="Tỉnh ủy")
    commune_a = CommitteeFactory(name="Đảng ủy xã A", parent=top)
    commune_b = CommitteeFactory(name="Đảng ủy xã B", parent=top)
    grassroots = CommitteeFactory(name="Đảng ủy cơ sở A1", parent=commune_a)
    section = CommitteeFactory(name="Đảng bộ bộ phận A1a", parent=grassroots)
    chapters = {
        "deep": ChapterFactory(name="Chi bộ sâu", committee=section),
        "commune": ChapterFactory(name="Chi bộ thôn", committee=commune_a),
        "sibling": ChapterFactory(name="Chi bộ xã B", committee=commune_b),
    }
    committees = {
        "top": top,
        "commune_a": commune_a,
        "commune_b": commune_b,
        "grassroots": grassroots,
        "section": section,
    }
    return committees, chapters


def officer(committee, username):
    user = UserFactory(username=username)
    give_role(user, Role.COMMITTEE_OFFICER, committee=committee)
    return user


def names(queryset) -> set[str]:
    return {row.name for row in queryset}


def test_paths_and_depths(tree):
    committees, _chapters = tree
    assert committees["top"].path == "0001"
    assert committees["section"].depth == 4
    assert committees["section"].path.startswith(committees["commune_a"].path)
    assert [c.name for c in committees["top"].get_children().order_by("name")] == [
        "Đảng ủy xã A",
        "Đảng ủy xã B",
    ]
    assert committees["section"].get_parent() == committees["grassroots"]


def test_an_officer_at_the_top_reads_a_chapter_three_committees_down(tree):
    committees, chapters = tree
    user = officer(committees["top"], "tinhuy")
    assert names(access.chapters_visible_to(user)) == {c.name for c in chapters.values()}
    assert access.reach_of(user).oversees(committees["section"])
    member = register_member(chapters["deep"], full_name="Hoàng Văn Sâu")
    assert access.members_visible_to(user).filter(pk=member.pk).exists()
    assert len(names(access.committees_visible_to(user))) == 5


def test_an_officer_in_the_middle_does_not_read_the_sibling_subtree(tree):
    committees, chapters = tree
    user = officer(committees["commune_a"], "xaa")
    assert names(access.chapters_visible_to(user)) == {"Chi bộ sâu", "Chi bộ thôn"}
    reach = access.reach_of(user)
    assert reach.oversees(committees["section"])
    assert not reach.oversees(committees["commune_b"])
    assert not reach.oversees(committees["top"])  # never upwards
    assert names(access.committees_visible_to(user)) == {
        "Đảng ủy xã A",
        "Đảng ủy cơ sở A1",
        "Đảng bộ bộ phận A1a",
    }
    foreign = register_member(chapters["sibling"], full_name="Đỗ Thị Bên")
    assert not access.members_visible_to(user).filter(pk=foreign.pk).exists()


def test_an_officer_low_in_the_tree_reads_only_below(tree):
    committees, _chapters = tree
    user = officer(committees["section"], "bophan")
    assert names(access.chapters_visible_to(user)) == {"Chi bộ sâu"}
    assert names(access.committees_visible_to(user)) == {"Đảng bộ bộ phận A1a"}


def test_two_roles_one_inside_the_other_count_once(tree):
    committees, _chapters = tree
    user = officer(committees["commune_a"], "hai")
    give_role(user, Role.COMMITTEE_OFFICER, committee=committees["section"])
    give_role(user, Role.COMMITTEE_OFFICER, committee=committees["commune_b"])
    reach = access.reach_of(user)
    assert reach.committee_paths == tuple(
        sorted([committees["commune_a"].path, committees["commune_b"].path])
    )
    assert len(names(access.chapters_visible_to(user))) == 3


def test_reach_is_still_one_query(tree, django_assert_num_queries):
    committees, _chapters = tree
    user = officer(committees["top"], "motlan")
    with django_assert_num_queries(1):
        access.reach_of(user)


def test_an_ended_role_reads_nothing(tree):
    committees, _chapters = tree
    user = officer(committees["top"], "het")
    RoleAssignment.objects.filter(user=user).update(end_date=datetime.date(2019, 1, 1))
    assert not access.chapters_visible_to(user).exists()
    assert not access.committees_visible_to(user).exists()


# The admin moves a committee, and its reach with it ------------------------------------------


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


def change_url(committee) -> str:
    return reverse("admin:members_committee_change", args=[committee.pk])


def post_change(admin_client, committee, **changes):
    data = {
        "name": committee.name,
        "short_code": committee.short_code,
        "kind": committee.kind,
        "parent": "",
        "change_reason": "Sắp xếp lại tổ chức",
        **changes,
    }
    return admin_client.post(change_url(committee), data)


def test_moving_a_committee_in_the_admin_moves_its_reach(admin_client, tree):
    committees, _chapters = tree
    user_b = officer(committees["commune_b"], "xab")
    user_a = officer(committees["commune_a"], "xaa")
    response = post_change(
        admin_client, committees["grassroots"], parent=committees["commune_b"].pk
    )
    assert response.status_code == 302
    moved = Committee.objects.get(pk=committees["grassroots"].pk)
    assert moved.get_parent() == committees["commune_b"]
    assert Committee.objects.get(pk=committees["section"].pk).path.startswith(moved.path)
    assert names(access.chapters_visible_to(user_b)) == {"Chi bộ sâu", "Chi bộ xã B"}
    assert names(access.chapters_visible_to(user_a)) == {"Chi bộ thôn"}
    record = moved.history.first()
    assert record.history_change_reason == "Sắp xếp lại tổ chức"
    assert record.path == moved.path
    assert Committee.objects.get(pk=committees["commune_a"].pk).numchild == 0
    assert not any(Committee.objects.find_problems())


def test_a_committee_becomes_a_root_with_no_parent(admin_client, tree):
    committees, _chapters = tree
    assert post_change(admin_client, committees["commune_b"]).status_code == 302
    moved = Committee.objects.get(pk=committees["commune_b"].pk)
    assert moved.depth == 1
    assert not any(Committee.objects.find_problems())


def test_a_committee_cannot_move_under_its_own_descendant(admin_client, tree):
    committees, _chapters = tree
    response = post_change(admin_client, committees["commune_a"], parent=committees["section"].pk)
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert Committee.objects.get(pk=committees["commune_a"].pk).depth == 2


def test_adding_a_committee_under_a_parent(admin_client, tree):
    committees, _chapters = tree
    data = {"name": "Đảng ủy mới", "short_code": "ĐUM", "kind": "GRASSROOTS"}
    url = reverse("admin:members_committee_add")
    assert admin_client.post(url, {**data, "parent": committees["top"].pk}).status_code == 302
    added = Committee.objects.get(name="Đảng ủy mới")
    assert added.get_parent() == committees["top"]


def test_a_committee_with_committees_under_it_is_not_deleted(admin_client, tree):
    committees, _chapters = tree
    url = reverse("admin:members_committee_delete", args=[committees["commune_a"].pk])
    assert admin_client.get(url).status_code == 403


# The migration -------------------------------------------------------------------------------


def test_the_migration_orders_children_by_name_then_id():
    rows = [
        (1, "Tỉnh ủy", None),
        (2, "Xã B", 1),
        (3, "Xã A", 1),
        (4, "Cơ sở", 3),
        (5, "Khác", None),
        (6, "Xã A", 1),  # the same name: by id
    ]
    assert migration.paths_from_parents(rows) == {
        5: "0001",
        1: "0002",
        3: "00020001",
        6: "00020002",
        2: "00020003",
        4: "000200010001",
    }


def test_the_migration_breaks_a_loop_into_a_root():
    rows = [(1, "Gốc", None), (2, "Vòng A", 3), (3, "Vòng B", 2)]
    paths = migration.paths_from_parents(rows)
    assert paths[1] == "0001"
    assert sorted(paths.values()) == ["0001", "0002", "00020001"]


def test_the_step_is_treebeards():
    assert migration.step(1) == Committee._get_path(None, 1, 1)
    assert migration.step(36) == Committee._get_path(None, 1, 36) == "0010"


@pytest.mark.parametrize(
    ("holder", "decides"),
    [
        ("section", True),  # the chapter's own committee
        ("grassroots", True),  # the committee directly above it
        ("commune_a", False),  # further up: reads, does not decide
        ("top", False),
        ("commune_b", False),  # beside: neither
    ],
)
def test_decisions_belong_to_the_chapters_committee_or_the_one_directly_above(
    tree, holder, decides
):
    """Reading goes down the whole subtree; recording the committee's decisions (admission,
    confirmation, removal) does not: a Tỉnh ủy officer cannot decide for a chapter three
    committees down."""
    from admissions.access import can_run_step
    from tests.admissions.factories import PipelineStory

    committees, chapters = tree
    user = officer(committees[holder], f"uy-{holder}")
    reach = access.reach_of(user)
    assert reach.decides_for(committees["section"]) is decides
    candidate = PipelineStory.build(officials=1, chapter=chapters["deep"]).candidate_at("POOL")
    assert can_run_step(user, candidate, "decide") is decides
    assert can_run_step(user, candidate, "confirm") is decides
    assert not can_run_step(user, candidate, "vote")  # the chapter's own step
