"""members.services: every movement's allowed path, every refusal, and what each one writes.

The refused status moves are derived from ``MEMBER_TRANSITIONS``, so the table, the buttons and
the services cannot drift apart (STYLE.md section 2).
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from members import services
from members.models import MEMBER_TRANSITIONS, Member, MemberEvent, RoleAssignment
from members.services import Document, TransitionNotAllowed
from tests.members.factories import (
    FOUNDED,
    CellFactory,
    ChapterFactory,
    UserFactory,
    member_details,
    register_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Services translate their messages when they raise; these tests read the English."""
    with translation.override("en"):
        yield


Status = Member.Status
Kind = MemberEvent.Kind
Role = RoleAssignment.Role
d = datetime.date

CEREMONY = d(2023, 3, 1)  # a probationary member's ceremony; official date 01/03/2024
OUT_DAY = d(2020, 1, 10)  # when members built in an exit status left the roll
LETTER = Document(
    kind=MemberEvent.DocumentKind.TRANSFER_LETTER,
    number="125-GGT/ĐUK",
    date=d(2024, 5, 20),
    issuing_body="Đảng ủy Khối các cơ quan tỉnh",
)
DECISION = Document(
    kind=MemberEvent.DocumentKind.DECISION,
    number="88-QĐ/ĐUK",
    date=d(2024, 5, 28),
    issuing_body="Đảng ủy Khối các cơ quan tỉnh",
)


def error_codes(exc: ValidationError) -> dict[str | None, set[str]]:
    """Field → codes of a ValidationError; None holds the non-field errors."""
    if hasattr(exc, "error_dict"):
        return {name: {e.code for e in errors} for name, errors in exc.error_dict.items()}
    return {None: {e.code for e in exc.error_list}}


def snapshot(member: Member) -> tuple:
    """What a refused call must leave alone: the row's status and flags, its ledger and history."""
    member.refresh_from_db()
    return (
        member.status,
        member.cell_id,
        member.is_exempted,
        member.is_temporarily_out,
        member.events.count(),
        member.history.count(),
    )


@pytest.fixture
def actor(db):
    return UserFactory(username="recorder")


# Members in each status, put there by the services themselves ---------------------------------


def new_person(**overrides) -> dict:
    """Details of someone not yet a member: no key dates (member_admit sets them)."""
    details = member_details(**overrides)
    for name in ("admission_decision_date", "ceremony_date", "official_date"):
        details.pop(name)
    return details


def official(cell, actor) -> Member:
    return register_member(cell=cell, actor=actor)


def probationary(cell, actor) -> Member:
    return services.member_admit(
        chapter=cell.chapter,
        actor=actor,
        cell=cell,
        details=new_person(),
        decision=Document(number="9-QĐ/ĐUK", date=CEREMONY - datetime.timedelta(days=20)),
        ceremony_date=CEREMONY,
    )


def left_by(service: Callable, **kwargs) -> Callable:
    def build(cell, actor) -> Member:
        member = official(cell, actor)
        service(member_id=member.pk, actor=actor, effective_date=OUT_DAY, **kwargs)
        member.refresh_from_db()
        return member

    return build


def removed_from_probationary_list(cell, actor) -> Member:
    member = probationary(cell, actor)
    services.member_remove_from_probationary_list(
        member_id=member.pk,
        actor=actor,
        decision=Document(number="20-QĐ/ĐUK", date=d(2024, 3, 15)),
        reason="Không đủ tư cách",
    )
    member.refresh_from_db()
    return member


def transferred_out_while_probationary(cell, actor) -> Member:
    member = probationary(cell, actor)
    services.member_transfer_out(
        member_id=member.pk,
        actor=actor,
        effective_date=d(2023, 5, 1),
        to_organisation="Chi bộ Sở Y tế",
        letter=LETTER,
    )
    member.refresh_from_db()
    return member


def annulled(cell, actor) -> Member:
    """Registered by mistake: the one entry annulled (services.member_annul_latest)."""
    member = official(cell, actor)
    services.member_annul_latest(
        member_id=member.pk, actor=actor, event_id=member.events.get().pk, reason="Nhập nhầm"
    )
    member.refresh_from_db()
    return member


BUILDERS: dict[str, Callable[..., Member]] = {
    Status.PROBATIONARY: probationary,
    Status.OFFICIAL: official,
    Status.TRANSFERRED_OUT: left_by(
        services.member_transfer_out, to_organisation="Chi bộ Sở Y tế", letter=LETTER
    ),
    Status.REMOVED_FROM_PROBATIONARY_LIST: removed_from_probationary_list,
    Status.REMOVED: left_by(services.member_remove, decision=DECISION, reason="Bỏ sinh hoạt"),
    Status.EXPELLED: left_by(services.member_expel, decision=DECISION, reason="Vi phạm kỷ luật"),
    Status.LEFT: left_by(services.member_leave, decision=DECISION, reason="Xin ra khỏi Đảng"),
    Status.DECEASED: left_by(services.member_record_death),
    Status.ANNULLED: annulled,
}


def test_every_status_has_a_builder(cell, actor):
    assert set(BUILDERS) == set(Status.values)
    for status, build in BUILDERS.items():
        assert build(cell, actor).status == status


# The services that change a status, with what each one records -------------------------------


@dataclass(frozen=True)
class StatusMove:
    name: str
    target: str
    kind: str
    call: Callable  # (member, actor, day, cell) -> Member
    document: Document = field(default_factory=Document)
    counterpart: str = ""
    sets_cell: bool = False


def _transfer_in(status):
    def call(member, actor, day, cell):
        return services.member_transfer_in(
            chapter=member.chapter,
            actor=actor,
            effective_date=day,
            status=status,
            from_organisation="Chi bộ Sở Y tế",
            letter=LETTER,
            cell=cell,
            member_id=member.pk,
        )

    return call


