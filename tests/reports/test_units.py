"""A scope of many chapters is broken down by child unit of the committee tree, never chapter by
chapter or cell by cell (issue 14): the report, its drill-down and the dashboard."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from members.models import Member, RoleAssignment
from reports import queries
from tests.members.factories import ChapterFactory, CommitteeFactory, give_role, register_member

pytestmark = pytest.mark.django_db

DAY = datetime.date(2020, 2, 5)


@pytest.fixture
def tree():
    """root ─┬─ child ── grandchild: chapter "deep" (2 members)
    ├─ child: chapter "middle" (1)
    └─ chapter "direct" (1);  another root: chapter "outside" (1)."""
    root = CommitteeFactory(name="Tỉnh ủy")
    child = CommitteeFactory(parent=root, name="Đảng ủy Khối")
    grandchild = CommitteeFactory(parent=child, name="Đảng ủy cơ sở")
    chapters = {
        "deep": ChapterFactory(committee=grandchild, name="Chi bộ sâu"),
        "middle": ChapterFactory(committee=child, name="Chi bộ giữa"),
        "direct": ChapterFactory(committee=root, name="Chi bộ trực thuộc"),
        "outside": ChapterFactory(committee=CommitteeFactory(name="Khác"), name="Chi bộ khác"),
    }
    for name, count in (("deep", 2), ("middle", 1), ("direct", 1), ("outside", 1)):
        for _i in range(count):
            register_member(chapters[name])
    return root, child, chapters


def test_by_unit_counts_each_child_committee_with_everything_under_it(tree):
    root, child, chapters = tree
    snapshot = queries.as_of(Member.objects.all(), DAY, units=(root.path,), with_cells=False)
    rows = {row.value: row.count for row in snapshot.breakdown("by_unit").rows}
    assert rows == {
        str(child.public_id): 3,
        str(chapters["direct"].public_id): 1,
        str(chapters["outside"].public_id): 1,  # under none of the tops: its own unit
    }
    assert [b.figure for b in snapshot.breakdowns].count("by_chapter") == 0
    assert "by_cell" not in [b.figure for b in snapshot.breakdowns]


def test_the_people_behind_each_unit(tree):
    root, _child, _chapters = tree
    scope = Member.objects.all()
    for row in queries.as_of(scope, DAY, units=(root.path,)).breakdown("by_unit").rows:
        assert queries.people(scope, "by_unit", day=DAY, value=row.value).count() == row.count


@pytest.fixture
def officer_of_many(tree):
    root, child, _chapters = tree
    for n in range(queries.MAX_LISTED_CHAPTERS):
        ChapterFactory(committee=child, name=f"Chi bộ {n:02}")
    user = get_user_model().objects.create_user("tinhuy", password="pw")
    give_role(user, RoleAssignment.Role.COMMITTEE_OFFICER, committee=root)
    return user


def test_an_officer_of_many_chapters_reads_the_report_by_unit(client, tree, officer_of_many):
    client.force_login(officer_of_many)
    response = client.get(reverse("reports:report") + "?as_of=2020-02-05")
    figures = [b.figure for b in response.context["snapshot"].breakdowns]
    assert "by_unit" in figures
    assert "by_chapter" not in figures and "by_cell" not in figures
    assert "Chi bộ 07" not in response.content.decode()  # no list of every chapter
    rows = {r.label: r.count for r in response.context["snapshot"].breakdown("by_unit").rows}
    assert rows == {"Đảng ủy Khối": 3, "Chi bộ trực thuộc": 1}


@pytest.mark.freeze_time("2026-03-15")
def test_the_dashboard_of_an_officer_of_many_chapters_is_by_unit(client, tree, officer_of_many):
    client.force_login(officer_of_many)
    response = client.get(reverse("dashboard"))
    assert [bar.label for bar in response.context["cells"]] == ["Chi bộ trực thuộc", "Đảng ủy Khối"]
    assert "Chi bộ 07" not in response.content.decode()
