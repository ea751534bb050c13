"""A cell leader gets 404, not 403, for anything outside their own cell: the pages of another
cell's members, candidates, the cell itself and its leader's role say nothing about them.
Inside their cell, what they may only read is a 403."""

import pytest
from django.urls import reverse

from admissions.models import Candidate
from members.models import RoleAssignment
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-02-05")]

Role = RoleAssignment.Role


@pytest.fixture
def leader_client(client, cell_leader):
    client.force_login(cell_leader)
    return client


@pytest.fixture
def other_candidate(chapter, other_cell, other_member):
    story = PipelineStory(chapter=chapter, cell=other_cell, officials=[other_member])
    return story.candidate_at(Candidate.Stage.POOL, full_name="Đỗ Thị Ngoàitổ")


@pytest.mark.parametrize(
    "name",
    [
        "members:member-detail",
        "members:member-edit",
        "members:member-correct",
        "members:member-annul",
    ],
)
def test_another_cells_member_is_not_found(leader_client, other_member, member, name):
    response = leader_client.get(reverse(name, args=[other_member.public_id]))
    assert response.status_code == 404
    assert other_member.full_name not in response.content.decode()


def test_a_movement_of_another_cells_member_is_not_found(leader_client, other_member):
    url = reverse("members:member-move", args=[other_member.public_id, "death"])
    assert leader_client.get(url).status_code == 404


def test_own_cells_member_is_shown_and_read_only_pages_are_forbidden(leader_client, member):
    assert (
        leader_client.get(reverse("members:member-detail", args=[member.public_id])).status_code
        == 200
    )
    url = reverse("members:member-correct", args=[member.public_id])
    assert leader_client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("admissions:candidate-detail", "get"),
        ("admissions:candidate-observe", "post"),
        ("admissions:candidate-annul", "get"),
    ],
)
def test_another_cells_candidate_is_not_found(leader_client, other_candidate, name, method):
    response = getattr(leader_client, method)(reverse(name, args=[other_candidate.public_id]))
    assert response.status_code == 404
    assert other_candidate.full_name not in response.content.decode()


def test_a_step_for_another_cells_candidate_is_not_found(leader_client, other_candidate):
    url = reverse("admissions:candidate-step", args=[other_candidate.public_id, "course"])
    assert leader_client.get(url).status_code == 404


def test_another_cell_is_not_found_own_cell_is_read_only(leader_client, cell, other_cell):
    assert (
        leader_client.get(reverse("members:cell-edit", args=[other_cell.public_id])).status_code
        == 404
    )
    assert leader_client.get(reverse("members:cell-edit", args=[cell.public_id])).status_code == 403


def test_another_cells_role_is_not_found(leader_client, other_cell_leader, secretary):
    other_role = other_cell_leader.role_assignments.get()
    assert leader_client.get(reverse("members:role-end", args=[other_role.pk])).status_code == 404
    # The chapter's own roles are on the chapter page the cell leader reads: read-only.
    chapter_role = secretary.role_assignments.get()
    assert leader_client.get(reverse("members:role-end", args=[chapter_role.pk])).status_code == 403


def test_an_unknown_role_is_not_found(client, secretary):
    client.force_login(secretary)
    assert client.get(reverse("members:role-end", args=[999999])).status_code == 404
