"""The dashboard's temporary transfers past their planned end (R23; members.transfers.overstays):
one query that returns only the overstayed transfers, the first few shown and their number."""

import datetime

import pytest

from chapter.dates import add_months
from members import services, transfers
from members.models import Member
from members.transfers import TemporaryKind
from tests.members.factories import register_member

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-15")]
D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
TODAY = D(2026, 3, 15)


def away(member, start, until=None, kind=TemporaryKind.WORK):
    services.member_temporary_out(
        member_id=member.pk,
        actor=None,
        effective_date=start,
        to_organisation="Chi bộ Sở Y tế",
        until=until,
        temporary_kind=kind,
    )


def listed(chapter, today=TODAY, limit=transfers.OVERSTAYS_SHOWN):
    return transfers.overstays(Member.objects.filter(chapter=chapter), today, limit)


def test_listed_the_day_after_the_planned_end_not_on_it(chapter):
    member = register_member(chapter)
    away(member, D(2025, 10, 1), until=TODAY)
    assert list(listed(chapter)) == []
    [(found, flag)] = listed(chapter, today=TODAY + ONE_DAY)
    assert found == member and flag.code == "temporary_overstay" and flag.due == TODAY
    assert "Quy định 294-QĐ/TW, mục 6" in flag.message


@pytest.mark.parametrize(("kind", "months", "excluded"), [("WORK", 12, True), ("STUDY", 24, False)])
def test_without_a_planned_end_the_longest_period_of_its_kind(chapter, kind, months, excluded):
    member = register_member(chapter)
    start = D(2024, 1, 31)
    away(member, start, kind=kind)
    last = add_months(start, months) - (ONE_DAY if excluded else datetime.timedelta(0))
    assert list(listed(chapter, today=last)) == []
    [(found, flag)] = listed(chapter, today=last + ONE_DAY)
    assert found == member and flag.due == last


def test_only_the_latest_temporary_transfer_of_a_member_counts(chapter):
    member = register_member(chapter)
    away(member, D(2025, 1, 6), until=D(2025, 6, 1))  # overstayed, then back
    services.member_temporary_return(member_id=member.pk, actor=None, effective_date=D(2025, 7, 1))
    away(member, D(2025, 10, 1), until=D(2026, 6, 1))  # away again, within its plan
    assert list(listed(chapter)) == []
    assert [m for m, _flag in listed(chapter, today=D(2026, 6, 2))] == [member]


def test_back_in_time_is_not_listed(chapter):
    member = register_member(chapter)
    away(member, D(2025, 1, 6), until=D(2025, 6, 1))
    services.member_temporary_return(member_id=member.pk, actor=None, effective_date=D(2025, 7, 1))
    assert list(listed(chapter)) == []


def test_the_first_ones_by_planned_end_then_name_and_how_many_in_all(
    chapter, django_assert_num_queries
):
    names = ["Trần Văn Bình", "Lê Thị An", "Phạm Văn Cường", "Ngô Thị Dung"]
    members = [register_member(chapter, full_name=name) for name in names]
    ends = [D(2026, 2, 1), D(2026, 2, 1), D(2026, 1, 5), D(2026, 3, 20)]  # the last: not yet
    for member, until in zip(members, ends, strict=True):
        away(member, D(2025, 10, 1), until=until)
    with django_assert_num_queries(1):
        found = listed(chapter, limit=2)
    assert [m.full_name for m, _flag in found] == ["Phạm Văn Cường", "Lê Thị An"]
    assert (found.total, found.more, len(found)) == (3, 1, 2)


def test_the_dashboard_shows_the_first_ones_and_says_how_many_more(client, secretary, chapter):
    shown = transfers.OVERSTAYS_SHOWN
    for day in range(1, shown + 2):
        away(register_member(chapter), D(2025, 10, 1), until=D(2026, 2, day))
    client.force_login(secretary)
    response = client.get("/")
    assert (len(response.context["overstays"]), response.context["overstays"].total) == (
        shown,
        shown + 1,
    )
    assert response.text.count('data-flag="temporary_overstay"') == shown
    assert 'id="dash-overstays-more"' in response.text