MOVES = [
    StatusMove(
        "transfer_out",
        Status.TRANSFERRED_OUT,
        Kind.TRANSFERRED_OUT,
        lambda m, actor, day, cell: services.member_transfer_out(
            member_id=m.pk,
            actor=actor,
            effective_date=day,
            to_organisation="Chi bộ Sở Tài chính",
            letter=LETTER,
            note="Chuyển công tác",
        ),
        document=LETTER,
        counterpart="Chi bộ Sở Tài chính",
    ),
    StatusMove(
        "remove",
        Status.REMOVED,
        Kind.REMOVED,
        lambda m, actor, day, cell: services.member_remove(
            member_id=m.pk, actor=actor, effective_date=day, decision=DECISION, reason="Bỏ họp"
        ),
        document=DECISION,
    ),
    StatusMove(
        "expel",
        Status.EXPELLED,
        Kind.EXPELLED,
        lambda m, actor, day, cell: services.member_expel(
            member_id=m.pk, actor=actor, effective_date=day, decision=DECISION, reason="Kỷ luật"
        ),
        document=DECISION,
    ),
    StatusMove(
        "leave",
        Status.LEFT,
        Kind.LEFT,
        lambda m, actor, day, cell: services.member_leave(
            member_id=m.pk, actor=actor, effective_date=day, decision=DECISION, reason="Xin ra"
        ),
        document=DECISION,
    ),
    StatusMove(
        "death",
        Status.DECEASED,
        Kind.DECEASED,
        lambda m, actor, day, cell: services.member_record_death(
            member_id=m.pk, actor=actor, effective_date=day, note="Từ trần"
        ),
    ),
    StatusMove(
        "remove_from_probationary_list",
        Status.REMOVED_FROM_PROBATIONARY_LIST,
        Kind.REMOVED_FROM_PROBATIONARY_LIST,
        lambda m, actor, day, cell: services.member_remove_from_probationary_list(
            member_id=m.pk,
            actor=actor,
            decision=Document(kind=DECISION.kind, number="21-QĐ/ĐUK", date=day, issuing_body="ĐUK"),
            reason="Không đủ điều kiện",
        ),
        document=Document(kind=DECISION.kind, number="21-QĐ/ĐUK", issuing_body="ĐUK"),
    ),
    StatusMove(
        "confirm",
        Status.OFFICIAL,
        Kind.CONFIRMED,
        lambda m, actor, day, cell: services.member_confirm_official(
            member_id=m.pk,
            actor=actor,
            decision=Document(kind=DECISION.kind, number="16-QĐ/ĐUK", date=day, issuing_body="ĐUK"),
        ),
        document=Document(kind=DECISION.kind, number="16-QĐ/ĐUK", issuing_body="ĐUK"),
    ),
    StatusMove(
        "transfer_in_official",
        Status.OFFICIAL,
        Kind.TRANSFERRED_IN,
        _transfer_in(Status.OFFICIAL),
        document=LETTER,
        counterpart="Chi bộ Sở Y tế",
        sets_cell=True,
    ),
    StatusMove(
        "transfer_in_probationary",
        Status.PROBATIONARY,
        Kind.TRANSFERRED_IN,
        _transfer_in(Status.PROBATIONARY),
        document=LETTER,
        counterpart="Chi bộ Sở Y tế",
        sets_cell=True,
    ),
]
MOVES.append(
    StatusMove(
        "readmit",
        Status.PROBATIONARY,
        Kind.READMITTED,
        lambda m, actor, day, cell: services.member_readmit(
            member_id=m.pk,
            chapter=m.chapter,
            actor=actor,
            cell=cell,
            details={},
            decision=DECISION,
            ceremony_date=day,
        ),
        document=DECISION,
        sets_cell=True,
    )
)
MOVES_BY_NAME = {move.name: move for move in MOVES}

# The allowed moves of an existing member: (from, move, how to build the member, the day).
# test_allowed_cases_cover_the_table checks these are exactly the table's pairs.
DAY = d(2024, 6, 1)
ALLOWED = [
    (Status.PROBATIONARY, "confirm", probationary, DAY),
    (Status.PROBATIONARY, "remove_from_probationary_list", probationary, DAY),
    (Status.PROBATIONARY, "transfer_out", probationary, DAY),
    (Status.PROBATIONARY, "death", probationary, DAY),
    (Status.OFFICIAL, "transfer_out", official, DAY),
    (Status.OFFICIAL, "remove", official, DAY),
    (Status.OFFICIAL, "expel", official, DAY),
    (Status.OFFICIAL, "leave", official, DAY),
    (Status.OFFICIAL, "death", official, DAY),
    (Status.TRANSFERRED_OUT, "transfer_in_official", BUILDERS[Status.TRANSFERRED_OUT], DAY),
    # Back within the 12 months of probation: probationary again.
    (
        Status.TRANSFERRED_OUT,
        "transfer_in_probationary",
        transferred_out_while_probationary,
        d(2023, 9, 1),
    ),
    # Re-admission (R20) on the same record, probationary again.
    *[
        (status, "readmit", BUILDERS[status], DAY)
        for status in (
            Status.REMOVED_FROM_PROBATIONARY_LIST,
            Status.REMOVED,
            Status.EXPELLED,
            Status.LEFT,
        )
    ],
]


def test_allowed_cases_cover_the_table():
    pairs = {(frm, MOVES_BY_NAME[name].target) for frm, name, _build, _day in ALLOWED}
    table = {(frm, to) for frm, targets in MEMBER_TRANSITIONS.items() if frm for to in targets}
    assert pairs == table


@pytest.mark.parametrize(
    ("from_status", "move_name", "build", "day"),
    ALLOWED,
    ids=[f"{frm}-{name}" for frm, name, _b, _d in ALLOWED],
)
def test_allowed_move(from_status, move_name, build, day, cell, other_cell, actor):
    move = MOVES_BY_NAME[move_name]
    member = build(cell, actor)
    assert member.status == from_status
    events_before = set(member.events.values_list("pk", flat=True))

    returned = move.call(member, actor, day, other_cell)

    member.refresh_from_db()
    assert returned.pk == member.pk
    assert member.status == move.target
    assert not member.is_exempted
    assert not member.is_temporarily_out
    [event] = member.events.exclude(pk__in=events_before)
    assert event.kind == move.kind
    assert event.from_status == from_status
    assert event.status == move.target
    assert event.actor == actor
    assert event.counterpart == move.counterpart
    assert event.document_kind == move.document.kind
    assert event.document_number == move.document.number
    assert event.issuing_body == move.document.issuing_body
    if move.document.number:
        assert event.document_date == (move.document.date or day)
    if move.sets_cell:
        assert event.cell == other_cell
        assert member.cell == other_cell
    else:
        assert event.cell is None
        assert member.cell == cell
    # The confirmation is dated on the official date (R15); every other move on its day.
    expected_day = member.official_date if move.kind == Kind.CONFIRMED else day
    assert event.effective_date == expected_day
    row = member.history.first()
    assert row.status == move.target
    assert row.history_user == actor
    assert row.history_change_reason


def _refused_cases():
    for status in Status:
        for move in MOVES:
            if move.target not in MEMBER_TRANSITIONS[status]:
                yield status, move.name


REFUSED = list(_refused_cases())


