"""Party age (DOMAIN.md R16; Charter Art. 5(4)): only once official, stops on leaving the roll,
one record for a re-admitted person counted from the first decision with the time off the roll
left out (read from the ledger), and the manual adjustment for earlier history."""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from admissions.models import Candidate
from chapter.dates import completed_months
from chapter.documents import Document
from members import services
from members.models import Member, MemberEvent
from members.models.party_age import compute
from tests.admissions.factories import PipelineStory
from tests.members.factories import ChapterFactory, register_member

pytestmark = pytest.mark.freeze_time("2026-03-15")
D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
Kind, Status = MemberEvent.Kind, Member.Status
DECISION = Document(kind="DECISION", number="88-QĐ/ĐUK", date=D(2024, 5, 28), issuing_body="ĐUK")


# The computation, on rows built by hand ----------------------------------------------------------


def row(**fields):
    values = {
        "first_admission_decision_date": None,
        "admission_decision_date": D(2000, 1, 5),
        "ceremony_date": D(2000, 1, 20),
        "earlier_interruption_months": 0,
    }
    return SimpleNamespace(**{**values, **fields})


def entry(kind, day, status, pk, document_date=None):
    return SimpleNamespace(
        kind=kind, effective_date=day, status=status, pk=pk, document_date=document_date
    )


OFFICIAL_SINCE = [
    entry(Kind.ADMITTED, D(2000, 1, 20), Status.PROBATIONARY, 1),
    entry(Kind.CONFIRMED, D(2001, 1, 20), Status.OFFICIAL, 2),
]


def test_a_probationary_member_has_no_party_age():
    events = OFFICIAL_SINCE[:1]
    assert compute(row(), events, D(2000, 6, 1)) is None
    # The day before the official date still none; from the official date, counted from the
    # decision (probation included).
    assert compute(row(), OFFICIAL_SINCE, D(2001, 1, 19)) is None
    assert compute(row(), OFFICIAL_SINCE, D(2001, 1, 20)).months == 12


@pytest.mark.parametrize(
    ("as_of", "months"),
    [(D(2020, 1, 4), 239), (D(2020, 1, 5), 240), (D(2000, 1, 5), 0)],
)
def test_official_counts_whole_months_from_the_decision(as_of, months):
    registered = [entry(Kind.REGISTERED, D(2000, 1, 5), Status.OFFICIAL, 1)]
    assert compute(row(), registered, as_of).months == months


def test_no_decision_on_file_counts_from_the_ceremony():
    registered = [entry(Kind.REGISTERED, D(2000, 1, 20), Status.OFFICIAL, 1)]
    age = compute(row(admission_decision_date=None), registered, D(2001, 1, 20))
    assert (age.start, age.months) == (D(2000, 1, 20), 12)


def test_no_date_at_all_no_party_age():
    registered = [entry(Kind.REGISTERED, D(2000, 1, 20), Status.OFFICIAL, 1)]
    assert (
        compute(row(admission_decision_date=None, ceremony_date=None), registered, D(2020, 1, 1))
        is None
    )


def test_it_stops_on_the_day_the_member_leaves_the_roll():
    died = [*OFFICIAL_SINCE, entry(Kind.DECEASED, D(2010, 3, 4), Status.DECEASED, 3)]
    on_the_day = compute(row(), died, D(2010, 3, 4))
    assert on_the_day.months == completed_months(D(2000, 1, 5), D(2010, 3, 4)) == 121
    assert on_the_day.stopped_on == D(2010, 3, 4)
    assert compute(row(), died, D(2010, 3, 3)).stopped_on is None
    assert compute(row(), died, D(2030, 1, 1)).months == 121


def test_a_transfer_out_does_not_stop_it():
    moved = [*OFFICIAL_SINCE, entry(Kind.TRANSFERRED_OUT, D(2010, 3, 4), "TRANSFERRED_OUT", 3)]
    assert compute(row(), moved, D(2020, 1, 5)).months == 240


def test_removed_from_the_probationary_list_never_had_one():
    removed = [
        OFFICIAL_SINCE[0],
        entry(
            Kind.REMOVED_FROM_PROBATIONARY_LIST,
            D(2001, 2, 1),
            Status.REMOVED_FROM_PROBATIONARY_LIST,
            2,
        ),
    ]
    assert compute(row(), removed, D(2005, 1, 1)) is None


