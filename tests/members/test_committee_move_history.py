"""Moving a committee writes the history of every committee whose path changes: the moved one and
each one under it, with the reason and the user, in one INSERT, in the transaction of the move.

The tree:  Tỉnh ủy ─┬─ Đảng ủy xã A ─── Đảng ủy cơ sở A1 ─┬─ Đảng bộ bộ phận A1a
                    │                                     └─ Đảng bộ bộ phận A1b
                    └─ Đảng ủy xã B
"""

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Committee
from tests.members.factories import CommitteeFactory

pytestmark = pytest.mark.django_db
REASON = "Sắp xếp lại tổ chức theo Quyết định 12-QĐ/TU"
History = Committee.history.model


@pytest.fixture
def tree():
    top = CommitteeFactory(name="Tỉnh ủy")
    commune_a = CommitteeFactory(name="Đảng ủy xã A", parent=top)
    commune_b = CommitteeFactory(name="Đảng ủy xã B", parent=top)
    grassroots = CommitteeFactory(name="Đảng ủy cơ sở A1", parent=commune_a)
    CommitteeFactory(name="Đảng bộ bộ phận A1a", parent=grassroots)
    CommitteeFactory(name="Đảng bộ bộ phận A1b", parent=grassroots)
    return {"top": top, "commune_a": commune_a, "commune_b": commune_b, "grassroots": grassroots}


def subtree_names(committee) -> set[str]:
    return set(
        Committee.objects.filter(path__startswith=committee.path).values_list("name", flat=True)
    )


def paths() -> dict[str, str]:
    return dict(Committee.objects.values_list("name", "path"))


def inserts_into_history(queries) -> list[str]:
    table = History._meta.db_table
    return [q["sql"] for q in queries if q["sql"].startswith(f'INSERT INTO "{table}"')]


def test_the_admin_writes_one_row_per_moved_committee_with_the_reason(client, admin_user, tree):
    moved = tree["commune_a"]
    names = subtree_names(moved)
    assert len(names) == 4  # the moved committee and three under it, on two levels
    before = History.objects.count()
    client.force_login(admin_user)
    data = {
        "name": "Đảng ủy xã A (mới)",
        "short_code": moved.short_code,
        "kind": moved.kind,
        "parent": tree["commune_b"].pk,
        "change_reason": REASON,
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("admin:members_committee_change", args=[moved.pk]), data)
    assert response.status_code == 302
    assert len(inserts_into_history(queries.captured_queries)) == 1
    assert History.objects.count() == before + 4
    moved.refresh_from_db()
    assert moved.get_parent() == tree["commune_b"]
    rows = History.objects.order_by("-history_id")[:4]
    current = paths()
    assert {row.name for row in rows} == {"Đảng ủy xã A (mới)", *(names - {"Đảng ủy xã A"})}
    for row in rows:
        assert row.history_change_reason == REASON
        assert row.history_user == admin_user
        assert row.history_type == "~"
        assert row.path == current[row.name]  # the new path
        assert row.path.startswith(moved.path)
    assert len({row.history_date for row in rows}) == 1
    assert not any(Committee.objects.find_problems())


def test_an_edit_without_a_move_writes_one_row(client, admin_user, tree):
    committee = tree["grassroots"]
    before = History.objects.count()
    client.force_login(admin_user)
    data = {
        "name": committee.name,
        "short_code": "ĐUCS",
        "kind": committee.kind,
        "parent": tree["commune_a"].pk,
        "change_reason": REASON,
    }
    url = reverse("admin:members_committee_change", args=[committee.pk])
    assert client.post(url, data).status_code == 302
    assert History.objects.count() == before + 1
    assert History.objects.latest("history_id").short_code == "ĐUCS"


def moved_queries(committee, target) -> list[dict]:
    committee = Committee.objects.get(pk=committee.pk)
    with CaptureQueriesContext(connection) as queries:
        written = committee.move(target, "last-child", reason=REASON, user=None)
    assert written == len(subtree_names(committee))
    return queries.captured_queries


def test_the_query_count_does_not_grow_with_the_committees_under_it(tree):
    # Each time to a committee with nothing under it: the same work for treebeard.
    small = moved_queries(tree["grassroots"], tree["commune_b"])  # itself and two under it
    grassroots = Committee.objects.get(pk=tree["grassroots"].pk)
    for n in range(6):
        CommitteeFactory(name=f"Đảng bộ bộ phận A1{n}", parent=grassroots)
        grassroots.refresh_from_db()
    large = moved_queries(grassroots, tree["commune_a"])  # itself and eight under it
    assert len(large) == len(small)
    assert len(inserts_into_history(large)) == len(inserts_into_history(small)) == 1


def test_a_failure_in_the_history_leaves_neither_paths_nor_rows(tree, monkeypatch):
    before_paths, before_rows = paths(), History.objects.count()

    def failing(*args, **kwargs):
        raise DatabaseError("the disk is full")

    monkeypatch.setattr(History.objects, "bulk_create", failing)
    committee = Committee.objects.get(pk=tree["commune_a"].pk)
    with pytest.raises(DatabaseError):
        committee.move(tree["commune_b"], "last-child", reason=REASON)
    assert paths() == before_paths
    assert History.objects.count() == before_rows
    assert not any(Committee.objects.find_problems())


def test_a_move_that_changes_no_path_writes_nothing(tree):
    committee = Committee.objects.get(pk=tree["grassroots"].pk)
    before = History.objects.count()
    assert committee.move(tree["commune_a"], "last-child", reason=REASON) == 0
    assert History.objects.count() == before
