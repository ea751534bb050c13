"""Transfer deadlines (DOMAIN.md R22, R23; Quy định 294-QĐ/TW, mục 6; Hướng dẫn 06-HD/TW):
flagged on the member page, never refused. Each at its boundary: the day it is due and the day
after."""

import datetime

import pytest
from django.utils import translation

from chapter.dates import add_months
from chapter.documents import Document
from chapter.models import RuleValue
from chapter.workdays import add_working_days
from members import services, transfers
from members.models import MemberEvent
from members.transfers import TemporaryKind
from tests.members.factories import register_member

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-15")]
D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
Kind = MemberEvent.Kind
CHANGE = D(2025, 3, 3)
START = D(2025, 4, 1)


def event(kind, day, *, document_date=None, pk=1, **data):
    return MemberEvent(
        pk=pk,
        kind=kind,
        effective_date=day,
        document_date=document_date,
        data={k: v.isoformat() if isinstance(v, D) else v for k, v in data.items()},
    )


def codes(flags):
    return [flag.code for flag in flags]


# Permanent transfer: started within 60 working days of the change --------------------------------


def test_a_transfer_started_on_the_60th_working_day_is_on_time_the_day_after_late():
    due = add_working_days(CHANGE, 60)
    on_time = event(Kind.TRANSFERRED_OUT, due, document_date=due, change_date=CHANGE)
    late = event(
        Kind.TRANSFERRED_OUT, due + ONE_DAY, document_date=due + ONE_DAY, change_date=CHANGE
    )
    assert transfers.flags_for([on_time]) == []
    [flag] = transfers.flags_for([late])
    assert flag.code == "transfer_started_late" and flag.due == due
    assert "Quy định 294-QĐ/TW, mục 6" in flag.message


def test_without_the_change_date_nothing_is_flagged():
    assert (
        transfers.flags_for(
            [event(Kind.TRANSFERRED_OUT, D(2026, 1, 5), document_date=D(2026, 1, 5))]
        )
        == []
    )


def test_the_60_days_are_a_rule_value():
    RuleValue.objects.create(
        key="TRANSFER_START_WORKDAYS", value=10, effective_from=D(2020, 1, 1), source="t"
    )
    due = add_working_days(CHANGE, 10)
    late = event(
        Kind.TRANSFERRED_OUT, due + ONE_DAY, document_date=due + ONE_DAY, change_date=CHANGE
    )
    assert codes(transfers.flags_for([late])) == ["transfer_started_late"]


# Permanent transfer: the letter presented within 30 working days of its date ---------------------


def test_a_letter_presented_on_the_30th_working_day_is_on_time_the_day_after_late():
    letter = D(2026, 1, 5)
    due = add_working_days(letter, 30)
    on_time = event(Kind.TRANSFERRED_IN, due + ONE_DAY, document_date=letter, presented_date=due)
    late = event(Kind.TRANSFERRED_IN, due + ONE_DAY, document_date=letter)
    assert transfers.flags_for([on_time]) == []
    [flag] = transfers.flags_for([late])
    assert flag.code == "letter_presented_late"
    assert "Quy định 294-QĐ/TW, mục 6.3.1" in flag.message


# Temporary transfer: its kind, its planned end, the overstay -------------------------------------


@pytest.mark.parametrize(
    ("kind", "until", "flagged"),
    [
        (TemporaryKind.WORK, add_months(START, 12) - ONE_DAY, False),  # under a year
        (TemporaryKind.WORK, add_months(START, 12), True),
        (TemporaryKind.STUDY, add_months(START, 24), False),  # up to two years
        (TemporaryKind.STUDY, add_months(START, 24) + ONE_DAY, True),
        (TemporaryKind.WORK, add_months(START, 3), False),  # at least three months
        (TemporaryKind.WORK, add_months(START, 3) - ONE_DAY, True),
    ],
)
def test_the_planned_period_within_the_limits_of_its_kind(kind, until, flagged):
    away = event(Kind.TEMPORARY_OUT, START, temporary_kind=kind, until=until)
    back = event(Kind.TEMPORARY_RETURN, until, pk=2)
    found = codes(transfers.flags_for([away, back]))
    assert ("temporary_out_of_limits" in found) == flagged


