"""The members app's rules, once: dates, identities, transitions and the papers a movement needs.

Public functions the services call before writing, and the importer calls to show a row's
problems before anything is written; nothing re-implements them. Each raises a
``ValidationError`` (keyed by field where there is one, with a code) and writes nothing.

The minimum age at admission is one rule value, "MIN_AGE_MONTHS", registered here (DOMAIN.md
R1, the Charter's 18 years) in ``chapter.rules``: the register checks every record against the
value in force on its admission date, and the admissions pipeline reads the same value, so an
administrator's new value reaches both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from chapter.dates import completed_months, format_date, refuse_future
from chapter.documents import Document
from chapter.errors import field_error
from chapter.rules import DEFAULTS, RuleDefault, register, rule
from members.models import MEMBER_TRANSITIONS, Cell, Chapter, Member, MemberEvent

Kind = MemberEvent.Kind
Status = Member.Status

register(
    {
        # DOMAIN.md R1: at least 18 years (216 months) old at admission.
        "MIN_AGE_MONTHS": RuleDefault(
            18 * 12,
            _lazy("minimum age at the chapter vote, in months"),
            "Điều lệ Đảng, Điều 1; Quy định 294-QĐ/TW",
        ),
    }
)


def min_age_months(on: date) -> int:
    """The minimum age at admission in force on ``on``, in months (R1)."""
    return rule("MIN_AGE_MONTHS", on)


class TransitionNotAllowed(ValidationError):
    """The member's current status does not allow this movement (MEMBER_TRANSITIONS)."""


def check_transition(member: Member, to_status: str) -> None:
    if to_status not in MEMBER_TRANSITIONS.get(member.status or None, set()):
        raise TransitionNotAllowed(
            _("A member who is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": member.get_status_display() if member.status else _("new"),
                "target": Status(to_status).label,
            },
            code="transition_not_allowed",
        )


def check_day(chapter: Chapter, day: date, *, member: Member | None = None) -> None:
    """A movement is dated: not in the future, not before the chapter existed, and not before
    the member's latest movement (the ledger is read in date order)."""
    refuse_future(day)
    if chapter.dissolved_on is not None and day >= chapter.dissolved_on:
        raise ValidationError(
            _("The chapter was dissolved on %(day)s by a reorganisation decision.")
            % {"day": format_date(chapter.dissolved_on)},
            code="dissolved",
        )
    if day < chapter.founded_on:
        raise ValidationError(
            _("The date is before the chapter was founded (%(founded)s).")
            % {"founded": format_date(chapter.founded_on)},
            code="before_founding",
        )
    if member is not None and member.pk:
        # A correction is dated the day it is recorded and moves nothing: it does not count.
        movements = member.events.standing().exclude(kind=Kind.CORRECTED)
        latest = movements.order_by("-effective_date").values_list("effective_date", flat=True)
        last = latest.first()
        if last and day < last:
            raise ValidationError(
                _("The date is before the member's latest movement (%(last)s).")
                % {"last": format_date(last)},
                code="before_latest_movement",
            )


def check_cell(chapter: Chapter, cell: Cell | None) -> None:
    if cell is not None and cell.chapter_id != chapter.pk:
        raise field_error({"cell": _("This cell belongs to another chapter.")}, code="cell_chapter")
    if cell is not None and cell.closed_on is not None:
        raise field_error(
            {
                "cell": _("This cell was closed on %(day)s by a reorganisation decision.")
                % {"day": format_date(cell.closed_on)}
            },
            code="cell_closed",
        )


def check_unique_identifiers(member: Member) -> None:
    """One active member per citizen ID and per party card (the database checks it too)."""
    errors = identifier_conflicts([member])
    if errors:
        raise errors[0]