def readmitted_ledger():
    """Official in 2001, left on 01/03/2010, re-admitted by a decision of 01/03/2015 (ceremony
    20/03/2015), official again on 20/03/2016."""
    return [
        *OFFICIAL_SINCE,
        entry(Kind.LEFT, D(2010, 3, 1), Status.LEFT, 3),
        entry(Kind.READMITTED, D(2015, 3, 20), Status.PROBATIONARY, 4, D(2015, 3, 1)),
        entry(Kind.CONFIRMED, D(2016, 3, 20), Status.OFFICIAL, 5),
    ]


def readmitted_row():
    return row(
        first_admission_decision_date=D(2000, 1, 5),
        admission_decision_date=D(2015, 3, 1),
        ceremony_date=D(2015, 3, 20),
    )


def test_a_readmitted_member_counts_from_the_first_decision_without_the_gap():
    gap = (D(2015, 3, 1) - D(2010, 3, 1)).days
    age = compute(readmitted_row(), readmitted_ledger(), D(2020, 1, 5))
    assert age.start == D(2000, 1, 5)
    assert age.days_off_roll == gap
    assert age.months == completed_months(D(2000, 1, 5), D(2020, 1, 5) - datetime.timedelta(gap))


def test_a_readmitted_member_on_probation_again_shows_none():
    ledger = readmitted_ledger()
    assert compute(readmitted_row(), ledger, D(2015, 3, 19)).stopped_on == D(2010, 3, 1)
    assert compute(readmitted_row(), ledger, D(2015, 3, 20)) is None  # the day of return
    assert compute(readmitted_row(), ledger, D(2016, 3, 19)) is None
    back = compute(readmitted_row(), ledger, D(2016, 3, 20))
    assert back.months >= compute(readmitted_row(), ledger, D(2015, 3, 19)).months


def test_the_manual_adjustment_is_subtracted_never_below_zero():
    registered = [entry(Kind.REGISTERED, D(2000, 1, 5), Status.OFFICIAL, 1)]
    assert compute(row(earlier_interruption_months=14), registered, D(2020, 1, 5)).months == 226
    assert compute(row(earlier_interruption_months=999), registered, D(2020, 1, 5)).months == 0


# A property: never decreasing while on the roll, constant off it ---------------------------------


@st.composite
def ledgers(draw):
    """An official member who leaves and comes back any number of times, as the services allow."""
    day = D(2000, 1, 5)
    events = [entry(Kind.REGISTERED, day, Status.OFFICIAL, 1)]
    on_roll = True
    for pk in range(2, draw(st.integers(2, 8))):
        day += datetime.timedelta(days=draw(st.integers(1, 2000)))
        if on_roll:
            kind = draw(st.sampled_from([Kind.LEFT, Kind.REMOVED, Kind.EXPELLED, Kind.DECEASED]))
            events.append(entry(kind, day, kind, pk))
            if kind == Kind.DECEASED:
                break
        else:
            decided = day - datetime.timedelta(days=draw(st.integers(0, 60)))
            decided = max(decided, events[-1].effective_date)
            events.append(entry(Kind.READMITTED, day, Status.PROBATIONARY, pk, decided))
            day += datetime.timedelta(days=draw(st.integers(365, 400)))
            events.append(entry(Kind.CONFIRMED, day, Status.OFFICIAL, pk + 100))
        on_roll = not on_roll
    return events


@settings(max_examples=150, deadline=None)
@given(ledgers(), st.lists(st.integers(0, 12000), min_size=2, max_size=12))
def test_never_decreases_and_is_constant_off_the_roll(events, offsets):
    member = row()
    days = sorted(D(2000, 1, 5) + datetime.timedelta(days=n) for n in offsets)
    ages = [(day, compute(member, events, day)) for day in days]
    known = [(day, age) for day, age in ages if age is not None]
    for (_d1, first), (_d2, second) in itertools.pairwise(known):
        assert second.months >= first.months
    for day, age in known:
        if age.stopped_on is not None:
            assert age.months == compute(member, events, age.stopped_on).months
            assert day >= age.stopped_on


# Through the services and the page ---------------------------------------------------------------


@pytest.fixture
def old_chapter(db):
    return ChapterFactory(founded_on=D(1975, 1, 1))


