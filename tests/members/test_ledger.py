"""The movement ledger: "who was what on that day" from MemberEvent, and the ledger's own rules.

The fixture chapter's history is written out below and every expected figure is counted by hand
from it, not computed by the code under test.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note_case
from hypothesis import strategies as st

from members import services
from members.models import Member, MemberEvent
from members.services import Document
from tests.members.factories import FOUNDED, CellFactory, ChapterFactory, UserFactory
from tests.members.factories import member_details as _member_details

pytestmark = pytest.mark.django_db

Status = Member.Status
Kind = MemberEvent.Kind
d = datetime.date
LETTER = Document(kind="TRANSFER_LETTER", number="12-GGT", date=d(2019, 8, 25), issuing_body="ĐUK")


def person(name: str) -> dict:
    details = _member_details(full_name=name)
    for key in ("admission_decision_date", "ceremony_date", "official_date"):
        details.pop(key)
    return details


def register(chapter, cell, name, actor) -> Member:
    return services.member_register(
        chapter=chapter,
        cell=cell,
        actor=actor,
        effective_date=FOUNDED,
        status=Status.OFFICIAL,
        details=_member_details(full_name=name),
    )


def admit(chapter, cell, name, ceremony, actor) -> Member:
    return services.member_admit(
        chapter=chapter,
        cell=cell,
        actor=actor,
        details=person(name),
        decision=Document(number="9-QĐ", date=ceremony - datetime.timedelta(days=10)),
        ceremony_date=ceremony,
    )


# The chapter's history (founded 14/05/2018; cells T1 and T2):
#
#   14/05/2018  An, Cường, Em registered as official members (An, Em in T1; Cường in T2)
#   10/06/2019  Bình admitted (ceremony) into T1, probationary; official date 10/06/2020
#   01/09/2019  Cường transferred out
#   20/11/2019  Dung admitted into T2, probationary; official date 20/11/2020
#   01/03/2020  Cường transferred back in on the same row, official, into T1
#   10/06/2020  Bình official (the confirmation decision is dated 15/08/2020; R15)
#   15/12/2020  Dung removed from the probationary list
#   01/03/2021  An moved from T1 to T2
#   05/05/2022  Em deceased


@pytest.fixture
def history(db):
    actor = UserFactory(username="secretary")
    chapter = ChapterFactory(founded_on=FOUNDED)
    t1 = CellFactory(chapter=chapter, name="T1")
    t2 = CellFactory(chapter=chapter, name="T2")
    an = register(chapter, t1, "An", actor)
    cuong = register(chapter, t2, "Cường", actor)
    em = register(chapter, t1, "Em", actor)
    binh = admit(chapter, t1, "Bình", d(2019, 6, 10), actor)
    services.member_transfer_out(
        member_id=cuong.pk,
        actor=actor,
        effective_date=d(2019, 9, 1),
        to_organisation="Chi bộ Sở Y tế",
        letter=LETTER,
    )
    dung = admit(chapter, t2, "Dung", d(2019, 11, 20), actor)
    services.member_transfer_in(
        chapter=chapter,
        actor=actor,
        effective_date=d(2020, 3, 1),
        status=Status.OFFICIAL,
        from_organisation="Chi bộ Sở Y tế",
        letter=LETTER,
        cell=t1,
        member_id=cuong.pk,
    )
    services.member_confirm_official(
        member_id=binh.pk, actor=actor, decision=Document(number="16-QĐ", date=d(2020, 8, 15))
    )
    services.member_remove_from_probationary_list(
        member_id=dung.pk,
        actor=actor,
        decision=Document(number="21-QĐ", date=d(2020, 12, 15)),
        reason="Không đủ tư cách",
    )
    services.member_move_cell(member_id=an.pk, actor=actor, cell=t2, effective_date=d(2021, 3, 1))
    services.member_record_death(member_id=em.pk, actor=actor, effective_date=d(2022, 5, 5))
    # A member of another chapter, always on its roll: never counted here.
    register(ChapterFactory(), None, "Khác", actor)
    return SimpleNamespace(chapter=chapter, cells={"T1": t1.pk, "T2": t2.pk})


OFF, PROB, OUT = Status.OFFICIAL, Status.PROBATIONARY, Status.TRANSFERRED_OUT
RFP, DEAD = Status.REMOVED_FROM_PROBATIONARY_LIST, Status.DECEASED
NONE = (None, None)
FOUNDING = {"An": (OFF, "T1"), "Cường": (OFF, "T2"), "Em": (OFF, "T1"), "Bình": NONE}
# day → {name: (status on that day, cell on that day)}, Dung omitted while NONE.
EXPECTED = {
    d(2018, 5, 13): {"An": NONE, "Cường": NONE, "Em": NONE, "Bình": NONE, "Dung": NONE},
    d(2018, 5, 14): {**FOUNDING, "Dung": NONE},
    d(2019, 6, 9): {**FOUNDING, "Dung": NONE},
    d(2019, 6, 10): {**FOUNDING, "Bình": (PROB, "T1"), "Dung": NONE},
    d(2019, 8, 31): {**FOUNDING, "Bình": (PROB, "T1"), "Dung": NONE},
    # Transferred out: the last cell stays the cell on record; the status says they are gone.
    d(2019, 9, 1): {**FOUNDING, "Cường": (OUT, "T2"), "Bình": (PROB, "T1"), "Dung": NONE},
    d(2019, 11, 19): {**FOUNDING, "Cường": (OUT, "T2"), "Bình": (PROB, "T1"), "Dung": NONE},
    d(2019, 11, 20): {
        **FOUNDING,
        "Cường": (OUT, "T2"),
        "Bình": (PROB, "T1"),
        "Dung": (PROB, "T2"),
    },
    d(2020, 2, 29): {
        **FOUNDING,
        "Cường": (OUT, "T2"),
        "Bình": (PROB, "T1"),
        "Dung": (PROB, "T2"),
    },
    d(2020, 3, 1): {**FOUNDING, "Cường": (OFF, "T1"), "Bình": (PROB, "T1"), "Dung": (PROB, "T2")},
    d(2020, 6, 9): {**FOUNDING, "Cường": (OFF, "T1"), "Bình": (PROB, "T1"), "Dung": (PROB, "T2")},
    d(2020, 6, 10): {**FOUNDING, "Cường": (OFF, "T1"), "Bình": (OFF, "T1"), "Dung": (PROB, "T2")},
    d(2020, 12, 14): {**FOUNDING, "Cường": (OFF, "T1"), "Bình": (OFF, "T1"), "Dung": (PROB, "T2")},
    d(2020, 12, 15): {**FOUNDING, "Cường": (OFF, "T1"), "Bình": (OFF, "T1"), "Dung": (RFP, "T2")},
    d(2021, 2, 28): {**FOUNDING, "Cường": (OFF, "T1"), "Bình": (OFF, "T1"), "Dung": (RFP, "T2")},
    d(2021, 3, 1): {
        **FOUNDING,
        "An": (OFF, "T2"),
        "Cường": (OFF, "T1"),
        "Bình": (OFF, "T1"),
        "Dung": (RFP, "T2"),
    },
    d(2022, 5, 4): {
        **FOUNDING,
        "An": (OFF, "T2"),
        "Cường": (OFF, "T1"),
        "Bình": (OFF, "T1"),
        "Dung": (RFP, "T2"),
    },
    d(2022, 5, 5): {
        "An": (OFF, "T2"),
        "Cường": (OFF, "T1"),
        "Em": (DEAD, "T1"),
        "Bình": (OFF, "T1"),
        "Dung": (RFP, "T2"),
    },
}
ON_ROLL = {
    d(2018, 5, 13): 0,
    d(2018, 5, 14): 3,
    d(2019, 6, 9): 3,
    d(2019, 6, 10): 4,
    d(2019, 8, 31): 4,
    d(2019, 9, 1): 3,
    d(2019, 11, 19): 3,
    d(2019, 11, 20): 4,
    d(2020, 2, 29): 4,
    d(2020, 3, 1): 5,
    d(2020, 6, 9): 5,
    d(2020, 6, 10): 5,
    d(2020, 12, 14): 5,
    d(2020, 12, 15): 4,
    d(2021, 2, 28): 4,
    d(2021, 3, 1): 4,
    d(2022, 5, 4): 4,
    d(2022, 5, 5): 3,
}


def as_of_table(history, day) -> dict:
    cells = {pk: name for name, pk in history.cells.items()}
    rows = (
        Member.objects.filter(chapter=history.chapter)
        .as_of(day)
        .values_list("full_name", "status_on", "cell_on_id")
    )
    return {name: (status, cells.get(cell_id)) for name, status, cell_id in rows}


def test_expected_days_are_consistent():
    assert set(EXPECTED) == set(ON_ROLL)
    for day, table in EXPECTED.items():
        on_roll = [name for name, (status, _cell) in table.items() if status in (OFF, PROB)]
        assert len(on_roll) == ON_ROLL[day], day


@pytest.mark.parametrize("day", list(EXPECTED), ids=str)
def test_as_of(history, day):
    assert as_of_table(history, day) == EXPECTED[day]


@pytest.mark.parametrize("day", list(ON_ROLL), ids=str)
def test_on_roll_as_of_counts(history, day):
    assert Member.objects.filter(chapter=history.chapter).on_roll_as_of(day).count() == ON_ROLL[day]


def test_who_was_probationary_on_new_years_day_2020(history):
    probationary = (
        Member.objects.filter(chapter=history.chapter)
        .as_of(d(2020, 1, 1))
        .filter(status_on=Status.PROBATIONARY)
    )
    assert sorted(probationary.values_list("full_name", flat=True)) == ["Bình", "Dung"]


def test_today_agrees_with_the_rows(history):
    today = timezone.localdate()
    rows = Member.objects.filter(chapter=history.chapter).as_of(today)
    for member in rows:
        assert member.status_on == member.status
        assert member.cell_on_id == member.cell_id
    assert rows.filter(status_on__in=Member.ACTIVE_STATUSES).count() == 3
    assert Member.objects.filter(chapter=history.chapter).active().count() == 3


def test_confirmation_is_dated_on_the_official_date(history):
    binh = Member.objects.get(full_name="Bình")
    event = binh.events.get(kind=MemberEvent.Kind.CONFIRMED)
    assert event.effective_date == binh.official_date == d(2020, 6, 10)
    assert event.document_date == binh.confirmation_decision_date == d(2020, 8, 15)


def test_returning_member_keeps_one_row_and_its_ledger(history):
    cuong = Member.objects.get(full_name="Cường")
    kinds = list(cuong.events.values_list("kind", "from_status", "status"))
    assert kinds == [
        (MemberEvent.Kind.REGISTERED, "", OFF),
        (MemberEvent.Kind.TRANSFERRED_OUT, OFF, OUT),
        (MemberEvent.Kind.TRANSFERRED_IN, OUT, OFF),
    ]


def test_as_of_runs_one_query(history, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(Member.objects.on_roll_as_of(d(2020, 1, 1)).values_list("pk", "status_on"))


def test_out_and_back_on_the_same_day(db):
    """Two status events on one day: the later one recorded is the status that day."""
    actor = UserFactory()
    chapter = ChapterFactory()
    member = register(chapter, None, "Giang", actor)
    day = d(2021, 7, 1)
    services.member_transfer_out(
        member_id=member.pk,
        actor=actor,
        effective_date=day,
        to_organisation="Chi bộ Sở Y tế",
        letter=LETTER,
    )
    services.member_transfer_in(
        chapter=chapter,
        actor=actor,
        effective_date=day,
        status=OFF,
        from_organisation="Chi bộ Sở Y tế",
        letter=LETTER,
        member_id=member.pk,
    )
    assert Member.objects.on_roll_as_of(day).filter(pk=member.pk).exists()


def flags_on(member, day) -> tuple[bool, bool]:
    row = Member.objects.as_of(day).get(pk=member.pk)
    return row.temporary_kind_on == Kind.TEMPORARY_OUT, row.exemption_kind_on == Kind.EXEMPTED


def test_flags_as_of(db):
    actor = UserFactory()
    member = register(ChapterFactory(), None, "Giang", actor)
    services.member_exempt(
        member_id=member.pk, actor=actor, effective_date=d(2021, 1, 10), reason="Tuổi cao"
    )
    services.member_temporary_out(
        member_id=member.pk, actor=actor, effective_date=d(2021, 3, 1), to_organisation="X"
    )
    services.member_temporary_return(member_id=member.pk, actor=actor, effective_date=d(2021, 9, 1))
    services.member_end_exemption(member_id=member.pk, actor=actor, effective_date=d(2022, 1, 1))
    assert flags_on(member, d(2021, 1, 9)) == (False, False)
    assert flags_on(member, d(2021, 1, 10)) == (False, True)
    assert flags_on(member, d(2021, 3, 1)) == (True, True)
    assert flags_on(member, d(2021, 9, 1)) == (False, True)
    assert flags_on(member, d(2022, 1, 1)) == (False, False)


def test_flags_lowered_by_leaving_stay_down_after_coming_back(db):
    """Leaving clears both flags; coming back by a transfer in must not bring them back (R8)."""
    actor = UserFactory()
    chapter = ChapterFactory()
    member = register(chapter, None, "Giang", actor)
    services.member_exempt(
        member_id=member.pk, actor=actor, effective_date=d(2021, 1, 10), reason="Tuổi cao"
    )
    services.member_temporary_out(
        member_id=member.pk, actor=actor, effective_date=d(2021, 3, 1), to_organisation="X"
    )
    services.member_transfer_out(
        member_id=member.pk,
        actor=actor,
        effective_date=d(2021, 6, 1),
        to_organisation="Chi bộ Sở Y tế",
        letter=LETTER,
    )
    services.member_transfer_in(
        chapter=chapter,
        actor=actor,
        effective_date=d(2022, 6, 1),
        status=OFF,
        from_organisation="Chi bộ Sở Y tế",
        letter=LETTER,
        member_id=member.pk,
    )
    member.refresh_from_db()
    assert (member.is_temporarily_out, member.is_exempted) == (False, False)
    assert flags_on(member, d(2021, 5, 31)) == (True, True)
    assert flags_on(member, d(2022, 6, 1)) == (False, False)
    assert flags_on(member, timezone.localdate()) == (False, False)


# The ledger is append-only ------------------------------------------------------------------


@pytest.fixture
def event(history):
    return MemberEvent.objects.filter(member__chapter=history.chapter).first()


def test_event_cannot_be_changed(event):
    event.note = "sửa"
    with pytest.raises(ValidationError):
        event.save()
    event.refresh_from_db()
    assert event.note == ""


def test_event_cannot_be_deleted(event):
    with pytest.raises(ValidationError):
        event.delete()
    assert MemberEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_bulk_changed_or_deleted(event):
    events = MemberEvent.objects.filter(pk=event.pk)
    with pytest.raises(ValidationError):
        events.update(note="sửa")
    with pytest.raises(ValidationError):
        events.delete()
    event.refresh_from_db()
    assert event.note == ""


# Property: whatever movements are tried, the row and the ledger agree ------------------------


def _step(name):
    """A movement by name, called with its usual arguments on ``day``."""
    letter = Document(number="1-GGT", date=None)
    decision = Document(number="1-QĐ")
    calls = {
        "transfer_out": lambda m, a, day, cell: services.member_transfer_out(
            member_id=m.pk,
            actor=a,
            effective_date=day,
            to_organisation="X",
            letter=Document(number=letter.number, date=day),
        ),
        "transfer_in_official": lambda m, a, day, cell: services.member_transfer_in(
            chapter=m.chapter,
            actor=a,
            effective_date=day,
            status=OFF,
            from_organisation="X",
            letter=letter,
            cell=cell,
            member_id=m.pk,
        ),
        "transfer_in_probationary": lambda m, a, day, cell: services.member_transfer_in(
            chapter=m.chapter,
            actor=a,
            effective_date=day,
            status=PROB,
            from_organisation="X",
            letter=letter,
            cell=cell,
            member_id=m.pk,
        ),
        "move_cell": lambda m, a, day, cell: services.member_move_cell(
            member_id=m.pk, actor=a, cell=cell, effective_date=day
        ),
        "temporary_out": lambda m, a, day, cell: services.member_temporary_out(
            member_id=m.pk, actor=a, effective_date=day, to_organisation="X"
        ),
        "temporary_return": lambda m, a, day, cell: services.member_temporary_return(
            member_id=m.pk, actor=a, effective_date=day
        ),
        "exempt": lambda m, a, day, cell: services.member_exempt(
            member_id=m.pk, actor=a, effective_date=day, reason="R"
        ),
        "end_exemption": lambda m, a, day, cell: services.member_end_exemption(
            member_id=m.pk, actor=a, effective_date=day
        ),
        "confirm": lambda m, a, day, cell: services.member_confirm_official(
            member_id=m.pk, actor=a, decision=Document(number="16-QĐ", date=day)
        ),
        "remove_from_probationary_list": (
            lambda m, a, day, cell: services.member_remove_from_probationary_list(
                member_id=m.pk, actor=a, decision=Document(number="2-QĐ", date=day), reason="R"
            )
        ),
        "remove": lambda m, a, day, cell: services.member_remove(
            member_id=m.pk, actor=a, effective_date=day, decision=decision, reason="R"
        ),
        "expel": lambda m, a, day, cell: services.member_expel(
            member_id=m.pk, actor=a, effective_date=day, decision=decision, reason="R"
        ),
        "leave": lambda m, a, day, cell: services.member_leave(
            member_id=m.pk, actor=a, effective_date=day, decision=decision, reason="R"
        ),
        "death": lambda m, a, day, cell: services.member_record_death(
            member_id=m.pk, actor=a, effective_date=day
        ),
        "correct_ceremony": lambda m, a, day, cell: services.member_correct_key_date(
            member_id=m.pk,
            actor=a,
            field_name="ceremony_date",
            value=m.ceremony_date + datetime.timedelta(days=1),
            reason="R",
        ),
    }
    return calls[name]


# Movements that keep the member on the roll come up three times as often as the final ones, so
# that sequences get far enough to confirm, transfer out and come back.
ONGOING = [
    "transfer_out",
    "transfer_in_official",
    "transfer_in_probationary",
    "move_cell",
    "temporary_out",
    "temporary_return",
    "exempt",
    "end_exemption",
    "confirm",
    "correct_ceremony",
]
FINAL = ["remove_from_probationary_list", "remove", "expel", "leave", "death"]
steps = st.lists(
    st.tuples(
        st.sampled_from(ONGOING * 3 + FINAL), st.integers(0, 400), st.sampled_from([0, 1, None])
    ),
    max_size=10,
)


def _state(member: Member) -> tuple:
    member.refresh_from_db()
    return (
        member.status,
        member.cell_id,
        member.is_exempted,
        member.is_temporarily_out,
        member.events.count(),
    )


def _ledger_status(member: Member) -> str:
    latest = member.events.filter(status__isnull=False).order_by("-effective_date", "-id")
    return latest.values_list("status", flat=True).first()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(start_probationary=st.booleans(), start_gap=st.integers(0, 2000), moves=steps)
def test_row_and_ledger_always_agree(cell, other_cell, start_probationary, start_gap, moves):
    actor = UserFactory(username="property")
    chapter, cells = cell.chapter, [cell, other_cell]
    today = timezone.localdate()
    day = min(FOUNDED + datetime.timedelta(days=start_gap), today)
    if start_probationary:
        member = admit(chapter, cell, "Hà", day, actor)
    else:
        member = register(chapter, cell, "Hà", actor)
        day = FOUNDED
    for name, gap, cell_index in moves:
        day = min(day + datetime.timedelta(days=gap), today)
        before = _state(member)
        try:
            _step(name)(member, actor, day, None if cell_index is None else cells[cell_index])
        except ValidationError:
            note_case(f"{name} refused")
            assert _state(member) == before, name  # a refused movement writes nothing
        else:
            note_case(f"{name} done")
        member.refresh_from_db()
        assert member.status == _ledger_status(member)
        on_day = Member.objects.as_of(today).get(pk=member.pk)
        assert (on_day.status_on, on_day.cell_on_id) == (member.status, member.cell_id)
        assert member.is_active == Member.objects.on_roll_as_of(today).filter(pk=member.pk).exists()
        assert member.is_temporarily_out == (on_day.temporary_kind_on == Kind.TEMPORARY_OUT)
        assert member.is_exempted == (on_day.exemption_kind_on == Kind.EXEMPTED)
        if not member.is_active:
            assert not (member.is_exempted or member.is_temporarily_out)
