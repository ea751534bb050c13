"""Bad input gets a message or the default, never a server error (issue 10, item 6).

Query parameters (years, pages, sorts, dates, drill-down values, NUL bytes) on every list,
report and the dashboard; date bounds on every form (chapter.forms.check_date) and in the
importer; maximum lengths on free text. A refused form writes nothing.
"""

import datetime

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admissions.forms import ExtendForm, ObservationForm
from admissions.models import Candidate, Extension, Observation
from chapter.forms import (
    LONG_TEXT_MAX,
    BoundedDateField,
    DateKind,
    check_date,
    date_bounds,
    note_field,
)
from members.forms import MemberCreateForm
from members.models import RoleAssignment
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-16")]
D = datetime.date
St = Candidate.Stage
TODAY = D(2026, 3, 16)

JUNK = ["-1", "0", "10000", "1e5", "9" * 30, "abc", "1.5", "", "  ", "x" * 3000, "%ff", "0x7e9"]
JUNK_DATES = ["0001-01-01", "01/01/0001", "9999-12-31", "31/12/9999", "1929-12-31", "30/02/2020"]


@pytest.fixture
def story(chapter, cell):
    story = PipelineStory.build(chapter=chapter, officials=6)
    story.candidate_at(St.INTRODUCED, full_name="Lê Thị Mai")
    return story


@pytest.fixture
def secretary_client(client, secretary, member, story):
    client.force_login(secretary)
    return client


# Query parameters ----------------------------------------------------------------------------

LISTS = {
    "/members/": ["year_admitted", "page", "sort", "status", "gender", "age", "cell", "q"],
    "/admissions/": ["chapter", "cell", "q", "unit", "units"],
    "/admissions/board/POOL/": ["offset", "chapter", "cell", "q", "unit"],
    "/admissions/list/": ["stage", "source", "page", "cell", "q"],
    "/admissions/deadlines/": ["page"],
    "/admissions/probation/": ["page"],
    "/": ["as_of"],
    "/reports/": ["as_of", "from", "to", "chapter", "cell", "page"],
}


@pytest.mark.parametrize("url", LISTS)
def test_junk_query_parameters_never_give_a_server_error(secretary_client, url):
    for name in LISTS[url]:
        for value in [*JUNK, *JUNK_DATES]:
            response = secretary_client.get(url, {name: value})
            assert response.status_code in (200, 404), (url, name, value)


@pytest.mark.parametrize("year", ["-1", "0", "10000", "1e5", "99999999999999999999", "1929"])
def test_a_year_out_of_range_is_left_out_with_a_message(secretary_client, member, year):
    response = secretary_client.get("/members/", {"year_admitted": year})
    assert response.status_code == 200
    assert "filter-errors" in response.text
    assert "Năm kết nạp" in response.text  # the filter named, in Vietnamese
    assert member.full_name in response.text  # the filter is left out: the default list


def test_a_year_in_range_still_filters(secretary_client, member):
    response = secretary_client.get("/members/", {"year_admitted": "1931"})
    assert response.status_code == 200 and "filter-errors" not in response.text
    assert member.full_name not in response.text


def test_an_unknown_status_falls_back_to_the_roll(secretary_client, member):
    response = secretary_client.get("/members/", {"status": "NOPE"})
    assert response.status_code == 200
    assert response.context["filterset"].form.cleaned_data["status"] == "ACTIVE"
    assert member.full_name in response.text


@pytest.mark.parametrize("value", JUNK_DATES[:4])
@pytest.mark.parametrize("name", ["as_of", "from", "to"])
def test_a_report_date_out_of_range_is_a_message(secretary_client, name, value):
    response = secretary_client.get("/reports/", {name: value})
    assert response.status_code == 200
    assert "invalid-feedback" in response.text or "errorlist" in response.text
    assert "03/02/1930" in response.text or "không" in response.text.lower()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_report_drilldown_and_exports_refuse_absurd_dates(secretary_client, value):
    for url in (
        "/reports/people/?figure=on_roll",
        "/reports/figures.xlsx",
        "/reports/register.xlsx",
    ):
        response = secretary_client.get(url, {"as_of": value})
        assert response.status_code == 404, url


