"""members.access: what each role may see and change, decided in one place.

One world (below) and one expected answer per actor and scoping function, written out by hand.
"""

import datetime
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from members import access, services
from members.models import Committee, Member, RoleAssignment
from members.services import DETAIL_FIELDS, Document
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
    register_member,
)

pytestmark = pytest.mark.django_db

Role = RoleAssignment.Role


# The world: committee K (under parent committee P) with two chapters.
#   chapter (conftest): cells "cell" and "other_cell"; members "member" (cell), "other_member"
#       (other_cell), "loose" (no cell), "gone" (was in cell, transferred out)
#   sister: another chapter under K, cell "sister_cell" with "sister_member"
#   the outsider's chapter (another committee): "foreign", no cell


@pytest.fixture
def world(chapter, cell, other_cell, member, other_member, outsider):
    parent = CommitteeFactory(name="Tỉnh ủy")
    chapter.committee.move(parent, "last-child")
    chapter.committee.refresh_from_db()
    sister = ChapterFactory(committee=chapter.committee, name="Chi bộ Sở Y tế")
    sister_cell = CellFactory(chapter=sister, name="Tổ Y tế")
    outsider_chapter = RoleAssignment.objects.get(user=outsider).chapter
    gone = register_member(cell=cell, full_name="Võ Văn Đi")
    services.member_transfer_out(
        member_id=gone.pk,
        actor=None,
        effective_date=datetime.date(2022, 1, 1),
        to_organisation="Chi bộ Sở Tài chính",
        letter=Document(number="1-GGT", date=datetime.date(2021, 12, 28)),
    )
    gone.refresh_from_db()
    return {
        "parent": parent,
        "chapters": {"chapter": chapter, "sister": sister, "outsider_chapter": outsider_chapter},
        "cells": {"cell": cell, "other_cell": other_cell, "sister_cell": sister_cell},
        "members": {
            "member": member,
            "other_member": other_member,
            "loose": register_member(chapter, full_name="Phan Thị Lẻ"),
            "gone": gone,
            "sister_member": register_member(cell=sister_cell),
            "foreign": register_member(outsider_chapter),
        },
    }


@pytest.fixture
def deputy(chapter):
    user = UserFactory(username="phobithu")
    give_role(user, Role.DEPUTY_SECRETARY, chapter=chapter)
    return user


@pytest.fixture
def parent_officer(world):
    user = UserFactory(username="tinhuy")
    give_role(user, Role.COMMITTEE_OFFICER, committee=world["parent"])
    return user


def _secretary_with(chapter, username, **dates):
    user = UserFactory(username=username)
    RoleAssignment.objects.create(user=user, role=Role.SECRETARY, chapter=chapter, **dates)
    return user


@pytest.fixture
def expired(chapter):
    today = timezone.localdate()
    return _secretary_with(
        chapter,
        "bithu_cu",
        start_date=datetime.date(2018, 5, 14),
        end_date=today - datetime.timedelta(days=1),
    )


@pytest.fixture
def ends_today(chapter):
    today = timezone.localdate()
    return _secretary_with(
        chapter, "bithu_het_nhiem_ky", start_date=datetime.date(2018, 5, 14), end_date=today
    )


@pytest.fixture
def future(chapter):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return _secretary_with(chapter, "bithu_moi", start_date=tomorrow)


@pytest.fixture
def nobody(db):
    return UserFactory(username="khach")


@pytest.fixture
def anonymous():
    return AnonymousUser()


ACTORS = [
    "secretary",
    "deputy",
    "ends_today",
    "cell_leader",
    "other_cell_leader",
    "committee_officer",
    "parent_officer",
    "outsider",
    "admin_user",
    "expired",
    "future",
    "nobody",
    "anonymous",
]
NOBODY = {"expired": set(), "future": set(), "nobody": set(), "anonymous": set()}
CHAPTER_MEMBERS = {"member", "other_member", "loose", "gone"}
COMMITTEE_MEMBERS = CHAPTER_MEMBERS | {"sister_member"}
EVERYONE = COMMITTEE_MEMBERS | {"foreign"}
SECRETARY = {"secretary", "deputy", "ends_today"}


def by_secretaries(value) -> dict:
    return dict.fromkeys(SECRETARY, value)


