"""The committee's work queue, transfers between chapters (issue 15, items 1 and 2): the
transfer letters to issue (R22: a handover REQUESTED, for the sending chapters the committee
decides for) and the arrivals not accepted (a permanent handover SENT, addressed to a chapter
under the committee), with the R22 deadlines counted from the handover's dates, in one order
with the admission cases.

The tree: Tỉnh ủy → Đảng ủy Huyện → Đảng ủy Xã (two levels down), and another province. The
officer sits on the Tỉnh ủy. Today is Wednesday 15/04/2026.
"""

import datetime
from itertools import count

import pytest
from django.urls import reverse

from admissions import work_queue
from admissions.models import Candidate
from chapter.documents import Document
from members import services, transfers
from members.access import reach_of
from members.models import Handover, RoleAssignment
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
    register_member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-04-15")]
D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
TODAY = D(2026, 4, 15)
ASKED = D(2026, 4, 1)
Role = RoleAssignment.Role
State = Handover.State
URL = reverse("admissions:queue")
_numbers = count()


@pytest.fixture
def tree():
    top = CommitteeFactory(name="Tỉnh ủy Thử")
    district = CommitteeFactory(name="Đảng ủy Huyện Thử", parent=top)
    commune = CommitteeFactory(name="Đảng ủy Xã Thử", parent=district)
    other = CommitteeFactory(name="Tỉnh ủy Khác")
    officer = UserFactory(username="tinhuy")
    give_role(officer, Role.COMMITTEE_OFFICER, committee=top)
    chapters = {
        "on_top": ChapterFactory(name="Chi bộ Văn phòng", committee=top),
        "on_district": ChapterFactory(name="Chi bộ Thôn Một", committee=district),
        "on_commune": ChapterFactory(name="Chi bộ Thôn Hai", committee=commune),
        "elsewhere": ChapterFactory(name="Chi bộ Khác", committee=other),
    }
    for chapter in chapters.values():
        CellFactory(chapter=chapter, name="Tổ 1")
    return {
        "top": top,
        "district": district,
        "commune": commune,
        "other": other,
        "officer": officer,
        **chapters,
    }


def _member(chapter, name):
    return register_member(cell=chapter.cells.get(), full_name=name)


def letter_to_issue(source, target, name, *, requested_on=ASKED, change_date=None, **kw):
    """A transfer the sending chapter asked for, its letter not yet issued."""
    kw.setdefault("kind", Handover.Kind.PERMANENT)
    if kw["kind"] == Handover.Kind.TEMPORARY:
        kw.setdefault("temporary_kind", transfers.TemporaryKind.WORK)
        kw.setdefault("until", requested_on + datetime.timedelta(days=200))
    return services.handover_request(
        member_id=_member(source, name).pk,
        actor=None,
        to_chapter=target,
        requested_on=requested_on,
        change_date=change_date,
        **kw,
    )


def arrival(source, target, name, *, letter_date):
    """A permanent transfer whose letter is issued: the member waits at ``target``."""
    letter = Document(
        number=f"{next(_numbers)}-GGT/TU", date=letter_date, issuing_body="Tỉnh ủy Thử"
    )
    return services.handover_request(
        member_id=_member(source, name).pk,
        actor=None,
        kind=Handover.Kind.PERMANENT,
        to_chapter=target,
        requested_on=letter_date,
        letter=letter,
    )


def case(chapter, name, due):
    return Candidate.objects.create(
        chapter=chapter,
        stage=Candidate.Stage.CHAPTER_APPROVED,
        stage_since=D(2026, 3, 2),
        full_name=name,
        gender="F",
        date_of_birth=D(1990, 4, 2),
        due_on=due,
        due_kind=Candidate.Due.ADMISSION_DECISION,
        due_rule="R11",
    )


def latest_anchor(due, deadline):
    """The latest day whose deadline by ``due`` (``members.transfers``) falls on ``deadline``."""
    day = deadline
    while due(day) > deadline:
        day -= ONE_DAY
    assert due(day) == deadline
    return day


def queue(user, **filters):
    """The queue's keys for ``user``, in order: (kind, person)."""
    keys = list(work_queue.queue_keys(reach_of(user), work_queue.Filters(**filters), TODAY))
    names = {}
    for slug in {k["item_kind"] for k in keys}:
        ids = [k["item_id"] for k in keys if k["item_kind"] == slug]
        model = work_queue.KINDS[slug].source.model
        for item in model.objects.filter(pk__in=ids):
            person = item.member.full_name if model is Handover else item.full_name
            names[(slug, item.pk)] = person
    return [(k["item_kind"], names[(k["item_kind"], k["item_id"])]) for k in keys]