@pytest.mark.parametrize(
    ("from_status", "move_name"), REFUSED, ids=[f"{s}-{n}" for s, n in REFUSED]
)
def test_refused_move_writes_nothing(from_status, move_name, cell, other_cell, actor):
    member = BUILDERS[from_status](cell, actor)
    before = snapshot(member)

    with pytest.raises(TransitionNotAllowed) as exc:
        MOVES_BY_NAME[move_name].call(member, actor, DAY, other_cell)

    assert error_codes(exc.value) == {None: {"transition_not_allowed"}}
    assert snapshot(member) == before


def test_refused_cases_cover_every_terminal_status():
    terminal = {s for s, targets in MEMBER_TRANSITIONS.items() if s and not targets}
    for status in terminal:
        assert {name for s, name in REFUSED if s == status} == set(MOVES_BY_NAME)


def test_transferred_out_member_cannot_be_confirmed_back_onto_the_roll(cell, actor):
    """The table lets TRANSFERRED_OUT become OFFICIAL, but only by a transfer in."""
    member = transferred_out_while_probationary(cell, actor)
    before = snapshot(member)

    with pytest.raises(TransitionNotAllowed):
        MOVES_BY_NAME["confirm"].call(member, actor, DAY, None)

    assert snapshot(member) == before


# Joining the roll -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "imported", "kind"),
    [
        (Status.OFFICIAL, False, Kind.REGISTERED),
        (Status.PROBATIONARY, False, Kind.REGISTERED),
        (Status.OFFICIAL, True, Kind.IMPORTED),
    ],
)
def test_register(status, imported, kind, chapter, cell, actor):
    details = member_details(full_name="Lê Văn Tám", citizen_id="001080012345")
    if status == Status.PROBATIONARY:
        details.update(
            admission_decision_date=d(2024, 1, 5),
            ceremony_date=d(2024, 1, 20),
            official_date=d(2025, 1, 20),
        )

    member = services.member_register(
        chapter=chapter,
        actor=actor,
        effective_date=d(2024, 6, 1),
        status=status,
        cell=cell,
        details=details,
        imported=imported,
        note="Sổ cũ",
    )

    member.refresh_from_db()
    assert (member.status, member.cell, member.search_key) == (status, cell, "le van tam")
    [event] = member.events.all()
    assert (event.kind, event.from_status, event.status) == (kind, "", status)
    assert (event.cell, event.actor, event.effective_date) == (cell, actor, d(2024, 6, 1))
    assert event.note == "Sổ cũ"
    [row] = member.history.all()
    assert (row.history_type, row.history_user, row.history_change_reason) == ("+", actor, "Sổ cũ")


def test_register_refuses_unknown_fields(chapter, actor):
    with pytest.raises(ValueError, match="status"):
        services.member_register(
            chapter=chapter,
            actor=actor,
            effective_date=FOUNDED,
            status=Status.OFFICIAL,
            details=member_details(status=Status.DECEASED),
        )


@pytest.mark.parametrize("status", [s for s in Status if s not in MEMBER_TRANSITIONS[None]])
def test_register_only_onto_the_roll(status, chapter, actor):
    with pytest.raises(TransitionNotAllowed):
        services.member_register(
            chapter=chapter,
            actor=actor,
            effective_date=FOUNDED,
            status=status,
            details=member_details(),
        )
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("ceremony", "official_date"),
    [
        (d(2024, 1, 31), d(2025, 1, 31)),
        (d(2024, 2, 29), d(2025, 2, 28)),  # no 29/02 in 2025: clamped to the month's end
        (d(2023, 8, 31), d(2024, 8, 31)),
    ],
)
def test_admit_creates_probationary_member(ceremony, official_date, chapter, cell, actor):
    decision = Document(
        kind=MemberEvent.DocumentKind.DECISION,
        number="9-QĐ/ĐUK",
        date=ceremony - datetime.timedelta(days=15),
        issuing_body="Đảng ủy Khối",
    )

    member = services.member_admit(
        chapter=chapter,
        actor=actor,
        cell=cell,
        details=new_person(),
        decision=decision,
        ceremony_date=ceremony,
    )

    member.refresh_from_db()
    assert member.status == Status.PROBATIONARY
    assert member.ceremony_date == ceremony
    assert member.official_date == official_date
    assert member.admission_decision_date == decision.date
    assert member.admission_decision_number == "9-QĐ/ĐUK"
    [event] = member.events.all()
    assert (event.kind, event.status, event.effective_date) == (
        Kind.ADMITTED,
        Status.PROBATIONARY,
        ceremony,
    )
    assert (event.cell, event.actor, event.document_number) == (cell, actor, "9-QĐ/ĐUK")
    assert member.history.get().history_user == actor


def test_admit_refuses_member_under_18(chapter, actor):
    with pytest.raises(ValidationError) as exc:
        services.member_admit(
            chapter=chapter,
            actor=actor,
            cell=None,
            details=new_person(date_of_birth=d(2006, 3, 2)),
            decision=Document(number="9-QĐ", date=d(2024, 2, 20)),
            ceremony_date=d(2024, 3, 1),  # 17 years and 11 months
        )
    assert error_codes(exc.value) == {"date_of_birth": {"key_dates"}}
    assert not Member.objects.exists()


def test_admit_accepts_member_18_that_day(chapter, actor):
    member = services.member_admit(
        chapter=chapter,
        actor=actor,
        cell=None,
        details=new_person(date_of_birth=d(2006, 3, 1)),
        decision=Document(number="9-QĐ", date=d(2024, 3, 1)),
        ceremony_date=d(2024, 3, 1),
    )
    assert member.status == Status.PROBATIONARY


def test_admit_refuses_card_number(chapter, actor):
    """R21: only official members hold a card."""
    with pytest.raises(ValidationError) as exc:
        services.member_admit(
            chapter=chapter,
            actor=actor,
            cell=None,
            details=new_person(card_number="79123456"),
            decision=Document(number="9-QĐ", date=d(2024, 2, 20)),
            ceremony_date=d(2024, 3, 1),
        )
    assert error_codes(exc.value) == {"card_number": {"key_dates"}}