EXPECTED = {
    access.members_visible_to: {
        **by_secretaries(CHAPTER_MEMBERS),
        "cell_leader": {"member", "gone"},
        "other_cell_leader": {"other_member"},
        "committee_officer": COMMITTEE_MEMBERS,
        "parent_officer": COMMITTEE_MEMBERS,
        "outsider": {"foreign"},
        "admin_user": EVERYONE,
        **NOBODY,
    },
    access.member_names_visible_to: {
        **by_secretaries(CHAPTER_MEMBERS),
        # A cell leader reads the names of the whole chapter (e.g. to choose a mentor).
        "cell_leader": CHAPTER_MEMBERS,
        "other_cell_leader": CHAPTER_MEMBERS,
        "committee_officer": COMMITTEE_MEMBERS,
        "parent_officer": COMMITTEE_MEMBERS,
        "outsider": {"foreign"},
        "admin_user": EVERYONE,
        **NOBODY,
    },
    access.members_changeable_by: {
        **by_secretaries(CHAPTER_MEMBERS),
        # Contact fields of the members on the roll in their cell; not of those who left.
        "cell_leader": {"member"},
        "other_cell_leader": {"other_member"},
        "committee_officer": set(),
        "parent_officer": set(),
        "outsider": {"foreign"},
        "admin_user": EVERYONE,
        **NOBODY,
    },
    access.chapters_visible_to: {
        **by_secretaries({"chapter"}),
        "cell_leader": {"chapter"},
        "other_cell_leader": {"chapter"},
        "committee_officer": {"chapter", "sister"},
        "parent_officer": {"chapter", "sister"},
        "outsider": {"outsider_chapter"},
        "admin_user": {"chapter", "sister", "outsider_chapter"},
        **NOBODY,
    },
    access.chapters_managed_by: {
        **by_secretaries({"chapter"}),
        "cell_leader": set(),
        "other_cell_leader": set(),
        "committee_officer": set(),
        "parent_officer": set(),
        "outsider": {"outsider_chapter"},
        "admin_user": {"chapter", "sister", "outsider_chapter"},
        **NOBODY,
    },
    access.cells_visible_to: {
        **by_secretaries({"cell", "other_cell"}),
        "cell_leader": {"cell"},
        "other_cell_leader": {"other_cell"},
        "committee_officer": {"cell", "other_cell", "sister_cell"},
        "parent_officer": {"cell", "other_cell", "sister_cell"},
        "outsider": set(),
        "admin_user": {"cell", "other_cell", "sister_cell"},
        **NOBODY,
    },
}


def names(queryset, world) -> set[str]:
    """The world's names for the rows of ``queryset`` (rows outside the world are kept as pks)."""
    known = {
        (type(obj), obj.pk): name
        for part in ("chapters", "cells", "members")
        for name, obj in world[part].items()
    }
    return {known.get((queryset.model, pk), pk) for pk in queryset.values_list("pk", flat=True)}


def test_expected_covers_every_actor():
    for function, answers in EXPECTED.items():
        assert set(answers) == set(ACTORS), function.__name__


@pytest.mark.parametrize("function", list(EXPECTED), ids=lambda f: f.__name__)
@pytest.mark.parametrize("actor", ACTORS)
def test_scope(function, actor, world, request):
    user = request.getfixturevalue(actor)
    queryset = function(user)
    assert names(queryset, world) == EXPECTED[function][actor]
    # No duplicates from the joins.
    assert queryset.count() == len(EXPECTED[function][actor])


@pytest.mark.parametrize("actor", ACTORS)
def test_changeable_members_are_those_with_editable_fields(actor, world, request):
    """members_changeable_by and fields_editable_by give the same answer, member by member."""
    user = request.getfixturevalue(actor)
    changeable = set(access.members_changeable_by(user).values_list("pk", flat=True))
    for member in world["members"].values():
        assert (member.pk in changeable) == bool(access.fields_editable_by(user, member))


@pytest.mark.parametrize("actor", ACTORS)
def test_can_manage_member(actor, world, request):
    user = request.getfixturevalue(actor)
    managed = {name for name, m in world["members"].items() if access.can_manage_member(user, m)}
    expected = (
        CHAPTER_MEMBERS
        if actor in SECRETARY
        else EVERYONE
        if actor == "admin_user"
        else {"foreign"}
        if actor == "outsider"
        else set()
    )
    assert managed == expected


@pytest.mark.parametrize(
    ("actor", "member_name", "fields"),
    [
        ("secretary", "member", DETAIL_FIELDS),
        ("deputy", "member", DETAIL_FIELDS),
        ("secretary", "gone", DETAIL_FIELDS),
        ("admin_user", "foreign", DETAIL_FIELDS),
        ("cell_leader", "member", Member.CELL_LEADER_FIELDS),
        ("cell_leader", "gone", ()),  # no longer on the roll
        ("cell_leader", "other_member", ()),
        ("other_cell_leader", "other_member", Member.CELL_LEADER_FIELDS),
        ("committee_officer", "member", ()),
        ("parent_officer", "member", ()),
        ("outsider", "member", ()),
        ("expired", "member", ()),
        ("future", "member", ()),
        ("nobody", "member", ()),
        ("anonymous", "member", ()),
    ],
)
def test_fields_editable_by(actor, member_name, fields, world, request):
    user = request.getfixturevalue(actor)
    assert access.fields_editable_by(user, world["members"][member_name]) == fields


def test_cell_leader_fields_are_register_details():
    assert set(Member.CELL_LEADER_FIELDS) <= set(DETAIL_FIELDS)


OK, FORBIDDEN, NOT_FOUND = "ok", 403, 404
# actor → (read, change=True, manage=True) on "member" (in cell, chapter under K)
MEMBER_MATRIX = {
    "secretary": (OK, OK, OK),
    "deputy": (OK, OK, OK),
    "ends_today": (OK, OK, OK),
    "admin_user": (OK, OK, OK),
    "cell_leader": (OK, OK, FORBIDDEN),
    "committee_officer": (OK, FORBIDDEN, FORBIDDEN),
    "parent_officer": (OK, FORBIDDEN, FORBIDDEN),
    "other_cell_leader": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "outsider": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "expired": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "future": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "nobody": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "anonymous": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
}


