"""The committee's work queue (issue 15, item 2): the decisions waiting for the committee across
the chapters it decides for, most urgent first, filtered by unit and chapter, 50 a page, a
fixed number of queries.

The tree: Tỉnh ủy → Đảng ủy Huyện → Đảng ủy Xã (two levels down). The officer sits on the Tỉnh
ủy: it decides for the chapters of the Tỉnh ủy and of the Đảng ủy Huyện (Reach.decides_for),
not for those of the Đảng ủy Xã, nor for another province's.
"""

import datetime
from itertools import count

import pytest
from django.urls import reverse

from admissions import work_queue
from admissions.models import Candidate, ChapterAdmissionSettings, Resolution
from members.access import reach_of
from members.models import RoleAssignment
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
    register_member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-15")]
St = Candidate.Stage
Due = Candidate.Due
D = datetime.date
Role = RoleAssignment.Role
URL = reverse("admissions:queue")
_numbers = count()
SINCE = D(2026, 1, 5)
PROBATION = D(2025, 1, 10)


def case(chapter, stage=St.CHAPTER_APPROVED, *, due=None, since=SINCE, name=None, **kw):
    """A case at ``stage`` with a stored deadline (the list reads only the stored fields)."""
    kind = {
        St.CHAPTER_APPROVED: Due.ADMISSION_DECISION,
        St.GRASSROOTS_APPROVED: Due.ADMISSION_DECISION,
        St.CONFIRMATION_VOTED: Due.CONFIRMATION_DECISION,
        St.ADMITTED: Due.CONFIRMATION_VOTE,
    }.get(stage, "")
    return Candidate.objects.create(
        chapter=chapter,
        stage=stage,
        stage_since=since,
        full_name=name or f"Ứng viên {next(_numbers):04d}",
        gender="F",
        date_of_birth=D(1990, 4, 2),
        due_on=due,
        due_kind=kind if due else "",
        due_rule="R11" if due else "",
        **kw,
    )


@pytest.fixture
def tree():
    top = CommitteeFactory(name="Tỉnh ủy Thử")
    district = CommitteeFactory(name="Đảng ủy Huyện Thử", parent=top)
    commune = CommitteeFactory(name="Đảng ủy Xã Thử", parent=district)
    other = CommitteeFactory(name="Tỉnh ủy Khác")
    officer = UserFactory(username="tinhuy")
    give_role(officer, Role.COMMITTEE_OFFICER, committee=top)
    return {
        "top": top,
        "district": district,
        "commune": commune,
        "other": other,
        "on_top": ChapterFactory(name="Chi bộ Văn phòng", committee=top),
        "on_district": ChapterFactory(name="Chi bộ Thôn Một", committee=district),
        "on_commune": ChapterFactory(name="Chi bộ Thôn Hai", committee=commune),
        "elsewhere": ChapterFactory(name="Chi bộ Khác", committee=other),
        "officer": officer,
    }


def names(response) -> list[str]:
    return [row.person for row in response.context["rows"]]


# Scope -----------------------------------------------------------------------------------------


def test_the_officer_sees_the_chapters_it_decides_for_only(client, tree):
    case(tree["on_top"], name="Trên Tỉnh", due=D(2026, 4, 1))
    case(tree["on_district"], name="Dưới Huyện", due=D(2026, 4, 2))
    case(tree["on_commune"], name="Dưới Xã", due=D(2026, 4, 3))
    case(tree["elsewhere"], name="Tỉnh Khác", due=D(2026, 4, 4))
    client.force_login(tree["officer"])
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Trên Tỉnh", "Dưới Huyện"]
    assert "Dưới Xã" not in response.text and "Tỉnh Khác" not in response.text


def test_the_query_agrees_with_reach_decides_for(tree):
    from members.models import Chapter

    reach = reach_of(tree["officer"])
    chapters = Chapter.objects.select_related("committee")
    expected = {c.name for c in chapters if reach.decides_for(c.committee)}
    found = set(chapters.filter(work_queue.decided_chapters(reach)).values_list("name", flat=True))
    assert found == expected == {"Chi bộ Văn phòng", "Chi bộ Thôn Một"}