NUL_URLS = [
    "/?x=%00",
    "/members/?q=a%00b",
    "/members/?year_admitted=%00",
    "/members/?page=%00",
    "/admissions/?q=%00",
    "/admissions/list/?stage=%00",
    "/admissions/deadlines/?x=%00",
    "/admissions/probation/?x=%00",
    "/reports/?as_of=%00",
    "/reports/people/?figure=by_cell&value=%00",
    "/reports/people/?figure=by_chapter&value=1%002",
    "/reports/people/?figure=age&value=%00",
    "/admin/members/member/?q=%00",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_byte_in_any_parameter_is_a_bad_request_page(secretary_client, url):
    response = secretary_client.get(url)
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.text
    assert response.text.count("<h1") == 1


def test_a_nul_byte_in_a_posted_form_writes_nothing(secretary_client, story):
    candidate = story.candidate_at(St.SYMPATHISER, full_name="Trần Văn Nam")
    url = reverse("admissions:candidate-observe", args=[candidate.public_id])
    data = {"kind": Observation.Kind.OBSERVATION, "date": "16/03/2026", "text": "Tốt\x00"}
    response = secretary_client.post(url, data)
    assert response.status_code == 400
    assert not Observation.objects.exists()


# Date bounds -----------------------------------------------------------------------------------


def test_the_bounds_of_each_kind_of_date():
    assert date_bounds(DateKind.EVENT, TODAY) == (D(1930, 2, 3), D(2026, 4, 16))
    assert date_bounds(DateKind.PLANNED, TODAY) == (D(1930, 2, 3), D(2032, 3, 16))
    assert date_bounds(DateKind.BIRTH, TODAY) == (D(1900, 1, 1), TODAY)


@pytest.mark.parametrize(
    ("kind", "day", "code"),
    [
        (DateKind.EVENT, D(1, 1, 1), "date_too_early"),
        (DateKind.EVENT, D(1930, 2, 2), "date_too_early"),
        (DateKind.EVENT, D(2026, 4, 17), "date_too_late"),
        (DateKind.EVENT, D(9999, 12, 31), "date_too_late"),
        (DateKind.PLANNED, D(2032, 3, 17), "date_too_late"),
        (DateKind.PLANNED, D(1, 1, 1), "date_too_early"),
        (DateKind.BIRTH, D(1899, 12, 31), "date_too_early"),
        (DateKind.BIRTH, D(2026, 3, 17), "date_too_late"),
    ],
)
def test_a_date_out_of_bounds_is_refused_with_a_code(kind, day, code):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        check_date(day, kind)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("kind", "day"),
    [
        (DateKind.EVENT, D(1930, 2, 3)),
        (DateKind.EVENT, D(2026, 4, 16)),
        (DateKind.PLANNED, D(2032, 3, 16)),
        (DateKind.BIRTH, D(1900, 1, 1)),
        (DateKind.BIRTH, TODAY),
    ],
)
def test_the_bounds_themselves_are_accepted(kind, day):
    check_date(day, kind)


def test_the_message_is_vietnamese_and_names_the_founding():
    field = BoundedDateField()
    form_errors = []
    try:
        field.clean("01/01/0001")
    except Exception as error:
        form_errors = error.messages
    assert form_errors == ["Hãy nhập ngày từ 03/02/1930, ngày thành lập Đảng, trở về sau."]
    try:
        field.clean("31/12/9999")
    except Exception as error:
        form_errors = error.messages
    assert form_errors == ["Ngày này quá xa: hãy nhập ngày không muộn hơn 16/04/2026."]


@pytest.mark.parametrize("typed", ["01/01/0001", "31/12/9999", "02/02/1930"])
def test_observations_and_extensions_refuse_absurd_dates(typed):
    observation = ObservationForm({"kind": "OBSERVATION", "date": typed, "text": "Tốt"})
    assert not observation.is_valid() and "date" in observation.errors


