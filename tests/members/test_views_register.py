"""The register pages: list, detail, new member, edit (members/views.py)."""

import datetime
import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from members import register_table, services
from members.actions import ACTION_SLUGS, available_actions
from members.filters import latest_birth_date
from members.models import Member, MemberEvent, Position
from tests.members.factories import CellFactory, ChapterFactory, register_member

pytestmark = pytest.mark.django_db

Status = Member.Status
LIST_URL = reverse("members:member-list")
CREATE_URL = reverse("members:member-create")


def detail_url(member: Member) -> str:
    return reverse("members:member-detail", args=[member.public_id])


def edit_url(member: Member) -> str:
    return reverse("members:member-edit", args=[member.public_id])


def move_url(member: Member, slug: str) -> str:
    return reverse("members:member-move", args=[member.public_id, slug])


def shown(response, member: Member) -> bool:
    return detail_url(member) in response.text


def order_of(response, *members: Member) -> list[int]:
    return [response.text.index(detail_url(m)) for m in members]


@pytest.fixture
def login(client, request):
    """Log in as the actor fixture named ``name`` (None: stay anonymous)."""

    def login_as(name: str | None):
        # English pages, so the assertions can read the (English) source strings.
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if name is not None:
            client.force_login(request.getfixturevalue(name))
        return client

    return login_as


# Access matrix ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, member):
    for url in (LIST_URL, CREATE_URL, detail_url(member), edit_url(member)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("actor", "sees_member", "sees_other"),
    [
        ("outsider", False, False),
        ("cell_leader", True, False),
        ("other_cell_leader", False, True),
        ("secretary", True, True),
        ("committee_officer", True, True),
        ("admin_user", True, True),
        ("user", False, False),
    ],
)
def test_list_shows_the_users_scope(login, member, other_member, actor, sees_member, sees_other):
    response = login(actor).get(LIST_URL)
    assert response.status_code == 200
    assert shown(response, member) is sees_member
    assert shown(response, other_member) is sees_other


@pytest.mark.parametrize(
    ("actor", "status", "has_buttons"),
    [
        ("outsider", 404, False),
        ("cell_leader", 200, False),
        ("other_cell_leader", 404, False),
        ("secretary", 200, True),
        ("committee_officer", 200, False),
        ("admin_user", 200, True),
    ],
)
def test_detail_access(login, member, actor, status, has_buttons):
    response = login(actor).get(detail_url(member))
    assert response.status_code == status
    if status == 200:
        correct_url = reverse("members:member-correct", args=[member.public_id])
        assert (move_url(member, "transfer-out") in response.text) is has_buttons
        assert (correct_url in response.text) is has_buttons


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("outsider", 200),  # a secretary of another chapter: a form for their own chapter
        ("cell_leader", 403),
        ("other_cell_leader", 403),
        ("secretary", 200),
        ("committee_officer", 403),
        ("admin_user", 200),
        ("user", 403),
    ],
)
def test_create_access(login, chapter, cell, actor, status):
    client = login(actor)
    assert client.get(CREATE_URL).status_code == status
    if status == 403:
        response = client.post(CREATE_URL, create_data(chapter, cell))
        assert response.status_code == 403
        assert not Member.objects.exists()


def test_create_offers_only_the_chapters_the_user_manages(login, chapter, cell):
    response = login("outsider").get(CREATE_URL)
    assert cell.name not in response.text
    response = login("outsider").post(CREATE_URL, create_data(chapter, cell))
    assert response.status_code == 200
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("outsider", 404),
        ("cell_leader", 200),
        ("other_cell_leader", 404),
        ("secretary", 200),
        ("committee_officer", 403),
        ("admin_user", 200),
    ],
)
def test_edit_access(login, member, actor, status):
    client = login(actor)
    assert client.get(edit_url(member)).status_code == status
    if status != 200:
        assert client.post(edit_url(member), {"phone": "0900000000"}).status_code == status
        member.refresh_from_db()
        assert member.phone == ""


def test_other_methods_are_refused(login, member):
    client = login("secretary")
    assert client.post(LIST_URL).status_code == 405
    assert client.post(detail_url(member)).status_code == 405
    assert client.put(CREATE_URL).status_code == 405
    assert client.delete(edit_url(member)).status_code == 405