def identifier_conflicts(members: Sequence[Member]) -> dict[int, ValidationError]:
    """``check_unique_identifiers`` for many rows at once (the import's batches), each as it is
    about to be saved: by position in ``members``, the error of each row whose citizen ID or
    party card another active member holds, on record (the rows of ``members`` aside) or
    earlier in the list. One query per identifier, whatever the number of rows."""
    others = Member.objects.active().exclude(pk__in=[m.pk for m in members if m.pk])
    messages = {
        "citizen_id": _("Another member on the roll already has this citizen ID."),
        "card_number": _("Another member on the roll already has this party card number."),
    }
    errors: dict[int, dict[str, str]] = {}
    for name, message in messages.items():
        wanted = {getattr(member, name) for member in members if getattr(member, name)}
        if not wanted:
            continue
        taken = set(others.filter(**{f"{name}__in": wanted}).values_list(name, flat=True))
        for index, member in enumerate(members):
            value = getattr(member, name)
            if value in taken:
                errors.setdefault(index, {})[name] = message
            elif value:
                taken.add(value)
    return {
        index: field_error(fields, code="duplicate_identifier") for index, fields in errors.items()
    }


def check_key_dates(member: Member) -> None:
    """Dates in order (DOMAIN.md R13-R15, R21) for a member about to be saved as it is."""
    errors: dict[str, str] = {}
    born, decided = member.date_of_birth, member.admission_decision_date
    ceremony, official = member.ceremony_date, member.official_date
    joined = decided or ceremony
    if joined and born and completed_months(born, joined) < (minimum := min_age_months(joined)):
        errors["date_of_birth"] = _(
            "A member must have been at least %(years)s years old when admitted (%(source)s)."
        ) % {"years": minimum // 12, "source": DEFAULTS["MIN_AGE_MONTHS"].source}
    if decided and ceremony and ceremony < decided:
        errors["ceremony_date"] = _("The ceremony cannot be before the admission decision.")
    if ceremony and official and official != Member.official_date_for(ceremony):
        errors["official_date"] = _(
            "The official date must be the ceremony date plus 12 months (%(expected)s; "
            "Điều lệ Đảng, Điều 5)."
        ) % {"expected": format_date(Member.official_date_for(ceremony))}
    confirmed = member.confirmation_decision_date
    if confirmed and ceremony and confirmed < ceremony:
        errors["confirmation_decision_date"] = _("The confirmation cannot be before the ceremony.")
    if member.status == Status.OFFICIAL and not official:
        errors["official_date"] = _("An official member needs the official date.")
    if member.status == Status.PROBATIONARY and member.card_number:
        errors["card_number"] = _("Only official members hold a party card (Hướng dẫn 06-HD/TW).")
    if member.status == Status.PROBATIONARY and confirmed:
        errors["confirmation_decision_date"] = _(
            "A probationary member has no confirmation decision yet."
        )
    if errors:
        raise field_error(errors, code="key_dates")


def validate_fields(member: Member) -> None:
    """Field validators (citizen ID format, choices, e-mail) without the status fields."""
    member.full_clean(
        exclude=["chapter", "cell", "status"], validate_unique=False, validate_constraints=False
    )


def check_on_the_roll_date(member: Member, status: str, day: date) -> None:
    official = member.official_date
    if status == Status.OFFICIAL and official and official > day:
        raise field_error(
            {
                "official_date": _(
                    "On this date the member was not official yet (official date %(date)s)."
                )
                % {"date": format_date(official)}
            },
            code="not_official_yet",
        )
    if status == Status.PROBATIONARY:
        if not member.ceremony_date:
            raise field_error(
                {"ceremony_date": _("A probationary member needs the date of the ceremony.")},
                code="ceremony_missing",
            )
        if official and official <= day:
            raise field_error(
                {
                    "official_date": _(
                        "By this date the 12 months of probation had ended: record the "
                        "member as official, or confirm them after registering (Điều lệ Đảng, "
                        "Điều 5)."
                    )
                },
                code="probation_over",
            )
        if member.ceremony_date > day:
            raise field_error(
                {
                    "ceremony_date": _(
                        "The ceremony is after the date the member joins the chapter."
                    )
                },
                code="ceremony_after_joining",
            )


def require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise field_error({"reason": _("Give the reason.")}, code="required")


def require_document(document: Document, *, number: bool = True, date: bool = True) -> None:
    """The paper a movement is recorded on (transfer letter, decision): its number and date,
    keyed as the register's forms name them (``document_number``, ``document_date``)."""
    errors = {}
    if number and not (document.number or "").strip():
        errors["document_number"] = _("Give the number of the paper.")
    if date and not document.date:
        errors["document_date"] = _("Give the date of the paper.")
    if errors:
        raise field_error(errors, code="required")