# Scope -----------------------------------------------------------------------------------------


def test_letters_to_issue_for_the_chapters_the_committee_decides_for(tree):
    target = tree["elsewhere"]
    letter_to_issue(tree["on_top"], target, "Trên Tỉnh", requested_on=D(2026, 4, 1))
    letter_to_issue(tree["on_district"], target, "Dưới Huyện", requested_on=D(2026, 4, 2))
    letter_to_issue(tree["on_commune"], target, "Dưới Xã", requested_on=D(2026, 4, 3))
    letter_to_issue(tree["elsewhere"], tree["on_top"], "Tỉnh Khác", requested_on=D(2026, 4, 6))
    assert queue(tree["officer"]) == [
        ("transfer-letter", "Trên Tỉnh"),
        ("transfer-letter", "Dưới Huyện"),
    ]
    # The Đảng ủy Huyện's officer decides for its own chapters and the Đảng ủy Xã's.
    district = UserFactory(username="huyenuy")
    give_role(district, Role.COMMITTEE_OFFICER, committee=tree["district"])
    assert [name for _, name in queue(district)] == ["Dưới Huyện", "Dưới Xã"]
    # Another province's officer: its own sending chapter only.
    other = UserFactory(username="tinhkhac")
    give_role(other, Role.COMMITTEE_OFFICER, committee=tree["other"])
    assert queue(other) == [("transfer-letter", "Tỉnh Khác")]


def test_arrivals_addressed_to_any_chapter_under_the_committee(tree):
    day = D(2026, 4, 1)
    arrival(tree["elsewhere"], tree["on_commune"], "Đến Xã", letter_date=day)
    arrival(tree["on_commune"], tree["elsewhere"], "Đi Tỉnh Khác", letter_date=day)
    arrival(tree["on_top"], tree["on_district"], "Đến Huyện", letter_date=day + ONE_DAY)
    assert queue(tree["officer"]) == [("arrival", "Đến Xã"), ("arrival", "Đến Huyện")]
    other = UserFactory(username="tinhkhac")
    give_role(other, Role.COMMITTEE_OFFICER, committee=tree["other"])
    assert queue(other) == [("arrival", "Đi Tỉnh Khác")]
    # A committee that reads neither side sees none of it.
    nobody = UserFactory(username="xakhac")
    give_role(nobody, Role.COMMITTEE_OFFICER, committee=CommitteeFactory(name="Tỉnh ủy Ba"))
    assert queue(nobody) == []


def test_only_what_waits_for_the_committee(tree):
    source, target = tree["on_district"], tree["on_top"]
    accepted = arrival(source, target, "Đã tiếp nhận", letter_date=D(2026, 4, 1))
    services.handover_accept(handover_id=accepted.pk, actor=None, presented_on=D(2026, 4, 2))
    gone = arrival(source, target, "Chưa đến", letter_date=D(2026, 4, 1))
    services.handover_not_arrived(handover_id=gone.pk, actor=None, on=D(2026, 4, 10))
    dropped = letter_to_issue(source, target, "Đã rút")
    services.handover_cancel(handover_id=dropped.pk, actor=None, reason="Không chuyển nữa")
    # A temporary transfer: a letter to issue, but the host acknowledges, nothing to accept.
    temporary = letter_to_issue(source, target, "Tạm thời", kind=Handover.Kind.TEMPORARY)
    letter = Document(number="9-GGT/TU", date=D(2026, 4, 3), issuing_body="Tỉnh ủy Thử")
    arrival(source, target, "Chờ tiếp nhận", letter_date=D(2026, 4, 2))
    assert sorted(queue(tree["officer"])) == [
        ("arrival", "Chờ tiếp nhận"),
        ("transfer-letter", "Tạm thời"),
    ]
    services.handover_issue_letter(handover_id=temporary.pk, actor=None, letter=letter)
    assert queue(tree["officer"]) == [("arrival", "Chờ tiếp nhận")]


def test_a_superuser_sees_every_chapter(tree, admin_user):
    letter_to_issue(tree["on_commune"], tree["elsewhere"], "Dưới Xã", requested_on=D(2026, 4, 1))
    arrival(tree["on_top"], tree["elsewhere"], "Tỉnh Khác", letter_date=D(2026, 4, 2))
    assert queue(admin_user) == [("arrival", "Tỉnh Khác"), ("transfer-letter", "Dưới Xã")]