def test_only_the_decisions_waiting_for_the_committee(client, tree):
    chapter = tree["on_district"]
    cell = CellFactory(chapter=chapter)
    case(chapter, St.CHAPTER_APPROVED, name="Chờ quyết định", due=D(2026, 4, 1))
    case(chapter, St.INTRODUCED, name="Chờ chi bộ xét")
    case(chapter, St.ADMISSION_DECIDED, name="Chờ kết nạp")
    member = register_member(cell=cell, status="PROBATIONARY", effective_date=D(2025, 1, 10))
    case(chapter, St.CONFIRMATION_VOTED, name="Chờ công nhận", due=D(2026, 4, 2), member=member)
    on_probation = register_member(cell=cell, status="PROBATIONARY", effective_date=D(2025, 1, 10))
    case(chapter, St.ADMITTED, name="Đang dự bị", member=on_probation)
    # A chapter whose resolutions go to a grassroots committee first: that vote is not the
    # superior committee's decision; after it, the decision is.
    grassroots = ChapterFactory(name="Chi bộ Cơ sở", committee=tree["district"])
    ChapterAdmissionSettings.objects.create(chapter=grassroots, grassroots_step=True)
    case(grassroots, St.CHAPTER_APPROVED, name="Chờ đảng ủy cơ sở")
    case(grassroots, St.GRASSROOTS_APPROVED, name="Đảng ủy cơ sở đã xét", due=D(2026, 4, 3))
    client.force_login(tree["officer"])
    rows = client.get(URL).context["rows"]
    assert [(r.person, r.kind.slug) for r in rows] == [
        ("Chờ quyết định", "admission-decision"),
        ("Chờ công nhận", "confirmation-decision"),
        ("Đảng ủy cơ sở đã xét", "admission-decision"),
    ]


def test_removal_after_the_failed_confirmation_votes(client, tree):
    cell = CellFactory(chapter=tree["on_top"])
    member = register_member(cell=cell, status="PROBATIONARY", effective_date=D(2025, 1, 10))
    removal = case(tree["on_top"], St.ADMITTED, name="Không đạt", due=D(2026, 3, 20), member=member)
    for n in range(3):
        Resolution.objects.create(
            candidate=removal,
            kind=Resolution.Kind.CONFIRMATION_CHAPTER,
            date=D(2026, 1, 20) + datetime.timedelta(days=n),
            base=6,
            present=6,
            votes_for=2,
            votes_against=4,
            passed=False,
        )
    client.force_login(tree["officer"])
    (row,) = client.get(URL).context["rows"]
    assert row.kind.slug == "removal"
    assert row.url == reverse("admissions:candidate-step", args=[removal.public_id, "not-confirm"])
    assert client.get(row.url).status_code == 200
    Resolution.objects.filter(candidate=removal).last().delete()  # two failed: the chapter votes
    assert client.get(URL).context["rows"] == []


@pytest.mark.parametrize("role", [Role.SECRETARY, Role.CELL_LEADER])
def test_a_secretary_or_a_cell_leader_is_not_found(client, tree, role):
    user = UserFactory()
    chapter = tree["on_district"]
    if role == Role.CELL_LEADER:
        give_role(user, role, cell=CellFactory(chapter=chapter))
    else:
        give_role(user, role, chapter=chapter)
    client.force_login(user)
    assert client.get(URL).status_code == 404


def test_filters_outside_the_reach_are_not_found(client, tree):
    client.force_login(tree["officer"])
    assert client.get(URL, {"unit": tree["other"].public_id}).status_code == 404
    assert client.get(URL, {"chapter": tree["elsewhere"].public_id}).status_code == 404
    assert client.get(URL, {"unit": "not-an-id"}).status_code == 404
    assert client.get(URL, {"chapter": "00000000-0000-4000-8000-000000000000"}).status_code == 404
    # Read but not decided (two levels down): an empty queue that says why.
    case(tree["on_commune"], name="Dưới Xã", due=D(2026, 4, 3))
    response = client.get(URL, {"chapter": tree["on_commune"].public_id})
    assert response.status_code == 200 and names(response) == []
    assert response.context["not_decided"]