def test_an_overstay_is_flagged_the_day_after_the_planned_end():
    until = D(2025, 12, 1)
    away = event(Kind.TEMPORARY_OUT, START, temporary_kind=TemporaryKind.WORK, until=until)
    assert transfers.flags_for([away], today=until) == []
    [flag] = transfers.flags_for([away], today=until + ONE_DAY)
    assert flag.code == "temporary_overstay"
    back_late = event(Kind.TEMPORARY_RETURN, until + ONE_DAY, pk=2)
    back_on_time = event(Kind.TEMPORARY_RETURN, until, pk=2)
    assert codes(transfers.flags_for([away, back_late])) == ["temporary_overstay"]
    assert transfers.flags_for([away, back_on_time], today=D(2026, 3, 15)) == []


def test_without_a_planned_end_the_longest_period_counts():
    away = event(Kind.TEMPORARY_OUT, START, temporary_kind=TemporaryKind.WORK)
    last = add_months(START, 12) - ONE_DAY
    assert transfers.flags_for([away], today=last) == []
    assert codes(transfers.flags_for([away], today=last + ONE_DAY)) == ["temporary_overstay"]


def test_leaving_the_roll_while_away_ends_the_overstay():
    away = event(Kind.TEMPORARY_OUT, START, temporary_kind=TemporaryKind.WORK, until=D(2025, 6, 1))
    died = event(Kind.DECEASED, D(2025, 9, 1), pk=2)
    assert transfers.flags_for([away, died]) == []


def test_the_flags_read_in_vietnamese():
    away = event(Kind.TEMPORARY_OUT, START, temporary_kind=TemporaryKind.STUDY, until=D(2025, 9, 1))
    with translation.override("vi"):
        [flag] = transfers.flags_for([away])
    assert "sinh hoạt đảng tạm thời" in flag.message
    assert "Quy định 294-QĐ/TW" in flag.message


# Through the services, the forms and the member page ----------------------------------------------


LETTER = Document(kind="TRANSFER_LETTER", number="12-GGT/ĐUK", issuing_body="ĐUK")


def test_the_services_keep_the_dates_and_the_page_flags_them(client, secretary, chapter):
    member = register_member(chapter)
    late_letter = add_working_days(CHANGE, 61)
    services.member_transfer_out(
        member_id=member.pk,
        actor=None,
        effective_date=late_letter,
        to_organisation="Chi bộ Sở Y tế",
        letter=Document(kind="TRANSFER_LETTER", number="12-GGT/ĐUK", date=late_letter),
        change_date=CHANGE,
    )
    entry = member.events.get(kind=Kind.TRANSFERRED_OUT)
    assert entry.data == {"change_date": CHANGE.isoformat()}
    client.force_login(secretary)
    page = client.get(member.get_absolute_url()).text
    assert 'data-flag="transfer_started_late"' in page
    assert 'id="transfer-alerts"' in page


def test_the_change_date_after_the_transfer_is_refused(chapter):
    member = register_member(chapter)
    with pytest.raises(Exception) as raised:
        services.member_transfer_out(
            member_id=member.pk,
            actor=None,
            effective_date=D(2026, 1, 5),
            to_organisation="Chi bộ Sở Y tế",
            letter=Document(kind="TRANSFER_LETTER", number="1", date=D(2026, 1, 5)),
            change_date=D(2026, 1, 6),
        )
    assert "change_date" in raised.value.error_dict


def test_temporary_out_keeps_its_kind_and_the_page_flags_the_overstay(client, secretary, chapter):
    member = register_member(chapter)
    services.member_temporary_out(
        member_id=member.pk,
        actor=None,
        effective_date=START,
        to_organisation="Chi bộ Trường Chính trị tỉnh",
        until=D(2025, 9, 1),
        temporary_kind=TemporaryKind.STUDY,
    )
    entry = member.events.get(kind=Kind.TEMPORARY_OUT)
    assert entry.data == {"until": "2025-09-01", "temporary_kind": "STUDY"}
    client.force_login(secretary)
    page = client.get(member.get_absolute_url()).text
    assert 'data-flag="temporary_overstay"' in page