@pytest.mark.parametrize("role", [Role.SECRETARY, Role.CELL_LEADER])
def test_a_secretary_or_a_cell_leader_is_not_found(client, tree, role):
    chapter = tree["on_district"]
    letter_to_issue(chapter, tree["on_top"], "Chờ cấp giấy")
    arrival(tree["on_top"], chapter, "Chờ tiếp nhận", letter_date=D(2026, 4, 1))
    user = UserFactory()
    if role == Role.CELL_LEADER:
        give_role(user, role, cell=chapter.cells.get())
    else:
        give_role(user, role, chapter=chapter)
    client.force_login(user)
    assert client.get(URL).status_code == 404


# Filters ---------------------------------------------------------------------------------------


def test_filters_read_the_sending_chapter_of_a_letter_and_the_receiving_one_of_an_arrival(tree):
    top, district = tree["on_top"], tree["on_district"]
    letter_to_issue(top, district, "Giấy từ Tỉnh", requested_on=D(2026, 4, 1))
    letter_to_issue(district, top, "Giấy từ Huyện", requested_on=D(2026, 4, 2))
    arrival(top, district, "Đến Huyện", letter_date=D(2026, 4, 1))
    arrival(district, top, "Đến Tỉnh", letter_date=D(2026, 4, 2))
    officer = tree["officer"]
    assert sorted(queue(officer, chapter=district)) == [
        ("arrival", "Đến Huyện"),
        ("transfer-letter", "Giấy từ Huyện"),
    ]
    assert sorted(queue(officer, unit=tree["district"])) == sorted(queue(officer, chapter=district))
    assert sorted(queue(officer, chapter=top)) == [
        ("arrival", "Đến Tỉnh"),
        ("transfer-letter", "Giấy từ Tỉnh"),
    ]
    # Two levels down: the committee issues no letter there, but follows the arrivals.
    commune = tree["on_commune"]
    letter_to_issue(commune, top, "Giấy từ Xã")
    arrival(top, commune, "Đến Xã", letter_date=D(2026, 4, 3))
    assert queue(officer, unit=tree["commune"]) == [("arrival", "Đến Xã")]


# Order and deadlines ---------------------------------------------------------------------------


def test_the_deadlines_of_r22_on_the_day_before_and_the_day_of(tree):
    """An arrival's letter is presented within 30 working days of its date; a letter is issued
    within 60 working days of the change of job or residence (R22)."""
    source, target = tree["on_top"], tree["on_district"]
    due_yesterday = latest_anchor(transfers.present_due, D(2026, 4, 14))
    due_today = latest_anchor(transfers.present_due, TODAY)
    assert due_yesterday < due_today
    arrival(source, target, "Hạn hôm qua", letter_date=due_yesterday)
    arrival(source, target, "Hạn hôm nay", letter_date=due_today)
    start_yesterday = latest_anchor(transfers.start_due, D(2026, 4, 14))
    start_today = latest_anchor(transfers.start_due, TODAY)
    letter_to_issue(source, target, "Bắt đầu hôm qua", change_date=start_yesterday)
    letter_to_issue(source, target, "Bắt đầu hôm nay", change_date=start_today)
    keys = {
        k["item_id"]: k
        for k in work_queue.queue_keys(reach_of(tree["officer"]), work_queue.Filters(), TODAY)
    }
    by_name = {h.member.full_name: h for h in Handover.objects.select_related("member")}
    expected = {
        "Hạn hôm qua": (0, D(2026, 4, 14)),
        "Hạn hôm nay": (1, TODAY),
        "Bắt đầu hôm qua": (0, D(2026, 4, 14)),
        "Bắt đầu hôm nay": (1, TODAY),
    }
    for name, (late, due) in expected.items():
        key = keys[by_name[name].pk]
        assert (key["item_late"], key["item_undated"], key["item_due"]) == (late, 0, due), name


def test_one_order_with_the_cases_overdue_then_soonest_then_longest_waiting(tree):
    source, target = tree["on_top"], tree["on_district"]
    case(source, "Hồ sơ quá hạn", D(2026, 4, 8))
    case(source, "Hồ sơ hạn xa", D(2026, 5, 20))
    arrival(source, target, "Đến quá hạn nhiều", letter_date=D(2026, 2, 2))
    arrival(
        source,
        target,
        "Đến hạn gần",
        letter_date=latest_anchor(transfers.present_due, D(2026, 4, 20)),
    )
    letter_to_issue(
        source,
        target,
        "Giấy quá hạn",
        change_date=latest_anchor(transfers.start_due, D(2026, 4, 10)),
    )
    letter_to_issue(source, target, "Giấy chưa có hạn cũ", requested_on=D(2026, 3, 2))
    letter_to_issue(source, target, "Giấy chưa có hạn mới", requested_on=D(2026, 4, 10))
    assert [name for _, name in queue(tree["officer"])] == [
        "Đến quá hạn nhiều",  # due in March
        "Hồ sơ quá hạn",  # due 08/04
        "Giấy quá hạn",  # due 10/04
        "Đến hạn gần",  # due 20/04
        "Hồ sơ hạn xa",  # due 20/05
        "Giấy chưa có hạn cũ",  # no deadline: the longest waiting first
        "Giấy chưa có hạn mới",
    ]