def test_register_probationary_with_confirmation_refused(chapter, actor):
    details = member_details(
        ceremony_date=d(2024, 1, 20),
        official_date=d(2025, 1, 20),
        confirmation_decision_date=d(2025, 2, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.member_register(
            chapter=chapter,
            actor=actor,
            effective_date=d(2024, 6, 1),
            status=Status.PROBATIONARY,
            details=details,
        )
    assert error_codes(exc.value) == {"confirmation_decision_date": {"key_dates"}}


def test_second_active_card_number_refused(chapter, actor):
    register_member(chapter, card_number="79123456")
    with pytest.raises(ValidationError) as exc:
        register_member(chapter, card_number="79123456")
    assert error_codes(exc.value) == {"card_number": {"duplicate_identifier"}}
    assert Member.objects.count() == 1


def test_duplicate_active_citizen_id_refused(chapter, actor):
    register_member(chapter, citizen_id="001080012345")
    with pytest.raises(ValidationError) as exc:
        register_member(chapter, citizen_id="001080012345")
    assert error_codes(exc.value) == {"citizen_id": {"duplicate_identifier"}}
    with translation.override("en"):
        assert exc.value.message_dict["citizen_id"] == [
            "Another member on the roll already has this citizen ID."
        ]


def test_transferred_out_members_identifiers_may_be_reused(chapter, actor):
    """The unique constraints are partial: only members on the roll count."""
    gone = register_member(chapter, citizen_id="001080012345", card_number="79123456")
    services.member_transfer_out(
        member_id=gone.pk,
        actor=actor,
        effective_date=OUT_DAY,
        to_organisation="Chi bộ Sở Y tế",
        letter=LETTER,
    )

    new = register_member(chapter, citizen_id="001080012345", card_number="79123456")

    assert new.status == Status.OFFICIAL
    # ... but the first one cannot come back while the second is on the roll.
    with pytest.raises(ValidationError) as exc:
        MOVES_BY_NAME["transfer_in_official"].call(gone, actor, DAY, None)
    assert error_codes(exc.value) == {
        "citizen_id": {"duplicate_identifier"},
        "card_number": {"duplicate_identifier"},
    }


def test_date_before_founding_refused(chapter, actor):
    with pytest.raises(ValidationError) as exc:
        register_member(chapter, effective_date=FOUNDED - datetime.timedelta(days=1))
    assert error_codes(exc.value) == {None: {"before_founding"}}
    with translation.override("en"):
        assert exc.value.messages == ["The date is before the chapter was founded (14/05/2018)."]


def test_transfer_in_in_the_future_refused(chapter, actor):
    with pytest.raises(ValidationError) as exc:
        services.member_transfer_in(
            chapter=chapter,
            actor=actor,
            effective_date=timezone.localdate() + datetime.timedelta(days=1),
            status=Status.OFFICIAL,
            from_organisation="Chi bộ Sở Y tế",
            letter=LETTER,
            details=member_details(),
        )
    assert error_codes(exc.value) == {None: {"future_date"}}


def test_transfer_in_new_member(chapter, cell, actor):
    member = services.member_transfer_in(
        chapter=chapter,
        actor=actor,
        effective_date=DAY,
        status=Status.OFFICIAL,
        from_organisation="Chi bộ Sở Y tế",
        letter=LETTER,
        cell=cell,
        details=member_details(),
    )
    [event] = member.events.all()
    assert (event.kind, event.from_status, event.status) == (
        Kind.TRANSFERRED_IN,
        "",
        Status.OFFICIAL,
    )
    assert (event.counterpart, event.cell, event.document_number) == (
        "Chi bộ Sở Y tế",
        cell,
        LETTER.number,
    )


def test_transfer_in_needs_origin(chapter, actor):
    with pytest.raises(ValidationError) as exc:
        services.member_transfer_in(
            chapter=chapter,
            actor=actor,
            effective_date=DAY,
            status=Status.OFFICIAL,
            from_organisation="",
            letter=LETTER,
            details=member_details(),
        )
    assert error_codes(exc.value) == {"from_organisation": {"required"}}


def test_transfer_in_returning_member_of_another_chapter_refused(cell, actor):
    member = BUILDERS[Status.TRANSFERRED_OUT](cell, actor)
    elsewhere = ChapterFactory()
    with pytest.raises(ValidationError) as exc:
        services.member_transfer_in(
            chapter=elsewhere,
            actor=actor,
            effective_date=DAY,
            status=Status.OFFICIAL,
            from_organisation="Chi bộ Sở Y tế",
            letter=LETTER,
            member_id=member.pk,
        )
    assert error_codes(exc.value) == {None: {"other_chapter"}}


def test_transfer_in_probationary_after_probation_ended_refused(cell, actor):
    member = transferred_out_while_probationary(cell, actor)  # official date 01/03/2024
    with pytest.raises(ValidationError) as exc:
        MOVES_BY_NAME["transfer_in_probationary"].call(member, actor, d(2024, 3, 1), None)
    assert error_codes(exc.value) == {"official_date": {"probation_over"}}


def test_register_official_before_official_date_refused(chapter, actor):
    with pytest.raises(ValidationError) as exc:
        services.member_register(
            chapter=chapter,
            actor=actor,
            effective_date=d(2024, 6, 1),
            status=Status.OFFICIAL,
            details=member_details(
                admission_decision_date=d(2024, 1, 5),
                ceremony_date=d(2024, 1, 20),
                official_date=d(2025, 1, 20),
            ),
        )
    assert error_codes(exc.value) == {"official_date": {"not_official_yet"}}


# Leaving the roll -------------------------------------------------------------------------


def test_transfer_out_of_deceased_member_refused(cell, actor):
    member = BUILDERS[Status.DECEASED](cell, actor)
    with pytest.raises(TransitionNotAllowed) as exc:
        MOVES_BY_NAME["transfer_out"].call(member, actor, DAY, None)
    assert error_codes(exc.value) == {None: {"transition_not_allowed"}}
    with translation.override("en"):
        assert exc.value.messages == ["A member who is “deceased” cannot become “transferred out”."]


def test_transfer_out_needs_destination(member, actor):
    with pytest.raises(ValidationError) as exc:
        services.member_transfer_out(
            member_id=member.pk, actor=actor, effective_date=DAY, to_organisation="", letter=LETTER
        )
    assert error_codes(exc.value) == {"to_organisation": {"required"}}


@pytest.mark.parametrize(
    ("letter", "missing", "message"),
    [
        (
            Document(kind=LETTER.kind, number=LETTER.number),
            "document_date",
            "Give the date of the paper.",
        ),
        (
            Document(kind=LETTER.kind, date=LETTER.date),
            "document_number",
            "Give the number of the paper.",
        ),
    ],
)
def test_transfer_out_needs_the_letters_number_and_date(member, actor, letter, missing, message):
    """The register's form asks for the transfer letter's number and date; so does the service
    (the admin and any other caller get the same refusal)."""
    before = snapshot(member)
    with pytest.raises(ValidationError) as exc:
        services.member_transfer_out(
            member_id=member.pk,
            actor=actor,
            effective_date=DAY,
            to_organisation="Chi bộ Sở Y tế",
            letter=letter,
        )
    assert error_codes(exc.value) == {missing: {"required"}}
    with translation.override("en"):
        assert exc.value.messages == [message]
    assert snapshot(member) == before


@pytest.mark.parametrize("leave", ["member_remove", "member_expel", "member_leave"])
@pytest.mark.parametrize(
    ("decision", "missing"),
    [
        (Document(number="12-QĐ/ĐUK"), "document_date"),
        (Document(date=d(2021, 6, 1)), "document_number"),
    ],
)
def test_leaving_by_decision_needs_the_decisions_number_and_date(
    member, actor, leave, decision, missing
):
    """Removal, expulsion and leaving: the form asks for the decision's number and date, and
    the service refuses without them, writing nothing."""
    before = snapshot(member)
    with pytest.raises(ValidationError) as exc:
        getattr(services, leave)(
            member_id=member.pk, actor=actor, effective_date=DAY, decision=decision, reason="lý do"
        )
    assert error_codes(exc.value) == {missing: {"required"}}
    assert snapshot(member) == before


def test_movement_before_latest_movement_refused(member, other_cell, actor):
    services.member_move_cell(
        member_id=member.pk, actor=actor, cell=other_cell, effective_date=d(2021, 1, 1)
    )
    before = snapshot(member)
    with pytest.raises(ValidationError) as exc:
        MOVES_BY_NAME["transfer_out"].call(member, actor, d(2020, 12, 31), None)
    assert error_codes(exc.value) == {None: {"before_latest_movement"}}
    assert snapshot(member) == before


def test_movement_on_the_day_of_latest_movement_accepted(member, other_cell, actor):
    services.member_move_cell(
        member_id=member.pk, actor=actor, cell=other_cell, effective_date=d(2021, 1, 1)
    )
    MOVES_BY_NAME["transfer_out"].call(member, actor, d(2021, 1, 1), None)
    member.refresh_from_db()
    assert member.status == Status.TRANSFERRED_OUT


REASONED = {
    "remove": services.member_remove,
    "expel": services.member_expel,
    "leave": services.member_leave,
    "exempt": services.member_exempt,
}


@pytest.mark.parametrize("service_name", [*REASONED, "remove_from_probationary_list"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_decisions_need_a_reason(service_name, reason, cell, actor):
    if service_name in REASONED:
        member = official(cell, actor)
        call = functools.partial(REASONED[service_name], effective_date=DAY)
    else:
        member = probationary(cell, actor)
        call = services.member_remove_from_probationary_list
    before = snapshot(member)
    with pytest.raises(ValidationError) as exc:
        call(member_id=member.pk, actor=actor, decision=DECISION, reason=reason)
    assert error_codes(exc.value) == {"reason": {"required"}}
    assert snapshot(member) == before


def test_remove_from_probationary_list_needs_decision_date(cell, actor):
    member = probationary(cell, actor)
    with pytest.raises(ValidationError) as exc:
        services.member_remove_from_probationary_list(
            member_id=member.pk,
            actor=actor,
            decision=Document(number="21-QĐ"),
            reason="Không đủ điều kiện",
        )
    assert error_codes(exc.value) == {None: {"required"}}


def test_leaving_clears_flags(member, actor):
    services.member_exempt(member_id=member.pk, actor=actor, effective_date=DAY, reason="Tuổi cao")
    services.member_temporary_out(
        member_id=member.pk, actor=actor, effective_date=DAY, to_organisation="Chi bộ Sở Y tế"
    )
    MOVES_BY_NAME["death"].call(member, actor, DAY, None)
    member.refresh_from_db()
    assert (member.status, member.is_exempted, member.is_temporarily_out) == (
        Status.DECEASED,
        False,
        False,
    )


# Probation ends ---------------------------------------------------------------------------


def test_confirm_before_official_date_refused(cell, actor):
    member = probationary(cell, actor)  # official date 01/03/2024
    before = snapshot(member)
    with pytest.raises(ValidationError) as exc:
        MOVES_BY_NAME["confirm"].call(member, actor, d(2024, 2, 29), None)
    assert error_codes(exc.value) == {None: {"probation_not_served"}}
    assert snapshot(member) == before


def test_confirm_on_official_date_accepted(cell, actor):
    member = probationary(cell, actor)
    MOVES_BY_NAME["confirm"].call(member, actor, d(2024, 3, 1), None)
    member.refresh_from_db()
    assert member.status == Status.OFFICIAL


def test_confirm_months_later_keeps_official_date(cell, actor):
    """R15: official date = ceremony + 12 months exactly, however late the decision."""
    member = probationary(cell, actor)
    late = d(2024, 9, 17)

    services.member_confirm_official(
        member_id=member.pk,
        actor=actor,
        decision=Document(kind=DECISION.kind, number="16-QĐ/ĐUK", date=late),
        note="Chậm",
    )

    member.refresh_from_db()
    assert member.official_date == d(2024, 3, 1) == Member.official_date_for(CEREMONY)
    assert member.confirmation_decision_date == late
    assert member.confirmation_decision_number == "16-QĐ/ĐUK"
    event = member.events.get(kind=Kind.CONFIRMED)
    assert event.effective_date == member.official_date
    assert event.document_date == late
    assert (event.from_status, event.status, event.note) == (
        Status.PROBATIONARY,
        Status.OFFICIAL,
        "Chậm",
    )


@pytest.mark.parametrize(
    "decision",
    [Document(number="16-QĐ"), Document(date=d(2024, 6, 1)), Document()],
    ids=["no-date", "no-number", "nothing"],
)
def test_confirm_needs_decision_number_and_date(decision, cell, actor):
    member = probationary(cell, actor)
    with pytest.raises(ValidationError) as exc:
        services.member_confirm_official(member_id=member.pk, actor=actor, decision=decision)
    assert error_codes(exc.value) == {None: {"required"}}


def test_confirm_in_the_future_refused(cell, actor):
    member = probationary(cell, actor)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        MOVES_BY_NAME["confirm"].call(member, actor, tomorrow, None)
    assert error_codes(exc.value) == {None: {"future_date"}}


# While on the roll ------------------------------------------------------------------------


def test_move_cell(member, cell, other_cell, actor):
    services.member_move_cell(
        member_id=member.pk, actor=actor, cell=other_cell, effective_date=DAY, note="Điều động"
    )
    member.refresh_from_db()
    assert member.cell == other_cell
    assert member.status == Status.OFFICIAL
    event = member.events.latest("id")
    assert (event.kind, event.status, event.cell, event.actor) == (
        Kind.MOVED_CELL,
        None,
        other_cell,
        actor,
    )
    assert event.from_status == Status.OFFICIAL
    assert event.data == {"from_cell": cell.name}
    row = member.history.first()
    assert (row.cell_id, row.history_user, row.history_change_reason) == (
        other_cell.pk,
        actor,
        "Điều động",
    )


def test_move_out_of_any_cell(member, actor):
    services.member_move_cell(member_id=member.pk, actor=actor, cell=None, effective_date=DAY)
    member.refresh_from_db()
    assert member.cell is None
    event = member.events.latest("id")
    assert (event.kind, event.cell) == (Kind.MOVED_CELL, None)


def test_move_to_cell_of_another_chapter_refused(member, actor):
    foreign = CellFactory()
    before = snapshot(member)
    with pytest.raises(ValidationError) as exc:
        services.member_move_cell(
            member_id=member.pk, actor=actor, cell=foreign, effective_date=DAY
        )
    assert error_codes(exc.value) == {"cell": {"cell_chapter"}}
    assert snapshot(member) == before


def test_move_to_same_cell_refused(member, cell, actor):
    before = snapshot(member)
    with pytest.raises(ValidationError) as exc:
        services.member_move_cell(member_id=member.pk, actor=actor, cell=cell, effective_date=DAY)
    assert error_codes(exc.value) == {"cell": {"same_cell"}}
    assert snapshot(member) == before


@pytest.mark.parametrize("status", [Status.TRANSFERRED_OUT, Status.DECEASED])
def test_move_cell_off_the_roll_refused(status, cell, other_cell, actor):
    member = BUILDERS[status](cell, actor)
    before = snapshot(member)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.member_move_cell(
            member_id=member.pk, actor=actor, cell=other_cell, effective_date=DAY
        )
    assert error_codes(exc.value) == {None: {"not_on_roll"}}
    assert snapshot(member) == before


FLAG_MOVES = {
    "temporary_out": (
        "is_temporarily_out",
        True,
        Kind.TEMPORARY_OUT,
        lambda m, actor, day: services.member_temporary_out(
            member_id=m.pk,
            actor=actor,
            effective_date=day,
            to_organisation="Trường Chính trị tỉnh",
            until=d(2025, 1, 31),
            letter=LETTER,
        ),
    ),
    "temporary_return": (
        "is_temporarily_out",
        False,
        Kind.TEMPORARY_RETURN,
        lambda m, actor, day: services.member_temporary_return(
            member_id=m.pk, actor=actor, effective_date=day
        ),
    ),
    "exempt": (
        "is_exempted",
        True,
        Kind.EXEMPTED,
        lambda m, actor, day: services.member_exempt(
            member_id=m.pk, actor=actor, effective_date=day, reason="Tuổi cao, sức yếu"
        ),
    ),
    "end_exemption": (
        "is_exempted",
        False,
        Kind.EXEMPTION_ENDED,
        lambda m, actor, day: services.member_end_exemption(
            member_id=m.pk, actor=actor, effective_date=day
        ),
    ),
}


@pytest.mark.parametrize(
    ("on", "off"), [("temporary_out", "temporary_return"), ("exempt", "end_exemption")]
)
def test_flag_on_and_off(on, off, member, cell, actor):
    for name, day in ((on, d(2024, 6, 1)), (off, d(2024, 12, 1))):
        flag, value, kind, call = FLAG_MOVES[name]
        call(member, actor, day)
        member.refresh_from_db()
        assert getattr(member, flag) is value
        assert (member.status, member.cell) == (Status.OFFICIAL, cell)
        event = member.events.latest("id")
        assert (event.kind, event.effective_date, event.actor) == (kind, day, actor)
        assert (event.status, event.cell, event.from_status) == (None, None, Status.OFFICIAL)
        row = member.history.first()
        assert getattr(row, flag) is value
        assert row.history_user == actor
        assert row.history_change_reason


def test_temporary_out_records_destination_and_end(member, actor):
    FLAG_MOVES["temporary_out"][3](member, actor, DAY)
    event = member.events.latest("id")
    assert event.counterpart == "Trường Chính trị tỉnh"
    assert event.data == {"until": "2025-01-31"}
    assert event.document_number == LETTER.number


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("temporary_out", "temporary_out"),
        (None, "temporary_return"),
        ("exempt", "exempt"),
        (None, "end_exemption"),
    ],
    ids=["temporary-out-twice", "return-when-not-out", "exempt-twice", "end-when-not-exempt"],
)
def test_flag_unchanged_refused(first, again, member, actor):
    if first:
        FLAG_MOVES[first][3](member, actor, DAY)
    before = snapshot(member)
    with pytest.raises(TransitionNotAllowed) as exc:
        FLAG_MOVES[again][3](member, actor, DAY)
    assert error_codes(exc.value) == {None: {"flag_unchanged"}}
    assert snapshot(member) == before


def test_temporary_out_needs_destination_and_ordered_dates(member, actor):
    with pytest.raises(ValidationError) as exc:
        services.member_temporary_out(
            member_id=member.pk, actor=actor, effective_date=DAY, to_organisation=""
        )
    assert error_codes(exc.value) == {"to_organisation": {"required"}}
    with pytest.raises(ValidationError) as exc:
        services.member_temporary_out(
            member_id=member.pk,
            actor=actor,
            effective_date=DAY,
            to_organisation="Trường Chính trị tỉnh",
            until=DAY,
        )
    assert error_codes(exc.value) == {"until": {"dates_order"}}


# Corrections and details ------------------------------------------------------------------


def test_correct_ceremony_date_moves_official_date(cell, actor):
    member = probationary(cell, actor)  # ceremony 01/03/2023, official 01/03/2024
    events_before = member.events.count()

    services.member_correct_key_date(
        member_id=member.pk,
        actor=actor,
        field_name="ceremony_date",
        value=d(2023, 3, 31),
        reason="Sai ngày trong sổ",
    )

    member.refresh_from_db()
    assert member.ceremony_date == d(2023, 3, 31)
    assert member.official_date == d(2024, 3, 31)
    assert member.status == Status.PROBATIONARY
    assert member.events.count() == events_before + 1
    event = member.events.latest("id")
    assert event.kind == Kind.CORRECTED
    assert (event.status, event.cell, event.actor) == (None, None, actor)
    assert event.effective_date == timezone.localdate()
    assert event.note == "Sai ngày trong sổ"
    assert event.data == {
        "ceremony_date": ["2023-03-01", "2023-03-31"],
        "official_date": ["2024-03-01", "2024-03-31"],
    }
    row = member.history.first()
    assert (row.history_user, row.history_change_reason) == (actor, "Sai ngày trong sổ")
    assert row.ceremony_date == d(2023, 3, 31)


@pytest.mark.parametrize("reason", ["", "  "])
def test_correction_needs_reason(reason, member, actor):
    before = snapshot(member)
    with pytest.raises(ValidationError) as exc:
        services.member_correct_key_date(
            member_id=member.pk,
            actor=actor,
            field_name="ceremony_date",
            value=d(2010, 2, 1),
            reason=reason,
        )
    assert error_codes(exc.value) == {"reason": {"required"}}
    assert snapshot(member) == before


def test_correction_to_the_same_date_refused(member, actor):
    with pytest.raises(ValidationError) as exc:
        services.member_correct_key_date(
            member_id=member.pk,
            actor=actor,
            field_name="ceremony_date",
            value=member.ceremony_date,
            reason="Kiểm tra",
        )
    assert error_codes(exc.value) == {"ceremony_date": {"unchanged"}}


@pytest.mark.parametrize(
    ("field_name", "value", "error_field"),
    [
        ("official_date", d(2011, 2, 1), "official_date"),  # not ceremony + 12 months
        ("admission_decision_date", d(2010, 2, 1), "ceremony_date"),  # after the ceremony
        ("confirmation_decision_date", d(2009, 12, 1), "confirmation_decision_date"),
    ],
)
def test_correction_keeps_dates_in_order(field_name, value, error_field, member, actor):
    before = snapshot(member)
    with pytest.raises(ValidationError) as exc:
        services.member_correct_key_date(
            member_id=member.pk, actor=actor, field_name=field_name, value=value, reason="Sửa"
        )
    assert error_codes(exc.value) == {error_field: {"key_dates"}}
    assert snapshot(member) == before


def test_correction_cannot_confirm_a_probationary_member(cell, actor):
    """A confirmation date on a probationary member is refused as a ValidationError, not left
    to the database's check constraint."""
    member = probationary(cell, actor)
    with pytest.raises(ValidationError) as exc:
        services.member_correct_key_date(
            member_id=member.pk,
            actor=actor,
            field_name="confirmation_decision_date",
            value=d(2024, 3, 5),
            reason="Sửa",
        )
    assert error_codes(exc.value) == {"confirmation_decision_date": {"key_dates"}}


def test_correction_does_not_block_earlier_movements(member, actor):
    """A correction is dated the day it is recorded; a movement of last month may follow it."""
    services.member_correct_key_date(
        member_id=member.pk,
        actor=actor,
        field_name="ceremony_date",
        value=d(2010, 2, 1),
        reason="Sai ngày",
    )
    MOVES_BY_NAME["transfer_out"].call(member, actor, DAY, None)
    member.refresh_from_db()
    assert member.status == Status.TRANSFERRED_OUT


def test_correct_unknown_field_is_a_programming_error(member, actor):
    with pytest.raises(ValueError, match="not a key date"):
        services.member_correct_key_date(
            member_id=member.pk, actor=actor, field_name="status", value=None, reason="x"
        )


def test_update_details_records_history_with_reason(member, actor):
    services.member_update_details(
        member_id=member.pk,
        actor=actor,
        changes={"phone": "0912345678", "full_name": "Nguyễn Thị Hồng Nhung"},
        reason="Cập nhật theo CCCD",
    )
    member.refresh_from_db()
    assert member.phone == "0912345678"
    assert member.search_key == "nguyen thi hong nhung"
    row = member.history.first()
    assert (row.phone, row.history_user, row.history_change_reason) == (
        "0912345678",
        actor,
        "Cập nhật theo CCCD",
    )
    assert row.history_type == "~"


def test_update_details_without_change_writes_nothing(member, actor):
    history = member.history.count()
    services.member_update_details(
        member_id=member.pk, actor=actor, changes={"full_name": member.full_name}
    )
    assert member.history.count() == history


def test_update_details_refuses_fields_outside_allowed(member, actor):
    before = snapshot(member)
    with pytest.raises(ValidationError) as exc:
        services.member_update_details(
            member_id=member.pk,
            actor=actor,
            changes={"phone": "0912345678", "full_name": "Khác", "card_number": "1"},
            allowed=Member.CELL_LEADER_FIELDS,
        )
    assert error_codes(exc.value) == {None: {"field_not_allowed"}}
    with translation.override("en"):
        assert exc.value.messages == ["You may not change these fields: card_number, full_name"]
    assert snapshot(member) == before
    member.refresh_from_db()
    assert member.phone == ""


@pytest.mark.parametrize("field_name", ["status", "cell", "ceremony_date", "is_exempted"])
def test_update_details_never_touches_status_cell_or_key_dates(field_name, member, actor):
    with pytest.raises(ValidationError) as exc:
        services.member_update_details(member_id=member.pk, actor=actor, changes={field_name: None})
    assert error_codes(exc.value) == {None: {"field_not_allowed"}}


def test_cell_leader_fields_accepted(member, actor):
    services.member_update_details(
        member_id=member.pk,
        actor=actor,
        changes={"phone": "0912345678", "workplace": "Sở Y tế"},
        allowed=Member.CELL_LEADER_FIELDS,
    )
    member.refresh_from_db()
    assert (member.phone, member.workplace) == ("0912345678", "Sở Y tế")


@pytest.mark.parametrize("citizen_id", ["12345", "00108001234X", "0010800123456"])
def test_update_details_validates_citizen_id(citizen_id, member, actor):
    before = snapshot(member)
    with pytest.raises(ValidationError) as exc:
        services.member_update_details(
            member_id=member.pk, actor=actor, changes={"citizen_id": citizen_id}
        )
    assert "citizen_id" in error_codes(exc.value)
    assert snapshot(member) == before


def test_update_details_duplicate_citizen_id_refused(member, other_member, actor):
    services.member_update_details(
        member_id=member.pk, actor=actor, changes={"citizen_id": "001080012345"}
    )
    with pytest.raises(ValidationError) as exc:
        services.member_update_details(
            member_id=other_member.pk, actor=actor, changes={"citizen_id": "001080012345"}
        )
    assert error_codes(exc.value) == {"citizen_id": {"duplicate_identifier"}}


def test_update_details_card_on_probationary_member_refused(cell, actor):
    member = probationary(cell, actor)
    with pytest.raises(ValidationError) as exc:
        services.member_update_details(
            member_id=member.pk, actor=actor, changes={"card_number": "79123456"}
        )
    assert error_codes(exc.value) == {"card_number": {"key_dates"}}


def test_update_details_birth_date_keeps_admission_age(member, actor):
    with pytest.raises(ValidationError) as exc:
        services.member_update_details(
            member_id=member.pk, actor=actor, changes={"date_of_birth": d(1995, 1, 1)}
        )
    assert error_codes(exc.value) == {"date_of_birth": {"key_dates"}}


# Atomicity ----------------------------------------------------------------------------------


class Boom(Exception):
    pass


def _explode(*args, **kwargs):
    raise Boom


def test_failure_after_the_save_rolls_back_the_status(member, actor, monkeypatch):
    """The member row is saved before its event: a failing event undoes the save."""
    before = snapshot(member)
    monkeypatch.setattr(MemberEvent.objects, "create", _explode)

    with pytest.raises(Boom):
        MOVES_BY_NAME["transfer_out"].call(member, actor, DAY, None)

    assert snapshot(member) == before
    assert member.status == Status.OFFICIAL


def test_failed_registration_leaves_no_member(chapter, actor, monkeypatch):
    monkeypatch.setattr(MemberEvent.objects, "create", _explode)
    with pytest.raises(Boom):
        register_member(chapter)
    assert not Member.objects.exists()
    assert not Member.history.exists()


@pytest.mark.django_db(transaction=True)
def test_failure_rolls_back_committed_transaction(member, actor, monkeypatch):
    """The same, with real transactions: nothing reaches the database."""
    before = snapshot(member)
    monkeypatch.setattr(MemberEvent.objects, "create", _explode)

    with pytest.raises(Boom):
        MOVES_BY_NAME["death"].call(member, actor, DAY, None)

    assert snapshot(member) == before


# Organisation -------------------------------------------------------------------------------


def test_chapter_create(chapter, actor):
    new = services.chapter_create(
        committee=chapter.committee, name="Chi bộ Sở Y tế", founded_on=d(2020, 1, 1), actor=actor
    )
    assert new.history.get().history_user == actor


def test_cell_save_creates_and_renames(chapter, member, actor):
    cell = services.cell_save(chapter=chapter, name="  Tổ 3 ", actor=actor)
    assert cell.name == "Tổ 3"
    services.cell_save(chapter=chapter, cell=cell, name="Tổ 3B", actor=actor, leader=member)
    cell.refresh_from_db()
    assert (cell.name, cell.leader) == ("Tổ 3B", member)
    assert cell.history.first().history_user == actor


@pytest.mark.parametrize("name", ["Tổ 1", "tổ 1", " Tổ 1 "])
def test_cell_save_duplicate_name_refused(name, chapter, cell, actor):
    with pytest.raises(ValidationError) as exc:
        services.cell_save(chapter=chapter, name=name, actor=actor)
    assert error_codes(exc.value) == {"name": {"duplicate"}}


def test_cell_save_same_name_in_another_chapter_accepted(cell, actor):
    other = services.cell_save(chapter=ChapterFactory(), name=cell.name, actor=actor)
    assert other.pk


def test_cell_save_keeps_own_name(chapter, cell, member, actor):
    services.cell_save(chapter=chapter, cell=cell, name=cell.name, actor=actor, leader=member)
    cell.refresh_from_db()
    assert cell.leader == member


def test_cell_leader_from_another_chapter_refused(chapter, actor):
    foreign = register_member(ChapterFactory())
    with pytest.raises(ValidationError) as exc:
        services.cell_save(chapter=chapter, name="Tổ 9", actor=actor, leader=foreign)
    assert error_codes(exc.value) == {"leader": {"leader_not_member"}}


def test_cell_leader_off_the_roll_refused(chapter, cell, actor):
    gone = BUILDERS[Status.TRANSFERRED_OUT](cell, actor)
    with pytest.raises(ValidationError) as exc:
        services.cell_save(chapter=chapter, name="Tổ 9", actor=actor, deputy_leader=gone)
    assert error_codes(exc.value) == {"deputy_leader": {"leader_not_member"}}


def test_cell_leader_cannot_be_deputy_too(chapter, member, actor):
    with pytest.raises(ValidationError) as exc:
        services.cell_save(
            chapter=chapter, name="Tổ 9", actor=actor, leader=member, deputy_leader=member
        )
    assert error_codes(exc.value) == {"deputy_leader": {"same_person"}}


def test_cell_of_another_chapter_refused(chapter, actor):
    with pytest.raises(ValidationError) as exc:
        services.cell_save(chapter=chapter, cell=CellFactory(), name="Tổ 9", actor=actor)
    assert error_codes(exc.value) == {None: {"cell_chapter"}}


def test_role_assign_cell_leader_sets_cell_leader(cell, member, actor):
    user = UserFactory()
    assignment = services.role_assign(
        user=user, role=Role.CELL_LEADER, start_date=DAY, actor=actor, cell=cell, member=member
    )
    cell.refresh_from_db()
    assert cell.leader == member
    assert assignment.history.get().history_user == actor


def test_role_assign_duplicate_refused(chapter, actor):
    user = UserFactory()
    services.role_assign(
        user=user, role=Role.SECRETARY, start_date=DAY, actor=actor, chapter=chapter
    )
    with pytest.raises(ValidationError) as exc:
        services.role_assign(
            user=user, role=Role.SECRETARY, start_date=DAY, actor=actor, chapter=chapter
        )
    assert error_codes(exc.value) == {None: {"duplicate"}}
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_role_assign_unit_must_match_role(chapter, cell, actor):
    with pytest.raises(ValidationError):
        services.role_assign(
            user=UserFactory(), role=Role.SECRETARY, start_date=DAY, actor=actor, cell=cell
        )
    assert not RoleAssignment.objects.exists()


def test_role_end(chapter, actor):
    assignment = services.role_assign(
        user=UserFactory(), role=Role.SECRETARY, start_date=DAY, actor=actor, chapter=chapter
    )
    services.role_end(assignment_id=assignment.pk, end_date=d(2024, 12, 31), actor=actor)
    assignment.refresh_from_db()
    assert assignment.end_date == d(2024, 12, 31)
    assert assignment.history.first().history_user == actor

    with pytest.raises(ValidationError) as exc:
        services.role_end(assignment_id=assignment.pk, end_date=d(2025, 1, 31), actor=actor)
    assert error_codes(exc.value) == {None: {"already_ended"}}


def test_role_end_before_start_refused(chapter, actor):
    assignment = services.role_assign(
        user=UserFactory(), role=Role.SECRETARY, start_date=DAY, actor=actor, chapter=chapter
    )
    with pytest.raises(ValidationError) as exc:
        services.role_end(
            assignment_id=assignment.pk, end_date=DAY - datetime.timedelta(days=1), actor=actor
        )
    assert error_codes(exc.value) == {"end_date": {"dates_order"}}
    assignment.refresh_from_db()
    assert assignment.end_date is None


def test_role_assign_again_after_end(chapter, actor):
    user = UserFactory()
    first = services.role_assign(
        user=user, role=Role.SECRETARY, start_date=DAY, actor=actor, chapter=chapter
    )
    services.role_end(assignment_id=first.pk, end_date=d(2024, 12, 31), actor=actor)
    again = services.role_assign(
        user=user, role=Role.SECRETARY, start_date=d(2025, 1, 1), actor=actor, chapter=chapter
    )
    assert again.pk != first.pk
