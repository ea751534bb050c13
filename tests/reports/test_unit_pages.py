"""Committee unit pages (issue 14): ``/reports/units/`` and ``/reports/units/<public_id>/``.

The tree:  Tỉnh ủy ─┬─ Xã A ─┬─ Cơ sở A1 ── chapter "deep" (1 official, 1 probationary)
                    │        └─ chapter "commune" (2 official)
                    ├─ Xã B ── chapter "sibling" (1 official)
                    └─ chapter "direct" (1 official)
"""

import datetime

import pytest
from django.urls import reverse

from admissions.models import Candidate
from members.models import Member, RoleAssignment
from reports import units
from tests.admissions.factories import PipelineStory
from tests.members.factories import (
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
    register_member,
)
from tests.querycount import with_reporting

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-02-05")]
Role = RoleAssignment.Role
St = Candidate.Stage
TODAY = datetime.date(2020, 2, 5)


@pytest.fixture
def tree():
    top = CommitteeFactory(name="Tỉnh ủy")
    commune_a = CommitteeFactory(name="Xã A", parent=top)
    commune_b = CommitteeFactory(name="Xã B", parent=top)
    grassroots = CommitteeFactory(name="Cơ sở A1", parent=commune_a)
    chapters = {
        "deep": ChapterFactory(name="Chi bộ sâu", committee=grassroots),
        "commune": ChapterFactory(name="Chi bộ thôn", committee=commune_a),
        "sibling": ChapterFactory(name="Chi bộ xã B", committee=commune_b),
        "direct": ChapterFactory(name="Chi bộ trực thuộc", committee=top),
    }
    register_member(chapters["deep"])
    register_member(chapters["deep"], status=Member.Status.PROBATIONARY)
    register_member(chapters["commune"])
    register_member(chapters["commune"])
    register_member(chapters["sibling"])
    register_member(chapters["direct"])
    gone = register_member(chapters["direct"])
    Member.objects.filter(pk=gone.pk).update(status=Member.Status.DECEASED)  # off the roll
    committees = {"top": top, "a": commune_a, "b": commune_b, "grassroots": grassroots}
    return committees, chapters


@pytest.fixture(autouse=True)
def verified(settings):
    """Every stored figure read is counted again from the members and checked
    (reports.figures: ``FIGURES_VERIFY``), except where queries are counted."""
    settings.FIGURES_VERIFY = True


def candidate(chapter, stage, *, due_on=None) -> Candidate:
    """A case in ``chapter`` counted at ``stage`` (the counting, not the pipeline, is tested)."""
    helper = Member.objects.filter(chapter=chapter, status=Member.Status.OFFICIAL).first()
    story = PipelineStory(chapter=chapter, cell=None, officials=[helper])
    case = story.candidate_at(St.POOL, full_name="Lê Thị Mai")
    Candidate.objects.filter(pk=case.pk).update(stage=stage, due_on=due_on, due_excused=False)
    return case


def officer_client(client, committee, username="canbo"):
    user = UserFactory(username=username)
    give_role(user, Role.COMMITTEE_OFFICER, committee=committee)
    client.force_login(user)
    return client


def unit_url(committee) -> str:
    return reverse("reports:unit", args=[committee.public_id])


def figures(response) -> dict[str, dict]:
    return {row.obj.name: row.figures.values for row in response.context["rows"]}


def test_the_top_page_shows_each_child_unit_with_its_whole_subtree(client, tree):
    committees, chapters = tree
    candidate(chapters["deep"], St.POOL)
    candidate(chapters["deep"], St.CHAPTER_APPROVED, due_on=datetime.date(2020, 2, 4))
    candidate(chapters["commune"], St.ADMISSION_DECIDED, due_on=TODAY)  # due today: not overdue
    candidate(chapters["sibling"], St.DOSSIER_OPEN)
    candidate(chapters["direct"], St.WITHDRAWN)  # closed: not counted
    response = officer_client(client, committees["top"]).get(unit_url(committees["top"]))
    assert response.status_code == 200
    assert [row.obj.name for row in response.context["rows"]] == [
        "Xã A",
        "Xã B",
        "Chi bộ trực thuộc",
    ]
    got = figures(response)
    assert got["Xã A"] == {
        "roll": 4,
        "official": 3,
        "probationary": 1,
        "pool": 1,
        "dossier": 0,
        "committee": 1,
        "probation": 1,
        "overdue": 1,
    }
    assert got["Xã B"]["roll"] == 1 and got["Xã B"]["dossier"] == 1
    assert got["Chi bộ trực thuộc"]["roll"] == 1  # the deceased member is off the roll
    assert sum(got["Chi bộ trực thuộc"][g] for g in units.CANDIDATE_GROUPS) == 0
    total = response.context["total"]
    assert total["roll"] == 6 and total["overdue"] == 1 and total.by_group == [1, 1, 1, 1]
    text = response.text
    assert reverse("members:chapter-detail", args=[chapters["direct"].public_id]) in text
    assert f"?chapter={chapters['direct'].public_id}" in text  # its reports
    assert unit_url(committees["a"]) in text