@pytest.mark.django_db
def test_a_member_who_died_in_1980_does_not_keep_ageing(old_chapter):
    member = register_member(
        old_chapter,
        effective_date=D(1975, 6, 1),
        date_of_birth=D(1925, 5, 1),
        admission_decision_date=D(1950, 2, 3),
        ceremony_date=D(1950, 3, 1),
        official_date=D(1951, 3, 1),
    )
    services.member_record_death(member_id=member.pk, actor=None, effective_date=D(1980, 6, 10))
    member.refresh_from_db()
    expected = completed_months(D(1950, 2, 3), D(1980, 6, 10))
    assert member.party_age_months(D(1980, 6, 10)) == expected
    assert member.party_age_months() == expected  # 2026: still 30 years and 4 months
    assert member.party_age_months(D(1980, 6, 9)) == completed_months(D(1950, 2, 3), D(1980, 6, 9))


@pytest.mark.django_db
def test_probationary_and_official_through_the_services(chapter):
    probationary = register_member(
        chapter, status=Status.PROBATIONARY, effective_date=D(2025, 12, 1)
    )
    official = register_member(chapter)
    assert probationary.party_age_months() is None
    assert official.party_age_months() == completed_months(D(2010, 1, 5), D(2026, 3, 15))
    # Not on this register yet on that day: no answer from the ledger.
    assert official.party_age_months(D(2018, 5, 13)) is None


@pytest.mark.django_db
def test_lists_read_it_without_a_query_per_member(chapter, django_assert_num_queries):
    for _ in range(5):
        register_member(chapter)
    with django_assert_num_queries(2):
        members = list(Member.objects.filter(chapter=chapter).with_party_age())
        ages = [m.party_age_months(D(2026, 1, 5)) for m in members]
    assert ages == [192] * 5


@pytest.mark.django_db
def test_readmit_on_the_same_record(chapter, cell):
    member = register_member(chapter, cell=cell)
    services.member_leave(
        member_id=member.pk,
        actor=None,
        effective_date=D(2019, 3, 1),
        decision=DECISION,
        reason="Xin ra",
    )
    decision = Document(kind="DECISION", number="7-QĐ/ĐUK", date=D(2023, 2, 1), issuing_body="ĐUK")
    back = services.member_readmit(
        member_id=member.pk,
        chapter=chapter,
        actor=None,
        cell=cell,
        details={"phone": "0912345678"},
        decision=decision,
        ceremony_date=D(2023, 2, 20),
    )
    back.refresh_from_db()
    assert back.pk == member.pk
    assert (back.status, back.phone) == (Status.PROBATIONARY, "0912345678")
    assert back.first_admission_decision_date == D(2010, 1, 5)
    assert (back.admission_decision_date, back.ceremony_date) == (D(2023, 2, 1), D(2023, 2, 20))
    assert back.official_date == D(2024, 2, 20)
    event = back.events.get(kind=Kind.READMITTED)
    assert event.data["earlier_admission"]["admission_decision_date"] == "2010-01-05"
    assert back.party_age_months() is None  # on probation again
    services.member_confirm_official(
        member_id=back.pk,
        actor=None,
        decision=Document(kind="DECISION", number="9-QĐ/ĐUK", date=D(2024, 3, 1)),
    )
    gap = datetime.timedelta(days=(D(2023, 2, 1) - D(2019, 3, 1)).days)
    assert back.party_age_months(D(2026, 3, 15)) == completed_months(
        D(2010, 1, 5), D(2026, 3, 15) - gap
    )


@pytest.mark.django_db
def test_annulling_the_readmission_gives_back_the_earlier_record(chapter):
    member = register_member(chapter)
    services.member_remove(
        member_id=member.pk,
        actor=None,
        effective_date=D(2019, 3, 1),
        decision=DECISION,
        reason="Bỏ họp",
    )
    decision = Document(kind="DECISION", number="7-QĐ/ĐUK", date=D(2023, 2, 1))
    services.member_readmit(
        member_id=member.pk, chapter=chapter, actor=None, cell=None, details={},
        decision=decision, ceremony_date=D(2023, 2, 20),
    )  # fmt: skip
    entry_id = services.latest_entry(member).pk
    services.member_annul_latest(
        member_id=member.pk, actor=None, event_id=entry_id, reason="Nhầm", through_case=True
    )
    member.refresh_from_db()
    assert member.status == Status.REMOVED
    assert (member.admission_decision_date, member.official_date) == (D(2010, 1, 5), D(2011, 1, 20))
    assert member.first_admission_decision_date is None