def test_a_superuser_sees_every_chapter(client, tree, admin_user):
    case(tree["on_commune"], name="Dưới Xã", due=D(2026, 4, 3))
    case(tree["elsewhere"], name="Tỉnh Khác", due=D(2026, 4, 4))
    client.force_login(admin_user)
    assert names(client.get(URL)) == ["Dưới Xã", "Tỉnh Khác"]


# Order ------------------------------------------------------------------------------------------


def test_overdue_first_then_soonest_then_longest_waiting(client, tree):
    chapter = tree["on_district"]
    case(chapter, name="Hạn xa", due=D(2026, 5, 4), since=D(2025, 12, 1))
    case(chapter, name="Không hạn mới", since=D(2026, 2, 1))
    case(chapter, name="Quá hạn ít", due=D(2026, 3, 13), since=D(2026, 1, 2))
    case(chapter, name="Hạn gần", due=D(2026, 3, 16), since=D(2026, 2, 20))
    case(chapter, name="Quá hạn nhiều", due=D(2026, 3, 2), since=D(2026, 1, 9))
    case(chapter, name="Hôm nay", due=D(2026, 3, 15), since=D(2026, 2, 25))
    case(chapter, name="Không hạn cũ", since=D(2025, 11, 3))
    case(chapter, name="Cùng hạn, chờ lâu", due=D(2026, 5, 4), since=D(2025, 10, 1))
    # The day before and the day of: due yesterday is overdue, due today is not yet.
    client.force_login(tree["officer"])
    response = client.get(URL)
    assert names(response) == [
        "Quá hạn nhiều",
        "Quá hạn ít",
        "Hôm nay",
        "Hạn gần",
        "Cùng hạn, chờ lâu",
        "Hạn xa",
        "Không hạn cũ",
        "Không hạn mới",
    ]
    states = {row.person: row.state for row in response.context["rows"]}
    assert states["Quá hạn ít"] == "overdue" and states["Hôm nay"] == "soon"


def test_a_consent_to_lateness_is_not_overdue(client, tree):
    chapter = tree["on_district"]
    case(chapter, name="Đã đồng ý", due=D(2026, 3, 2), due_excused=True)
    case(chapter, name="Quá hạn", due=D(2026, 3, 10))
    client.force_login(tree["officer"])
    response = client.get(URL)
    assert names(response) == ["Quá hạn", "Đã đồng ý"]
    assert "consent recorded" in response.text or "đã có ý kiến đồng ý" in response.text


# Filters and pages --------------------------------------------------------------------------------


def test_filter_by_unit_and_by_chapter(client, tree):
    second = ChapterFactory(name="Chi bộ Thôn Ba", committee=tree["district"])
    case(tree["on_top"], name="Trên Tỉnh", due=D(2026, 4, 1))
    case(tree["on_district"], name="Thôn Một", due=D(2026, 4, 2))
    case(second, name="Thôn Ba", due=D(2026, 4, 3))
    client.force_login(tree["officer"])
    response = client.get(URL, {"unit": tree["district"].public_id})
    assert names(response) == ["Thôn Một", "Thôn Ba"]
    response = client.get(URL, {"unit": tree["top"].public_id, "chapter": second.public_id})
    assert names(response) == ["Thôn Ba"]
    response = client.get(URL, {"chapter": tree["on_top"].public_id})
    assert names(response) == ["Trên Tỉnh"]
    # The unit filter offers the officer's committee and those directly under it.
    choices = [label for value, label in response.context["form"].fields["unit"].choices]
    assert choices[1:] == ["Tỉnh ủy Thử", "— Đảng ủy Huyện Thử"]