def test_drilling_down_to_the_chapters_and_the_breadcrumbs(client, tree):
    committees, _chapters = tree
    client = officer_client(client, committees["top"])
    response = client.get(unit_url(committees["grassroots"]))
    assert [row.obj.name for row in response.context["rows"]] == ["Chi bộ sâu"]
    assert [c.name for c in response.context["ancestors"]] == ["Tỉnh ủy", "Xã A"]
    assert unit_url(committees["a"]) in response.text


def test_an_officer_with_one_committee_lands_on_its_page(client, tree):
    committees, _chapters = tree
    response = officer_client(client, committees["a"]).get(reverse("reports:units"))
    assert response.status_code == 302
    assert response["Location"] == unit_url(committees["a"])


def test_an_officer_with_two_committees_sees_both(client, tree):
    committees, _chapters = tree
    client = officer_client(client, committees["a"])
    user = response_user = client.get(unit_url(committees["a"])).wsgi_request.user
    give_role(user, Role.COMMITTEE_OFFICER, committee=committees["b"])
    give_role(response_user, Role.COMMITTEE_OFFICER, committee=committees["grassroots"])
    response = client.get(reverse("reports:units"))
    assert response.status_code == 200
    assert [row.obj.name for row in response.context["rows"]] == ["Xã A", "Xã B"]
    assert figures(response)["Xã A"]["roll"] == 4


def test_a_superuser_sees_the_roots(client, tree, admin_user):
    CommitteeFactory(name="Thành ủy")
    client.force_login(admin_user)
    response = client.get(reverse("reports:units"))
    assert response.status_code == 200
    assert [row.obj.name for row in response.context["rows"]] == ["Thành ủy", "Tỉnh ủy"]


def test_the_middle_officer_never_sees_the_sibling_or_the_top(client, tree):
    committees, _chapters = tree
    client = officer_client(client, committees["a"])
    assert client.get(unit_url(committees["b"])).status_code == 404
    assert client.get(unit_url(committees["top"])).status_code == 404
    response = client.get(unit_url(committees["grassroots"]))
    assert response.status_code == 200
    assert [c.name for c in response.context["ancestors"]] == ["Xã A"]  # not "Tỉnh ủy"
    assert "Tỉnh ủy" not in response.text


@pytest.mark.parametrize("role", ["secretary", "cell_leader", "user"])
def test_chapter_roles_and_no_role_get_404(client, tree, role, request):
    """A secretary's or cell leader's figures are on their chapter's pages, not here: even the
    committee of their own chapter is not found (its page would list the other chapters)."""
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(reverse("reports:units")).status_code == 404
    committee = request.getfixturevalue("chapter").committee
    assert client.get(unit_url(committee)).status_code == 404