# The register: filters, search, sort, pages, htmx --------------------------------------------


@pytest.fixture
def transferred(cell, secretary):
    gone = register_member(cell=cell, full_name="Lê Văn Chuyển", gender="M")
    services.member_transfer_out(
        member_id=gone.pk,
        actor=secretary,
        effective_date=datetime.date(2020, 1, 1),
        to_organisation="Chi bộ khác",
        letter=services.Document(number="1-GGT", date=datetime.date(2019, 12, 28)),
    )
    gone.refresh_from_db()
    return gone


def test_list_shows_members_on_the_roll_by_default(login, member, transferred):
    client = login("secretary")
    response = client.get(LIST_URL)
    assert shown(response, member) and not shown(response, transferred)
    response = client.get(LIST_URL, {"status": Status.TRANSFERRED_OUT})
    assert shown(response, transferred) and not shown(response, member)
    response = client.get(LIST_URL, {"status": "ALL"})
    assert shown(response, transferred) and shown(response, member)


def test_list_filters_by_flag(login, member, other_member, secretary):
    services.member_exempt(
        member_id=member.pk, actor=secretary, effective_date=timezone.localdate(), reason="ốm"
    )
    response = login("secretary").get(LIST_URL, {"status": "EXEMPTED"})
    assert shown(response, member) and not shown(response, other_member)


def test_list_filters_by_cell_and_gender(login, member, other_member, other_cell):
    client = login("secretary")
    response = client.get(LIST_URL, {"cell": other_cell.pk})
    assert shown(response, other_member) and not shown(response, member)
    response = client.get(LIST_URL, {"gender": "F"})
    assert shown(response, member) and not shown(response, other_member)


def test_the_chapter_filter_appears_only_with_several_chapters(login, member):
    assert 'name="chapter"' not in login("secretary").get(LIST_URL).text
    ChapterFactory()
    assert 'name="chapter"' in login("admin_user").get(LIST_URL).text


def test_list_filters_by_chapter(login, member):
    elsewhere = register_member(full_name="Phạm Văn Xa")
    response = login("admin_user").get(LIST_URL, {"chapter": elsewhere.chapter.pk})
    assert shown(response, elsewhere) and not shown(response, member)


def aged(cell, born: datetime.date, name: str) -> Member:
    """A recent probationary member (admitted as an adult) born on ``born``."""
    today = timezone.localdate()
    return register_member(
        cell=cell,
        status=Status.PROBATIONARY,
        effective_date=today - datetime.timedelta(days=10),
        date_of_birth=born,
        full_name=name,
    )


def test_list_filters_by_age_band(login, cell):
    today = timezone.localdate()
    thirty = latest_birth_date(today, 30)
    young = aged(cell, thirty + datetime.timedelta(days=1), "Trẻ Một Ngày")
    just_thirty = aged(cell, thirty, "Vừa Ba Mươi")
    forty_five = register_member(cell=cell, date_of_birth=datetime.date(today.year - 45, 1, 1))
    sixty_one = register_member(cell=cell, date_of_birth=datetime.date(today.year - 62, 1, 1))
    assert (young.age(), just_thirty.age()) == (29, 30)
    client = login("secretary")
    expected = {
        "under-30": {young},
        "30-39": {just_thirty},
        "40-49": {forty_five},
        "50-59": set(),
        "60-plus": {sixty_one},
    }
    everyone = {young, just_thirty, forty_five, sixty_one}
    for band, members in expected.items():
        response = client.get(LIST_URL, {"age": band})
        assert {m for m in everyone if shown(response, m)} == members, band


def test_age_band_boundary_for_a_leap_day_birth():
    # Born 29/02/2000 is 30 on 28/02/2030 by Member.age's month count.
    assert latest_birth_date(datetime.date(2030, 2, 28), 30) == datetime.date(2000, 2, 29)
    assert latest_birth_date(datetime.date(2030, 3, 1), 30) == datetime.date(2000, 3, 1)