def outcome(call) -> str | int:
    try:
        call()
    except Http404:
        return NOT_FOUND
    except PermissionDenied:
        return FORBIDDEN
    return OK


def test_member_matrix_covers_every_actor():
    assert set(MEMBER_MATRIX) == set(ACTORS)


@pytest.mark.parametrize("actor", ACTORS)
def test_get_member_for_user(actor, world, request):
    user = request.getfixturevalue(actor)
    public_id = world["members"]["member"].public_id
    got = tuple(
        outcome(lambda kw=kw: access.get_member_for_user(user, public_id, **kw))
        for kw in ({}, {"change": True}, {"manage": True})
    )
    assert got == MEMBER_MATRIX[actor]


def test_get_member_for_user_returns_the_member(secretary, world):
    member = world["members"]["member"]
    got = access.get_member_for_user(secretary, member.public_id, change=True, manage=True)
    assert got == member
    assert got.chapter.committee == member.chapter.committee


def test_cell_leader_may_read_but_not_change_a_member_who_left(cell_leader, world):
    gone = world["members"]["gone"]
    assert access.get_member_for_user(cell_leader, gone.public_id) == gone
    with pytest.raises(PermissionDenied):
        access.get_member_for_user(cell_leader, gone.public_id, change=True)


def test_unknown_member_is_not_found(admin_user, world):
    with pytest.raises(Http404):
        access.get_member_for_user(admin_user, uuid.uuid4())


# actor → (read, manage=True) on the chapter
CHAPTER_MATRIX = {
    "secretary": (OK, OK),
    "deputy": (OK, OK),
    "ends_today": (OK, OK),
    "admin_user": (OK, OK),
    "cell_leader": (OK, FORBIDDEN),
    "other_cell_leader": (OK, FORBIDDEN),
    "committee_officer": (OK, FORBIDDEN),
    "parent_officer": (OK, FORBIDDEN),
    "outsider": (NOT_FOUND, NOT_FOUND),
    "expired": (NOT_FOUND, NOT_FOUND),
    "future": (NOT_FOUND, NOT_FOUND),
    "nobody": (NOT_FOUND, NOT_FOUND),
    "anonymous": (NOT_FOUND, NOT_FOUND),
}


@pytest.mark.parametrize("actor", ACTORS)
def test_get_chapter_for_user(actor, world, request):
    user = request.getfixturevalue(actor)
    public_id = world["chapters"]["chapter"].public_id
    got = tuple(
        outcome(lambda kw=kw: access.get_chapter_for_user(user, public_id, **kw))
        for kw in ({}, {"manage": True})
    )
    assert got == CHAPTER_MATRIX[actor]


def test_a_grandparent_committee_reads_the_whole_subtree(world):
    """Reach goes all the way down: the chapters two committees below are read too."""
    grandparent = CommitteeFactory(name="Trung ương")
    world["parent"].move(grandparent, "last-child")
    user = UserFactory(username="trunguong")
    give_role(user, Role.COMMITTEE_OFFICER, committee=grandparent)
    chapters = world["chapters"]
    assert set(access.chapters_visible_to(user)) == {chapters["chapter"], chapters["sister"]}
    assert Committee.objects.get(pk=chapters["chapter"].committee_id).depth == 3


# Reach is read once per request -------------------------------------------------------------


@pytest.mark.parametrize("actor", ["secretary", "cell_leader", "committee_officer", "admin_user"])
def test_reach_of_one_query_per_user_object(actor, request, django_assert_num_queries):
    user = request.getfixturevalue(actor)
    with django_assert_num_queries(1):
        first = access.reach_of(user)
        second = access.reach_of(user)
    assert first is second
    with django_assert_num_queries(1):  # the scoped list itself, roles already read
        list(access.members_visible_to(user))
        access.fields_editable_by(user, Member(chapter_id=0))


def test_reach_of_anonymous_needs_no_query(anonymous, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert access.reach_of(anonymous) == access.Reach()


def test_reach_of_a_fresh_user_object_reads_again(secretary, django_assert_num_queries):
    """The cache lives on the user object, i.e. one request: a new object reads anew."""
    access.reach_of(secretary)
    fresh = type(secretary).objects.get(pk=secretary.pk)
    with django_assert_num_queries(1):
        access.reach_of(fresh)


def test_reach_of_roles(secretary, cell_leader, committee_officer, chapter, cell):
    assert access.reach_of(secretary).chapter_ids == {chapter.pk}
    assert access.reach_of(secretary).is_secretary
    assert access.reach_of(cell_leader).cell_ids == {cell.pk}
    assert access.reach_of(cell_leader).is_cell_leader
    assert not access.reach_of(cell_leader).is_secretary
    assert access.reach_of(committee_officer).committee_ids == {chapter.committee_id}
    assert access.reach_of(committee_officer).is_committee_officer