def test_an_unknown_committee_is_404(client, tree):
    committees, _chapters = tree
    client = officer_client(client, committees["top"])
    url = reverse("reports:unit", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(url).status_code == 404
    assert client.post(unit_url(committees["top"])).status_code == 405


def test_search_finds_a_chapter_two_levels_down(client, tree):
    committees, _chapters = tree
    client = officer_client(client, committees["top"])
    response = client.get(unit_url(committees["top"]), {"q": "sâu"})
    assert [row.obj.name for row in response.context["rows"]] == ["Chi bộ sâu"]
    assert figures(response)["Chi bộ sâu"]["roll"] == 2
    assert response.context["total"]["roll"] == 6  # the committee's total stays whole
    partial = client.get(unit_url(committees["top"]), {"q": "cơ sở"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text
    assert [row.obj.name for row in partial.context["rows"]] == ["Cơ sở A1"]
    assert figures(partial)["Cơ sở A1"]["roll"] == 2
    # Typed without diacritics, as on a phone: the same rows.
    folded = client.get(unit_url(committees["top"]), {"q": "CHI BO SAU"})
    assert [row.obj.name for row in folded.context["rows"]] == ["Chi bộ sâu"]
    assert [
        r.obj.name for r in client.get(unit_url(committees["top"]), {"q": "co so"}).context["rows"]
    ] == ["Cơ sở A1"]


def test_search_stays_inside_the_officers_subtree(client, tree):
    committees, _chapters = tree
    client = officer_client(client, committees["a"])
    response = client.get(unit_url(committees["a"]), {"q": "xã B"})
    assert response.context["rows"] == []
    assert "Chi bộ xã B" not in response.text


def test_fifty_units_a_page(client, tree):
    committees, _chapters = tree
    for n in range(units.PER_PAGE):
        ChapterFactory(name=f"Chi bộ {n:02d}", committee=committees["b"])
    CommitteeFactory(name="Đảng ủy phụ", parent=committees["b"])
    client = officer_client(client, committees["top"])
    first = client.get(unit_url(committees["b"]))
    assert len(first.context["rows"]) == units.PER_PAGE
    assert first.context["rows"][0].obj.name == "Đảng ủy phụ"  # committees first
    second = client.get(unit_url(committees["b"]), {"page": 2})
    assert [row.obj.name for row in second.context["rows"]] == ["Chi bộ 49", "Chi bộ xã B"]


def test_a_fixed_number_of_queries_whatever_the_size(
    client, tree, django_assert_num_queries, settings
):
    settings.FIGURES_VERIFY = False
    committees, _chapters = tree
    client = officer_client(client, committees["top"])
    client.get(unit_url(committees["top"]))  # the session is warm, the figures stored
    with django_assert_num_queries(AT_A_ROOT):
        client.get(unit_url(committees["top"]))
    for n in range(5):
        sub = CommitteeFactory(name=f"Xã {n}", parent=committees["top"])
        deeper = CommitteeFactory(name=f"Cơ sở {n}", parent=sub)
        chapter = ChapterFactory(committee=deeper)
        register_member(chapter)
        candidate(chapter, St.POOL)
    client.get(unit_url(committees["top"]))  # the new units' figures stored
    with django_assert_num_queries(AT_A_ROOT):
        response = client.get(unit_url(committees["top"]))
    assert len(response.context["rows"]) == 8
    assert response.context["total"]["roll"] == 11
    # Below a root: one more for the breadcrumbs, one less: no child committee to count.
    client.get(unit_url(committees["grassroots"]))
    with django_assert_num_queries(AT_A_ROOT):
        client.get(unit_url(committees["grassroots"]))


def test_a_change_is_shown_at_once_and_only_its_chapter_is_counted_again(
    client, tree, django_assert_num_queries, settings
):
    """The stored figures are current to the last write: a member registered in the deep
    chapter shows on the next page at every level above it; only that chapter is counted
    again (one query a measure), the tree's other stored rows are read as they are."""
    settings.FIGURES_VERIFY = False
    committees, chapters = tree
    client = officer_client(client, committees["top"])
    assert figures(client.get(unit_url(committees["top"])))["Xã A"]["roll"] == 4
    register_member(chapters["deep"])
    # Stale: the chapter, Cơ sở A1, Xã A and the top.
    # (The roll's count is a reporting query: PostgreSQL sets its work_mem first.)
    with django_assert_num_queries(with_reporting(AT_A_ROOT + AFTER_A_CHANGE, 1)):
        response = client.get(unit_url(committees["top"]))
    assert figures(response)["Xã A"]["roll"] == 5
    assert response.context["total"]["roll"] == 7
    assert figures(client.get(unit_url(committees["grassroots"])))["Chi bộ sâu"]["roll"] == 3
    moved = chapters["commune"]
    moved.committee = committees["b"]
    moved.save()
    # A chapter moved: no member changed, the sums of both committees did.
    after = figures(client.get(unit_url(committees["top"])))
    assert (after["Xã A"]["roll"], after["Xã B"]["roll"]) == (3, 3)


# session, user, reach, the committee, two counts, two slices; the tree's stamps; the stored
# roll and cases of the units listed and of the subtree
AT_A_ROOT = 11
# below the stale rows: two levels read (two measures) and expanded (once for both), the
# changed chapter counted and its rows written (savepoint, insert, release) for each measure
AFTER_A_CHANGE = 14


def test_the_navbar_and_the_dashboard_link_the_pages_for_officers_only(client, tree, secretary):
    committees, _chapters = tree
    units_url = reverse("reports:units")
    officer = officer_client(client, committees["a"])
    assert officer.get(reverse("dashboard")).text.count(f'href="{units_url}"') == 2
    client.force_login(secretary)
    assert units_url not in client.get(reverse("dashboard")).text


def test_the_index_total_is_the_whole_reach_on_every_page(client, tree, monkeypatch):
    """An officer of several committees pages through them; the total stays theirs all."""
    committees, _chapters = tree
    user = UserFactory(username="hai-dang-uy")
    give_role(user, Role.COMMITTEE_OFFICER, committee=committees["a"])
    give_role(user, Role.COMMITTEE_OFFICER, committee=committees["b"])
    client.force_login(user)
    monkeypatch.setattr(units, "PER_PAGE", 1)
    first = client.get(reverse("reports:units"))
    second = client.get(reverse("reports:units"), {"page": 2})
    assert [len(r.context["rows"]) for r in (first, second)] == [1, 1]
    # Xã A: 2 deep + 2 in its own chapter; Xã B: 1.
    assert first.context["total"]["roll"] == second.context["total"]["roll"] == 5