def test_list_filters_by_year_admitted(login, member, cell):
    recent = aged(cell, datetime.date(1990, 1, 1), "Mới Vào")
    client = login("secretary")
    response = client.get(LIST_URL, {"year_admitted": 2010})
    assert shown(response, member) and not shown(response, recent)
    response = client.get(LIST_URL, {"year_admitted": recent.ceremony_date.year})
    assert shown(response, recent) and not shown(response, member)


@pytest.mark.parametrize(
    ("query", "found"),
    [("nguyen thi hong", True), ("NGUYỄN", True), ("hong", True), ("Hồng", True), ("binh", False)],
)
def test_search_ignores_diacritics_and_case(login, member, other_member, query, found):
    response = login("secretary").get(LIST_URL, {"q": query})
    assert shown(response, member) is found
    assert shown(response, other_member) is (query == "binh")


@pytest.fixture
def abc(cell, other_cell):
    """Three members whose order by given name (An, Cúc, Dũng) differs from their order by
    family name (Bùi, Cao, Đỗ): the register sorts the Vietnamese way (given name first)."""
    born = datetime.date
    return (
        register_member(cell=other_cell, full_name="Bùi Thị Cúc", date_of_birth=born(1970, 1, 1)),
        register_member(cell=cell, full_name="Cao Văn Dũng", date_of_birth=born(1985, 1, 1)),
        register_member(cell=cell, full_name="Đỗ Văn An", date_of_birth=born(1975, 1, 1)),
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", (2, 0, 1)),
        ("name", (2, 0, 1)),
        ("-name", (1, 0, 2)),
        ("date_of_birth", (0, 2, 1)),
        ("-date_of_birth", (1, 2, 0)),
        ("cell", (2, 1, 0)),  # Tổ 1 (An, Dũng by given name), then Tổ 2
        ("-cell", (0, 2, 1)),
        ("nonsense", (2, 0, 1)),
    ],
)
def test_sort(login, abc, sort, expected):
    response = login("secretary").get(LIST_URL, {"sort": sort})
    assert response.status_code == 200
    positions = order_of(response, *abc)
    assert sorted(range(3), key=lambda i: positions[i]) == list(expected)


def test_sort_by_status_and_dates_accepts_missing_dates(login, member, cell):
    probationary = aged(cell, datetime.date(1990, 1, 1), "Dự Bị")
    client = login("secretary")
    for sort in ("status", "-status", "ceremony_date", "-official_date"):
        assert client.get(LIST_URL, {"sort": sort}).status_code == 200
    response = client.get(LIST_URL, {"sort": "status"})
    assert order_of(response, probationary, member) == sorted(
        order_of(response, probationary, member)
    )


def test_pagination_keeps_the_filters(login, chapter):
    for _ in range(52):
        register_member(chapter, gender="M")
    client = login("secretary")
    response = client.get(LIST_URL, {"gender": "M", "sort": "-name"})
    assert response.context["page"].paginator.num_pages == 2
    assert len(response.context["page"].object_list) == 50
    assert "?gender=M&amp;sort=-name&amp;page=2" in response.text
    response = client.get(LIST_URL, {"gender": "M", "sort": "-name", "page": 2})
    assert len(response.context["page"].object_list) == 2
    assert response.context["totals"]["total"] == 52


def test_totals_count_the_current_filter(login, member, other_member, cell):
    aged(cell, datetime.date(1990, 1, 1), "Dự Bị")
    client = login("secretary")
    assert client.get(LIST_URL).context["totals"] == {"total": 3, "official": 2, "probationary": 1}
    response = client.get(LIST_URL, {"cell": cell.pk})
    assert response.context["totals"] == {"total": 2, "official": 1, "probationary": 1}


