"""members.models: what the database itself refuses, and the answers a Member row gives.

The constraint tests write rows directly, past the services, to show the database is the last
guard of the state machine (STYLE.md convention 8).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from chapter.dates import completed_months
from members.models import MEMBER_TRANSITIONS, Cell, Member, Position, RoleAssignment
from tests.members.factories import CellFactory, ChapterFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Member.Status
Role = RoleAssignment.Role
d = datetime.date


def raw_member(chapter, **fields) -> Member:
    """A row written straight to the table, as only a migration or a bug would."""
    values = {
        "full_name": "Nguyễn Văn Thử",
        "gender": Member.Gender.MALE,
        "date_of_birth": d(1980, 1, 1),
        "status": Status.OFFICIAL,
        "official_date": d(2011, 1, 20),
        **fields,
    }
    return Member.objects.create(chapter=chapter, **values)


def refused_by_database(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


# Partial unique constraints: one member on the roll per citizen ID and per card -------------


ON_ROLL = [Status.OFFICIAL, Status.PROBATIONARY]
OFF_ROLL = [s for s in Status if s not in ON_ROLL]


def _dates(status) -> dict:
    """Key dates a row of ``status`` needs to pass the check constraints."""
    if status == Status.PROBATIONARY:
        return {"official_date": None}
    return {}


@pytest.mark.parametrize("field", ["citizen_id", "card_number"])
@pytest.mark.parametrize("first", ON_ROLL)
@pytest.mark.parametrize("second", ON_ROLL)
def test_two_members_on_the_roll_cannot_share_an_identifier(field, first, second, chapter):
    raw_member(chapter, status=first, **{field: "001080012345"}, **_dates(first))
    refused_by_database(
        lambda: raw_member(
            ChapterFactory(), status=second, **{field: "001080012345"}, **_dates(second)
        )
    )


@pytest.mark.parametrize("field", ["citizen_id", "card_number"])
@pytest.mark.parametrize("gone", OFF_ROLL)
def test_members_off_the_roll_may_share_an_identifier(field, gone, chapter):
    raw_member(chapter, status=gone, **{field: "001080012345"})
    raw_member(chapter, status=gone, **{field: "001080012345"})
    raw_member(chapter, status=Status.OFFICIAL, **{field: "001080012345"})
    assert Member.objects.filter(**{field: "001080012345"}).count() == 3


@pytest.mark.parametrize("field", ["citizen_id", "card_number"])
def test_blank_identifiers_are_not_unique(field, chapter):
    raw_member(chapter, **{field: ""})
    raw_member(chapter, **{field: ""})
    assert Member.objects.count() == 2


# Check constraints tying dates to status ---------------------------------------------------


def test_official_needs_official_date(chapter):
    refused_by_database(lambda: raw_member(chapter, status=Status.OFFICIAL, official_date=None))


def test_probationary_has_no_confirmation_date(chapter):
    refused_by_database(
        lambda: raw_member(
            chapter,
            status=Status.PROBATIONARY,
            ceremony_date=d(2024, 1, 20),
            official_date=d(2025, 1, 20),
            confirmation_decision_date=d(2025, 2, 1),
        )
    )


def test_probationary_without_confirmation_date_accepted(chapter):
    member = raw_member(
        chapter,
        status=Status.PROBATIONARY,
        ceremony_date=d(2024, 1, 20),
        official_date=d(2025, 1, 20),
    )
    assert member.pk


@pytest.mark.parametrize("official_date", [d(2010, 1, 20), d(2009, 12, 31)])
def test_official_date_after_the_ceremony(official_date, chapter):
    refused_by_database(
        lambda: raw_member(chapter, ceremony_date=d(2010, 1, 20), official_date=official_date)
    )


def test_ceremony_not_before_the_admission_decision(chapter):
    refused_by_database(
        lambda: raw_member(
            chapter, admission_decision_date=d(2010, 1, 21), ceremony_date=d(2010, 1, 20)
        )
    )


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (Role.SECRETARY, "cell"),
        (Role.SECRETARY, "committee"),
        (Role.DEPUTY_SECRETARY, None),
        (Role.CELL_LEADER, "chapter"),
        (Role.CELL_LEADER, "chapter+cell"),
        (Role.COMMITTEE_OFFICER, "chapter"),
        (Role.COMMITTEE_OFFICER, None),
    ],
)
def test_role_assignment_unit_matches_role(role, unit, cell):
    units = {"chapter": cell.chapter, "cell": cell, "committee": cell.chapter.committee}
    given_units = {name: units[name] for name in (unit or "").split("+") if name}
    refused_by_database(
        lambda: RoleAssignment.objects.create(
            user=UserFactory(), role=role, start_date=d(2020, 1, 1), **given_units
        )
    )


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (Role.SECRETARY, "chapter"),
        (Role.DEPUTY_SECRETARY, "chapter"),
        (Role.CELL_LEADER, "cell"),
        (Role.COMMITTEE_OFFICER, "committee"),
    ],
)
def test_role_assignment_with_its_unit_accepted(role, unit, cell):
    units = {"chapter": cell.chapter, "cell": cell, "committee": cell.chapter.committee}
    assignment = RoleAssignment.objects.create(
        user=UserFactory(), role=role, start_date=d(2020, 1, 1), **{unit: units[unit]}
    )
    assert assignment.pk


def test_role_assignment_dates_in_order(chapter):
    refused_by_database(
        lambda: RoleAssignment.objects.create(
            user=UserFactory(),
            role=Role.SECRETARY,
            chapter=chapter,
            start_date=d(2020, 1, 2),
            end_date=d(2020, 1, 1),
        )
    )


def test_position_dates_in_order(chapter):
    member = raw_member(chapter)
    refused_by_database(
        lambda: Position.objects.create(
            member=member,
            organisation=Position.Organisation.TRADE_UNION,
            title="Chủ tịch",
            start_date=d(2020, 1, 2),
            end_date=d(2020, 1, 1),
        )
    )


def test_cell_names_unique_in_a_chapter(cell):
    refused_by_database(lambda: Cell.objects.create(chapter=cell.chapter, name=cell.name))
    assert Cell.objects.create(chapter=ChapterFactory(), name=cell.name).pk


# Answers about one row ----------------------------------------------------------------------


# Party age: tests/members/test_party_age.py.


@pytest.mark.parametrize(
    ("today", "days"),
    [(d(2024, 2, 20), 10), (d(2024, 3, 1), 0), (d(2024, 3, 6), -5), (d(2023, 3, 1), 366)],
)
def test_probation_days_left(today, days):
    member = Member(
        status=Status.PROBATIONARY, ceremony_date=d(2023, 3, 1), official_date=d(2024, 3, 1)
    )
    assert member.probation_days_left(today) == days


@pytest.mark.parametrize("status", [s for s in Status if s != Status.PROBATIONARY])
def test_probation_days_left_only_while_probationary(status):
    member = Member(status=status, official_date=d(2024, 3, 1))
    assert member.probation_days_left(d(2024, 1, 1)) is None


def test_probation_days_left_without_official_date():
    assert Member(status=Status.PROBATIONARY).probation_days_left(d(2024, 1, 1)) is None


@pytest.mark.parametrize(
    ("ceremony", "official"),
    [
        (d(2024, 1, 31), d(2025, 1, 31)),
        (d(2024, 2, 29), d(2025, 2, 28)),
        (d(2023, 2, 28), d(2024, 2, 28)),
        (d(2023, 3, 31), d(2024, 3, 31)),
        (d(2023, 12, 31), d(2024, 12, 31)),
    ],
)
def test_official_date_for(ceremony, official):
    assert Member.official_date_for(ceremony) == official


@given(st.dates(min_value=d(1930, 1, 1), max_value=d(2090, 12, 31)))
def test_official_date_is_twelve_months_after_the_ceremony(ceremony):
    official = Member.official_date_for(ceremony)
    assert (official.year, official.month) == (ceremony.year + 1, ceremony.month)
    assert completed_months(ceremony, official) == 12
    assert 365 <= (official - ceremony).days <= 366


def test_age():
    member = Member(date_of_birth=d(2006, 3, 15))
    assert member.age(d(2024, 3, 14)) == 17
    assert member.age(d(2024, 3, 15)) == 18


@pytest.mark.parametrize("status", list(Status))
def test_status_answers(status):
    member = Member(status=status)
    assert member.is_active == (status in (Status.PROBATIONARY, Status.OFFICIAL))
    assert member.is_probationary == (status == Status.PROBATIONARY)
    assert member.is_official == (status == Status.OFFICIAL)
    for target in Status:
        assert member.can_move_to(target) == (target in MEMBER_TRANSITIONS[status])


def test_every_status_is_in_the_table():
    assert set(MEMBER_TRANSITIONS) == {None, *Status}
    for targets in MEMBER_TRANSITIONS.values():
        assert targets <= set(Status)


def test_clean_refuses_cell_of_another_chapter(chapter):
    member = Member(chapter=chapter, cell=CellFactory())
    with pytest.raises(ValidationError) as exc:
        member.clean()
    assert set(exc.value.error_dict) == {"cell"}


def test_role_is_current():
    assignment = RoleAssignment(start_date=d(2020, 1, 1), end_date=d(2020, 12, 31))
    assert not assignment.is_current(d(2019, 12, 31))
    assert assignment.is_current(d(2020, 1, 1))
    assert assignment.is_current(d(2020, 12, 31))
    assert not assignment.is_current(d(2021, 1, 1))
    assert RoleAssignment(start_date=d(2020, 1, 1)).is_current(d(2030, 1, 1))


# The folded search key stays in step with the name ------------------------------------------


def stored_key(member) -> str:
    return Member.objects.values_list("search_key", flat=True).get(pk=member.pk)


def test_search_key_on_create(chapter):
    member = raw_member(chapter, full_name="Đặng Thị Hồng", other_names="Bé  Tư")
    assert stored_key(member) == "dang thi hong be tu"


def test_search_key_on_save(chapter):
    member = raw_member(chapter, full_name="Đặng Thị Hồng")
    member.full_name = "Lê Thị Ánh"
    member.save()
    assert stored_key(member) == "le thi anh"


@pytest.mark.parametrize(
    ("changes", "update_fields", "key"),
    [
        ({"full_name": "Lê Thị Ánh"}, ["full_name"], "le thi anh"),
        ({"full_name": "Lê Thị Ánh"}, ("full_name", "phone"), "le thi anh"),
        ({"other_names": "Út"}, ["other_names"], "dang thi hong ut"),
        ({"phone": "0912345678"}, ["phone"], "dang thi hong"),
    ],
)
def test_search_key_on_save_with_update_fields(changes, update_fields, key, chapter):
    member = raw_member(chapter, full_name="Đặng Thị Hồng")
    for name, value in changes.items():
        setattr(member, name, value)
    member.save(update_fields=update_fields)
    assert stored_key(member) == key
    member.refresh_from_db()
    assert {name: getattr(member, name) for name in changes} == changes