def test_transfer_in_keeps_the_presentation_date(chapter):
    letter = D(2026, 1, 5)
    member = services.member_transfer_in(
        chapter=chapter,
        actor=None,
        effective_date=D(2026, 3, 2),
        status="OFFICIAL",
        from_organisation="Chi bộ Sở Y tế",
        letter=Document(kind="TRANSFER_LETTER", number="3-GGT", date=letter),
        details={
            "full_name": "Ngô Văn Tư",
            "gender": "M",
            "date_of_birth": D(1980, 1, 1),
            "admission_decision_date": D(2010, 1, 5),
            "ceremony_date": D(2010, 1, 20),
            "official_date": D(2011, 1, 20),
        },
        presented_date=D(2026, 3, 2),
    )
    entry = member.events.get(kind=Kind.TRANSFERRED_IN)
    assert entry.data == {"presented_date": "2026-03-02"}
    assert codes(transfers.flags_for([entry])) == ["letter_presented_late"]
    with pytest.raises(Exception) as raised:
        services.member_transfer_in(
            chapter=chapter,
            actor=None,
            effective_date=D(2026, 3, 2),
            status="OFFICIAL",
            from_organisation="Chi bộ Sở Y tế",
            letter=Document(kind="TRANSFER_LETTER", number="4-GGT", date=letter),
            details={"full_name": "X", "gender": "M", "date_of_birth": D(1980, 1, 1)},
            presented_date=letter - ONE_DAY,
        )
    assert "presented_date" in raised.value.error_dict


def move_url(member, action):
    from django.urls import reverse

    return reverse("members:member-move", args=[member.public_id, action])


def test_the_transfer_out_form_records_the_change_date(client, secretary, chapter):
    member = register_member(chapter)
    client.force_login(secretary)
    data = {
        "effective_date": "01/03/2024",
        "change_date": "02/01/2024",
        "to_organisation": "Chi bộ Sở Y tế",
        "document_number": "12-GGT/ĐUK",
        "document_date": "25/02/2024",
        "issuing_body": "Đảng ủy Khối",
        "confirm": "1",
    }
    response = client.post(move_url(member, "transfer-out"), data)
    assert response.status_code == 302
    entry = member.events.get(kind=Kind.TRANSFERRED_OUT)
    assert entry.data == {"change_date": "2024-01-02"}


def test_the_temporary_out_form_records_the_kind(client, secretary, chapter):
    member = register_member(chapter)
    client.force_login(secretary)
    data = {
        "effective_date": "01/03/2024",
        "until": "01/12/2025",
        "temporary_kind": "STUDY",
        "to_organisation": "Chi bộ Trường Chính trị tỉnh",
        "confirm": "1",
    }
    response = client.post(move_url(member, "temporary-out"), data)
    assert response.status_code == 302
    entry = member.events.get(kind=Kind.TEMPORARY_OUT)
    assert entry.data == {"until": "2025-12-01", "temporary_kind": "STUDY"}


def test_the_dashboard_lists_overstayed_temporary_transfers(client, secretary, chapter):
    away = register_member(chapter)
    on_time = register_member(chapter)
    for member, until in ((away, D(2026, 3, 14)), (on_time, D(2026, 3, 15))):
        services.member_temporary_out(
            member_id=member.pk,
            actor=None,
            effective_date=D(2025, 10, 1),
            to_organisation="Chi bộ Sở Y tế",
            until=until,
            temporary_kind=TemporaryKind.WORK,
        )
    client.force_login(secretary)
    response = client.get("/")
    assert [member for member, _flag in response.context["overstays"]] == [away]
    assert 'id="dash-overstays"' in response.text