# The page ----------------------------------------------------------------------------------------


def test_each_row_opens_the_transfer_page_where_the_officer_acts(client, tree):
    letter = letter_to_issue(tree["on_district"], tree["elsewhere"], "Chờ cấp giấy")
    waiting = arrival(tree["elsewhere"], tree["on_commune"], "Chờ tiếp nhận", letter_date=ASKED)
    client.force_login(tree["officer"])
    rows = client.get(URL).context["rows"]
    assert {(r.person, r.url, r.chapter) for r in rows} == {
        (
            "Chờ cấp giấy",
            reverse("members:handover-issue", args=[letter.public_id]),
            tree["on_district"],
        ),
        (
            "Chờ tiếp nhận",
            reverse("members:handover-detail", args=[waiting.public_id]),
            tree["on_commune"],
        ),
    }
    for row in rows:
        assert client.get(row.url).status_code == 200, row.url
        assert client.get(row.detail_url).status_code == 200, row.detail_url


def test_the_page_flags_the_deadlines_in_vietnamese(client, tree):
    source, target = tree["on_top"], tree["on_district"]
    arrival(
        source,
        target,
        "Quá hạn xuất trình",
        letter_date=latest_anchor(transfers.present_due, D(2026, 4, 14)),
    )
    arrival(source, target, "Hạn hôm nay", letter_date=latest_anchor(transfers.present_due, TODAY))
    letter_to_issue(source, target, "Chưa có hạn")
    client.force_login(tree["officer"])
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="vi")
    rows = {row.person: row for row in response.context["rows"]}
    assert [row.person for row in response.context["rows"]] == [
        "Quá hạn xuất trình",
        "Hạn hôm nay",
        "Chưa có hạn",
    ]
    assert rows["Quá hạn xuất trình"].state == "overdue"
    assert rows["Quá hạn xuất trình"].deadline.due == D(2026, 4, 14)
    assert rows["Hạn hôm nay"].state == "soon" and rows["Hạn hôm nay"].days_left == 0
    assert rows["Chưa có hạn"].deadline is None and rows["Chưa có hạn"].state == ""
    page = response.text
    for text in (
        "Giấy giới thiệu chờ cấp",
        "Chuyển đến chưa tiếp nhận",
        "Cấp giấy giới thiệu",
        "Xuất trình giấy giới thiệu sinh hoạt đảng: 14/04/2026",
        "Quy định 294-QĐ/TW, mục 6.3.1",
        "Chuyển sinh hoạt đảng giữa các chi bộ",
        "list-group-item-danger",
    ):
        assert text in page, text
    assert "R22" not in page


def test_a_fixed_number_of_queries_with_transfers_on_the_page(
    client, tree, django_assert_num_queries
):
    def fill(n, start):
        for i in range(n):
            day = D(2026, 3, 2) + datetime.timedelta(days=start + i)
            case(tree["on_district"], f"Hồ sơ {start + i}", day + datetime.timedelta(days=40))
            letter_to_issue(tree["on_top"], tree["elsewhere"], f"Giấy {start + i}", change_date=day)
            arrival(tree["elsewhere"], tree["on_district"], f"Đến {start + i}", letter_date=day)

    client.force_login(tree["officer"])
    filters = {"unit": tree["top"].public_id, "chapter": tree["on_district"].public_id}
    fill(2, 0)
    client.get(URL)  # the calendar and the rule values are cached after the first page
    # session, user, roles, the transfers' deadline dates, count, page of keys, the page's
    # cases, the page's transfers, the unit choices, the chapter picker's options
    with django_assert_num_queries(10):
        assert len(client.get(URL).context["rows"]) == 6
    with django_assert_num_queries(13):  # + the unit, the chapter and the picker's label
        assert len(client.get(URL, filters).context["rows"]) == 4
    fill(20, 10)
    with django_assert_num_queries(10):
        assert len(client.get(URL).context["rows"]) == work_queue.PER_PAGE
    with django_assert_num_queries(13):
        assert len(client.get(URL, filters).context["rows"]) == 44