@pytest.mark.django_db
def test_readmission_is_refused_from_other_statuses_and_other_chapters(chapter):
    member = register_member(chapter)
    with pytest.raises(services.TransitionNotAllowed):
        services.member_readmit(
            member_id=member.pk, chapter=chapter, actor=None, cell=None, details={},
            decision=DECISION, ceremony_date=D(2024, 6, 1),
        )  # fmt: skip
    services.member_leave(
        member_id=member.pk, actor=None, effective_date=D(2019, 3, 1), decision=DECISION, reason="x"
    )
    with pytest.raises(Exception) as raised:
        services.member_readmit(
            member_id=member.pk, chapter=ChapterFactory(), actor=None, cell=None, details={},
            decision=DECISION, ceremony_date=D(2024, 6, 1),
        )  # fmt: skip
    assert raised.value.code == "other_chapter"


@pytest.mark.django_db
def test_the_ceremony_of_a_readmission_case_reuses_the_former_record(chapter):
    story = PipelineStory.build(chapter=chapter)
    story.start = D(2022, 1, 10)
    former = register_member(chapter, cell=story.cell)
    services.member_leave(
        member_id=former.pk, actor=None, effective_date=D(2018, 9, 1), decision=DECISION, reason="x"
    )
    candidate = story.candidate_at(
        Candidate.Stage.ADMITTED,
        full_name=former.full_name,
        former_member=former,
        former_exit_date=D(2018, 9, 1),
        former_exit_reason=Candidate.ExitReason.OTHER,
        readmission_consent="99-CV/TU",
    )
    former.refresh_from_db()
    assert candidate.member_id == former.pk
    assert Member.objects.filter(full_name=former.full_name).count() == 1
    assert former.status == Status.PROBATIONARY
    assert former.first_admission_decision_date == D(2010, 1, 5)
    assert former.events.filter(kind=Kind.READMITTED).count() == 1


@pytest.mark.django_db
def test_the_member_page_shows_a_dash_for_a_probationary_member(client, secretary, chapter):
    member = register_member(chapter, status=Status.PROBATIONARY, effective_date=D(2025, 12, 1))
    client.force_login(secretary)
    page = client.get(member.get_absolute_url()).text
    assert 'id="party-age">—' in page


@pytest.mark.django_db
def test_the_report_counts_party_age_bands_from_the_same_computation(chapter):
    from reports import queries

    register_member(chapter, status=Status.PROBATIONARY, effective_date=D(2025, 12, 1))
    official = register_member(chapter)  # decision 05/01/2010: 16 years on 01/03/2026
    old = register_member(
        chapter, date_of_birth=D(1960, 1, 1), admission_decision_date=D(1990, 1, 5)
    )
    scope = Member.objects.filter(chapter=chapter)
    rows = {
        row.value: row.count
        for row in queries.as_of(scope, D(2026, 3, 1)).breakdown("party_age").rows
    }
    assert rows == {"none": 1, "lt10": 0, "10": 1, "20": 0, "30": 1, "40": 0}
    people = queries.people(scope, "party_age", day=D(2026, 3, 1), value="10")
    assert list(people) == [official]
    assert old.party_age_months(D(2026, 3, 1)) == completed_months(D(1990, 1, 5), D(2026, 3, 1))


@pytest.mark.django_db
def test_annulling_the_readmission_ceremony_puts_the_record_back(chapter):
    from admissions import services as pipeline
    from admissions.services.annulment import latest_step

    story = PipelineStory.build(chapter=chapter)
    story.start = D(2022, 1, 10)
    former = register_member(chapter, cell=story.cell)
    services.member_leave(
        member_id=former.pk, actor=None, effective_date=D(2018, 9, 1), decision=DECISION, reason="x"
    )
    candidate = story.candidate_at(
        Candidate.Stage.ADMITTED,
        full_name=former.full_name,
        former_member=former,
        former_exit_date=D(2018, 9, 1),
        former_exit_reason=Candidate.ExitReason.OTHER,
        readmission_consent="99-CV/TU",
    )
    pipeline.candidate_annul_latest(
        candidate_id=candidate.pk, actor=None, event_id=latest_step(candidate).pk, reason="Nhầm"
    )
    former.refresh_from_db()
    candidate.refresh_from_db()
    assert candidate.member_id is None
    assert former.status == Status.LEFT
    assert former.first_admission_decision_date is None
    assert former.admission_decision_date == D(2010, 1, 5)