@pytest.mark.parametrize("typed", ["01/01/0001", "31/12/9999"])
def test_an_extension_with_an_absurd_date_writes_nothing(client, secretary, story, typed):
    candidate = story.candidate_at(St.ADMISSION_DECIDED, full_name="Phạm Văn An")
    assert ExtendForm.base_fields["date"].kind == DateKind.EVENT
    client.force_login(secretary)
    url = reverse("admissions:candidate-step", args=[candidate.public_id, "extend"])
    response = client.post(url, {"number": "CV-1", "date": typed, "issuing_body": "BTV"})
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert not Extension.objects.exists()


def test_an_observation_with_an_absurd_date_is_refused_with_a_message(secretary_client, story):
    candidate = story.candidate_at(St.SYMPATHISER, full_name="Trần Văn Nam")
    url = reverse("admissions:candidate-observe", args=[candidate.public_id])
    data = {"kind": Observation.Kind.OBSERVATION, "date": "31/12/9999", "text": "Tốt"}
    response = secretary_client.post(url, data, follow=True)
    assert "Ngày này quá xa" in response.text
    assert not Observation.objects.exists()


@pytest.mark.parametrize(("typed", "ok"), [("31/12/9999", False), ("01/01/0001", False),
                                            ("16/03/2031", True)])  # fmt: skip
def test_a_role_end_is_a_planned_date(client, secretary, cell_leader, typed, ok):
    assignment = cell_leader.role_assignments.get()
    client.force_login(secretary)
    response = client.post(reverse("members:role-end", args=[assignment.pk]), {"end_date": typed})
    assignment.refresh_from_db()
    if ok:
        assert response.status_code == 302
        assert assignment.end_date == D(2031, 3, 16)
    else:
        assert response.status_code == 200
        assert "end_date" in response.context["form"].errors
        assert assignment.end_date is None
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_date_of_birth_before_1900_or_in_the_future_is_refused(chapter):
    from members.models import Chapter

    for typed in ("31/12/1899", "17/03/2026"):
        form = MemberCreateForm(
            {"date_of_birth": typed}, chapters=Chapter.objects.filter(pk=chapter.pk)
        )
        assert not form.is_valid()
        assert "date_of_birth" in form.errors


def test_the_importer_refuses_absurd_dates():
    from members.importing import read as importer

    column = next(c for c in importer.COLUMNS if c.key == "ceremony_date")
    for value in ("01/01/0001", "31/12/9999", "02/02/1930"):
        with pytest.raises(importer._Bad) as caught:
            importer._parse(column, value, {})
        assert caught.value.code in ("date_too_early", "date_too_late")
    assert importer._parse(column, "03/02/1930", {}) == D(1930, 2, 3)


# Lengths ---------------------------------------------------------------------------------------


def test_free_text_has_a_maximum_length():
    field = note_field()
    assert field.max_length == LONG_TEXT_MAX
    observation = ObservationForm(
        {"kind": "OBSERVATION", "date": "16/03/2026", "text": "x" * (LONG_TEXT_MAX + 1)}
    )
    assert not observation.is_valid() and "text" in observation.errors


def test_model_text_fields_get_a_maximum_length(chapter):
    from members.models import Chapter

    form = MemberCreateForm(chapters=Chapter.objects.filter(pk=chapter.pk))
    assert form.fields["note"].max_length == LONG_TEXT_MAX
    assert form.fields["date_of_birth"].kind == DateKind.BIRTH
    assert form.fields["official_date"].kind == DateKind.PLANNED
    assert form.fields["ceremony_date"].kind == DateKind.EVENT


# Properties ------------------------------------------------------------------------------------


@given(st.dates())
def test_any_date_is_accepted_exactly_within_its_bounds(day):
    from django.core.exceptions import ValidationError

    for kind in DateKind:
        low, high = date_bounds(kind, TODAY)
        try:
            check_date(day, kind, TODAY)
        except ValidationError:
            assert not low <= day <= high
        else:
            assert low <= day <= high


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(year=st.one_of(st.integers(), st.text(max_size=12)))
def test_any_year_admitted_is_a_list_never_an_error(secretary_client, year):
    value = str(year).replace("\x00", "")
    response = secretary_client.get("/members/", {"year_admitted": value})
    assert response.status_code == 200