def test_pages_of_fifty_keep_the_filters(client, tree):
    for n in range(work_queue.PER_PAGE + 3):
        case(tree["on_district"], due=D(2026, 4, 1) + datetime.timedelta(days=n))
    case(tree["on_top"], name="Ngoài bộ lọc", due=D(2026, 3, 20))
    client.force_login(tree["officer"])
    unit = str(tree["district"].public_id)
    response = client.get(URL, {"unit": unit})
    assert len(response.context["rows"]) == work_queue.PER_PAGE
    assert response.context["page"].paginator.count == work_queue.PER_PAGE + 3
    assert f"?unit={unit}&amp;page=2" in response.text
    assert 'aria-current="page"' in response.text
    second = client.get(URL, {"unit": unit, "page": 2})
    assert len(second.context["rows"]) == 3
    assert "Ngoài bộ lọc" not in second.text


# Each row opens the step form ------------------------------------------------------------------


def test_each_row_opens_the_step_form_the_officer_may_record(client, tree):
    from tests.admissions.factories import PipelineStory

    story = PipelineStory.build(officials=6, chapter=tree["on_district"])
    approved = story.candidate_at(St.CHAPTER_APPROVED, full_name="Nguyễn Văn An")
    cell = CellFactory(chapter=tree["on_top"])
    member = register_member(cell=cell, status="PROBATIONARY", effective_date=D(2025, 1, 10))
    voted = case(tree["on_top"], St.CONFIRMATION_VOTED, due=D(2026, 4, 2), member=member)
    client.force_login(tree["officer"])
    rows = client.get(URL).context["rows"]
    assert {(r.subject.pk, r.url) for r in rows} == {
        (approved.pk, reverse("admissions:candidate-step", args=[approved.public_id, "decide"])),
        (voted.pk, reverse("admissions:candidate-step", args=[voted.public_id, "confirm"])),
    }
    for row in rows:
        response = client.get(row.url)
        assert response.status_code == 200, row.url
        assert response.templates[0].name == "admissions/step_form.html"


# Cost ---------------------------------------------------------------------------------------------


def test_a_fixed_number_of_queries_whatever_the_number_of_cases(
    client, tree, django_assert_num_queries
):
    def fill(n, start):
        cell = CellFactory(chapter=tree["on_top"])
        for i in range(n):
            case(tree["on_district"], due=D(2026, 3, 1) + datetime.timedelta(days=start + i))
            member = register_member(
                cell=cell, status="PROBATIONARY", effective_date=D(2025, 1, 10)
            )
            case(tree["on_top"], St.CONFIRMATION_VOTED, due=D(2026, 4, 1), member=member)

    client.force_login(tree["officer"])
    filters = {"unit": tree["top"].public_id, "chapter": tree["on_district"].public_id}
    fill(2, 0)
    client.get(URL)  # the calendar and the rule values are cached after the first page
    # session, user, roles, the transfers' deadline dates (none here), count, page of keys, the
    # page's cases, the unit choices, the chapter picker's options (with transfers on the page:
    # one more, tests/admissions/test_work_queue_transfers.py)
    with django_assert_num_queries(9):
        assert len(client.get(URL).context["rows"]) == 4
    with django_assert_num_queries(12):  # + the unit, the chapter and the picker's label
        client.get(URL, filters)
    fill(30, 10)
    with django_assert_num_queries(9):
        assert len(client.get(URL).context["rows"]) == work_queue.PER_PAGE
    with django_assert_num_queries(12):
        client.get(URL, filters)


# Language ----------------------------------------------------------------------------------------


def test_the_page_in_vietnamese_cites_the_regulations(client, tree):
    case(tree["on_district"], name="Quá hạn", due=D(2026, 3, 2))
    client.force_login(tree["officer"])
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="vi").text
    assert "Quyết định chờ cấp ủy" in page
    assert "Quyết định kết nạp" in page
    assert "Điều lệ Đảng, Điều 4" in page and "Quy định 294-QĐ/TW" in page
    assert "Ghi quyết định" in page
    assert "R11" not in page


def test_the_navbar_links_the_queue_for_officers_only(client, tree):
    link = f'href="{URL}"'
    client.force_login(tree["officer"])
    assert link in client.get(reverse("dashboard")).text
    secretary = UserFactory()
    give_role(secretary, Role.SECRETARY, chapter=tree["on_district"])
    client.force_login(secretary)
    assert link not in client.get(reverse("dashboard")).text