def test_htmx_gets_the_results_only(login, member):
    client = login("secretary")
    response = client.get(LIST_URL, {"q": "hong"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and "<h1" not in response.text
    assert shown(response, member)
    assert "HX-Request" in response["Vary"]
    sort_input = (
        '<input type="hidden" name="sort" id="member-sort" value="-name" hx-swap-oob="true">'
    )
    response = client.get(LIST_URL, {"sort": "-name"}, headers={"HX-Request": "true"})
    assert sort_input in response.text  # the filter form keeps the sort chosen in a header
    full = client.get(
        LIST_URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in full.text
    page = client.get(LIST_URL)
    assert page.text.count("<h1") == 1 and 'hx-target="#member-results"' in page.text


def test_secretary_gets_the_add_and_transfer_buttons(login, member):
    assert CREATE_URL in login("secretary").get(LIST_URL).text
    assert reverse("members:transfer-in") in login("secretary").get(LIST_URL).text
    assert CREATE_URL not in login("cell_leader").get(LIST_URL).text
    assert CREATE_URL not in login("committee_officer").get(LIST_URL).text


def test_list_shows_days_left_of_probation(login, cell):
    probationary = aged(cell, datetime.date(1990, 1, 1), "Dự Bị")
    with translation.override("en"):
        response = login("secretary").get(LIST_URL)
    days = probationary.probation_days_left()
    assert f"{days} days left" in response.text


STATES = [
    {"status": Status.OFFICIAL},
    {"status": Status.OFFICIAL, "is_exempted": True, "is_temporarily_out": True},
    {"status": Status.PROBATIONARY, "official_date": datetime.date(2026, 9, 1)},  # days left
    {"status": Status.PROBATIONARY, "official_date": datetime.date(2026, 3, 16)},  # one day
    {"status": Status.PROBATIONARY, "official_date": datetime.date(2026, 3, 15)},  # due today
    {"status": Status.PROBATIONARY, "official_date": None},
    {"status": Status.TRANSFERRED_OUT},
    {"status": Status.DECEASED},
]


@pytest.mark.freeze_time("2026-03-15")
@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("state", STATES)
def test_the_rows_badges_are_the_member_pages(state, language):
    """members/register_table.py builds the badges of templates/members/_status_badge.html."""
    member = Member(full_name="Nguyễn Văn A", **state)
    with translation.override(language):
        built = register_table.status_badges(member)
        rendered = render_to_string("members/_status_badge.html", {"member": member})

    def plain(html: str) -> str:
        return re.sub(r">\s+", ">", re.sub(r"\s+<", "<", " ".join(html.split())))

    assert plain(built) == plain(rendered)


def test_the_rows_escape_what_users_typed(login, cell):
    register_member(cell=cell, full_name="<b>Lê</b> Văn Tám", workplace='"><script>x</script>')
    page = login("secretary").get(LIST_URL).text
    assert "<b>Lê</b>" not in page and "&lt;b&gt;Lê&lt;/b&gt; Văn Tám" in page
    assert "<script>x</script>" not in page


# A member's record ------------------------------------------------------------------------


@pytest.mark.freeze_time("2026-11-27")  # the fixtures' rows too, so the history keeps its order
def test_detail_shows_the_record(login, member, secretary, other_cell):
    services.member_move_cell(
        member_id=member.pk,
        actor=secretary,
        cell=other_cell,
        effective_date=datetime.date(2021, 3, 1),
        note="đổi nơi ở",
    )
    services.member_update_details(
        member_id=member.pk, actor=secretary, changes={"phone": "0912345678"}, reason="số mới"
    )
    Position.objects.create(
        member=member,
        organisation=Position.Organisation.TRADE_UNION,
        title="Chủ tịch công đoàn",
        start_date=datetime.date(2019, 1, 1),
    )
    with translation.override("en"):
        response = login("secretary").get(detail_url(member))
    text = response.text
    assert response.status_code == 200
    assert text.count("<h1") == 1
    assert "Chủ tịch công đoàn" in text
    assert "0912345678" in text and "số mới" in text  # the change and its reason
    assert "Tổ 1" in text and "Tổ 2" in text  # the cell change in the history
    assert "đổi nơi ở" in text and "01/03/2021" in text  # the movement
    assert "16 years 10 months" in text  # party age from 05/01/2010 on 27/11/2026
    history = response.context["history"]
    assert history[0].record.history_change_reason == "số mới"
    assert [c.new for c in history[0].changes] == ["0912345678"]


def test_detail_shows_only_allowed_movements(login, member, cell):
    probationary = aged(cell, datetime.date(1990, 1, 1), "Dự Bị")
    client = login("secretary")
    text = client.get(detail_url(probationary)).text
    for slug in ("confirm", "remove-from-probationary-list", "temporary-out", "exempt"):
        assert move_url(probationary, slug) in text
    for slug in ("remove", "expel", "leave", "temporary-return", "end-exemption"):
        assert move_url(probationary, slug) not in text
    text = client.get(detail_url(member)).text
    assert move_url(member, "expel") in text and move_url(member, "confirm") not in text


def test_available_actions_follow_the_table_and_flags(member, transferred, secretary):
    assert available_actions(member) == [
        "transfer-out", "temporary-out", "move-cell", "exempt", "remove", "expel", "leave", "death",
    ]  # fmt: skip
    assert available_actions(transferred) == []
    services.member_temporary_out(
        member_id=member.pk,
        actor=secretary,
        effective_date=timezone.localdate(),
        to_organisation="Chi bộ tạm",
    )
    services.member_exempt(
        member_id=member.pk, actor=secretary, effective_date=timezone.localdate(), reason="ốm"
    )
    member.refresh_from_db()
    actions = available_actions(member)
    assert "temporary-return" in actions and "temporary-out" not in actions
    assert "end-exemption" in actions and "exempt" not in actions
    assert actions == [slug for slug in ACTION_SLUGS if slug in actions]


def test_committee_officer_sees_no_action(login, member):
    text = login("committee_officer").get(detail_url(member)).text
    assert move_url(member, "transfer-out") not in text
    assert edit_url(member) not in text


# New member -------------------------------------------------------------------------------


def create_data(chapter, cell, **overrides) -> dict:
    data = {
        "chapter": chapter.pk,
        "cell": cell.pk if cell else "",
        "status": Status.OFFICIAL,
        "effective_date": "01/06/2020",
        "full_name": "Hoàng Văn Mới",
        "gender": "M",
        "date_of_birth": "15/03/1980",
        "ethnicity": "Kinh",
        "religion": "Không",
        "citizen_id": "001080012345",
        "earlier_interruption_months": "0",
        "admission_decision_date": "05/01/2010",
        "ceremony_date": "20/01/2010",
        "official_date": "",
    }
    data.update(overrides)
    return data


def test_create_registers_the_member(login, chapter, cell, secretary):
    response = login("secretary").post(CREATE_URL, create_data(chapter, cell))
    member = Member.objects.get()
    assert response.status_code == 302 and response.url == detail_url(member)
    assert member.status == Status.OFFICIAL and member.cell == cell
    assert member.official_date == datetime.date(2011, 1, 20)  # ceremony + 12 months
    event = member.events.get()
    assert event.kind == MemberEvent.Kind.REGISTERED
    assert event.effective_date == datetime.date(2020, 6, 1)
    assert event.actor == secretary and event.cell == cell


def test_create_form_has_the_sections(login, chapter):
    with translation.override("en"):
        text = login("secretary").get(CREATE_URL).text
    for title in ("Identity", "Contact", "Education and work", "Party dates and identifiers"):
        assert f"<legend>{title}</legend>" in text
    assert 'placeholder="dd/mm/yyyy"' in text
    assert 'type="hidden" name="chapter"' in text  # one chapter: no choice to make


@pytest.fixture
def other_chapter_cell(db):
    return CellFactory(chapter=ChapterFactory(), name="Tổ ngoài")


@pytest.mark.parametrize(
    ("actor", "overrides", "field"),
    [
        ("secretary", {"citizen_id": "12345"}, "citizen_id"),
        ("secretary", {"citizen_id": "001080099999"}, "citizen_id"),  # already on the roll
        (
            "secretary",
            {"status": Status.PROBATIONARY, "ceremony_date": "", "admission_decision_date": ""},
            "ceremony_date",
        ),
        ("secretary", {"cell": "other"}, "cell"),  # not offered
        ("admin_user", {"cell": "other"}, "cell"),  # offered, refused by the service
        ("secretary", {"effective_date": "01/01/2099"}, "effective_date"),
        ("secretary", {"date_of_birth": "01/01/2020"}, "date_of_birth"),  # not plausible
        ("secretary", {"date_of_birth": "01/01/2000"}, "date_of_birth"),  # 10 when admitted
        ("secretary", {"ceremony_date": "01/01/2009"}, "ceremony_date"),  # before the decision
    ],
)
def test_create_refusals_write_nothing(
    login, chapter, cell, other_chapter_cell, actor, overrides, field
):
    register_member(chapter, citizen_id="001080099999")
    before = (Member.objects.count(), MemberEvent.objects.count())
    if overrides.get("cell") == "other":
        overrides["cell"] = other_chapter_cell.pk
    data = {**create_data(chapter, cell), **overrides}
    response = login(actor).post(CREATE_URL, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert (Member.objects.count(), MemberEvent.objects.count()) == before


# Editing ----------------------------------------------------------------------------------


def edit_data(member: Member, **overrides) -> dict:
    data = {name: getattr(member, name) for name in Member.CELL_LEADER_FIELDS}
    data.update(overrides)
    return data


def posted(form) -> dict:
    """What the browser posts back for an unchanged form."""
    return {
        name: "" if form.initial.get(name) is None else form.initial[name] for name in form.fields
    }


def test_cell_leader_edits_only_the_contact_job_and_note(login, member, cell_leader):
    client = login("cell_leader")
    form = client.get(edit_url(member)).context["form"]
    assert set(form.fields) == {*Member.CELL_LEADER_FIELDS, "reason"}
    data = edit_data(
        member,
        phone="0987654321",
        full_name="Tên Khác",
        card_number="12345678",
        citizen_id="001080012345",
        reason="số điện thoại mới",
    )
    response = client.post(edit_url(member), data)
    assert response.status_code == 302 and response.url == detail_url(member)
    member.refresh_from_db()
    assert member.phone == "0987654321"
    assert (member.full_name, member.card_number, member.citizen_id) == ("Nguyễn Thị Hồng", "", "")
    latest = member.history.first()
    assert latest.history_change_reason == "số điện thoại mới"
    assert latest.history_user == cell_leader


def test_edit_shows_service_errors_on_fields(login, member, other_member):
    services.member_update_details(
        member_id=other_member.pk, actor=None, changes={"citizen_id": "001080055555"}
    )
    client = login("secretary")
    form = client.get(edit_url(member)).context["form"]
    assert "full_name" in form.fields and "ceremony_date" not in form.fields
    data = posted(form)
    response = client.post(edit_url(member), {**data, "citizen_id": "001080055555"})
    assert "citizen_id" in response.context["form"].errors
    response = client.post(edit_url(member), {**data, "citizen_id": "123"})
    assert "citizen_id" in response.context["form"].errors
    member.refresh_from_db()
    assert member.citizen_id == ""


def test_edit_without_changes_writes_no_history(login, member):
    count = member.history.count()
    response = login("cell_leader").post(edit_url(member), edit_data(member))
    assert response.status_code == 302
    assert member.history.count() == count


# Fixed query counts -------------------------------------------------------------------------


def populate(cell, other_cell, secretary, size: int) -> Member:
    """``size`` members, each with a few movements (so events and history rows)."""
    today = timezone.localdate()
    for i in range(size):
        person = register_member(cell=cell if i % 2 else other_cell)
        services.member_exempt(
            member_id=person.pk, actor=secretary, effective_date=today, reason="ốm"
        )
        services.member_end_exemption(member_id=person.pk, actor=secretary, effective_date=today)
    return person


# The same whatever the number of members: session, user, roles, the header's chapter links,
# the cells offered, the (capped) count, the page, its party ages (one prefetch), the arrivals
# awaiting acceptance (the transfers link's badge).
LIST_QUERIES = 9
# with the yearly ratings (ratings_tags.member_ratings) and the transfer under way, if any
DETAIL_QUERIES = 9


@pytest.mark.parametrize("size", [3, 25])
def test_list_runs_a_fixed_number_of_queries(
    client, cell, other_cell, secretary, size, django_assert_num_queries
):
    populate(cell, other_cell, secretary, size)
    client.force_login(secretary)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST_URL, {"status": "ALL", "sort": "cell"})
    assert response.context["totals"]["total"] == size


# A committee officer's register: the chapters offered too, a drop-down of a few or a picker of
# many (members/pickers.py), one query either way.
OFFICER_LIST_QUERIES = LIST_QUERIES + 1


@pytest.mark.parametrize("chapters", [2, 40])
def test_an_officers_list_runs_a_fixed_number_of_queries(
    client, cell, committee_officer, chapters, django_assert_num_queries
):
    for _i in range(chapters - 1):
        other = CellFactory(chapter=ChapterFactory(committee=cell.chapter.committee))
        register_member(cell=other)
    register_member(cell=cell)
    client.force_login(committee_officer)
    with django_assert_num_queries(OFFICER_LIST_QUERIES):
        response = client.get(LIST_URL)
    assert response.context["totals"]["total"] == chapters
    assert ('role="combobox"' in response.text) is (chapters > 30)


def test_each_member_is_rendered_once(login, member, other_member):
    """One row per member, a table on a screen and a card on a phone (app.css .reg-table)."""
    page = login("secretary").get(LIST_URL).text
    for person in (member, other_member):
        assert page.count(detail_url(person)) == 1
        assert page.count(person.full_name) == 1
    assert page.count('<table class="table') == 1
    assert 'data-label="Party age"' in page  # the label a phone shows beside the value


def test_the_count_stops_at_the_cap(login, chapter, monkeypatch):
    from members import views

    monkeypatch.setattr(views, "COUNT_CAP", 3)
    monkeypatch.setattr(views, "PER_PAGE", 2)
    for _i in range(5):
        register_member(chapter)
    response = login("secretary").get(LIST_URL)
    assert response.context["capped"]
    assert response.context["totals"] == {"total": 4, "official": None, "probationary": None}
    assert "more than 3 members" in response.text
    assert response.context["page"].paginator.num_pages == 2  # the pages reach the first 3
    assert "search or filter to find the others" in response.text
    monkeypatch.setattr(views, "COUNT_CAP", 5)
    response = login("secretary").get(LIST_URL)
    assert not response.context["capped"]
    assert response.context["totals"]["total"] == 5
    assert "5 members" in response.text


def test_a_search_counts_up_to_its_own_cap(login, chapter, monkeypatch):
    from members import views

    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 2)
    for _i in range(3):
        register_member(chapter, full_name="Nguyễn Văn Ba")
    register_member(chapter, full_name="Lê Thị Tư")
    client = login("secretary")
    response = client.get(LIST_URL, {"q": "nguyen van"})
    assert response.context["capped"] and "more than 2 members" in response.text
    response = client.get(LIST_URL)  # no search: the register's own cap
    assert not response.context["capped"] and response.context["totals"]["total"] == 4


@pytest.mark.parametrize("moves", [1, 8])
def test_detail_runs_a_fixed_number_of_queries(
    client, cell, other_cell, secretary, moves, django_assert_num_queries
):
    person = populate(cell, other_cell, secretary, 3)
    for i in range(moves):
        services.member_move_cell(
            member_id=person.pk,
            actor=secretary,
            cell=cell if person.cell == other_cell else other_cell,
            effective_date=timezone.localdate(),
            note=f"lần {i}",
        )
        person.refresh_from_db()
        Position.objects.create(
            member=person,
            organisation="OTHER",
            title=f"Chức {i}",
            start_date=datetime.date(2020, 1, 1),
        )
    client.force_login(secretary)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(detail_url(person))
    assert len(response.context["history"]) == moves + 3


def test_secretary_edits_a_name_with_a_reason(login, member, secretary):
    client = login("secretary")
    data = posted(client.get(edit_url(member)).context["form"])
    data.update(full_name="Nguyễn Thị Hồng Nhung", reason="sai chính tả")
    assert client.post(edit_url(member), data).status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Nguyễn Thị Hồng Nhung"
    assert Member.objects.search("hong nhung").get() == member
    latest = member.history.first()
    assert (latest.history_change_reason, latest.history_user) == ("sai chính tả", secretary)
