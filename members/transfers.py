"""Transfer deadlines (DOMAIN.md R22, R23): read from the ledger, flagged, never refused.

- Permanent transfer (chuyển sinh hoạt đảng chính thức): started within 60 working days of the
  effective job change, retirement or move of residence (recorded on the transfer-out form as
  ``data["change_date"]``; started = the transfer letter's date), and the letter presented at the
  new chapter within 30 working days of its date (recorded on the transfer-in form as
  ``data["presented_date"]``).
- Temporary transfer (chuyển sinh hoạt đảng tạm thời): its kind (residence or work: 3 months to
  under a year; full-time domestic study: 3 months to 2 years) and planned end
  (``data["temporary_kind"]``, ``data["until"]``); flagged when the plan lies outside those
  limits, and as an overstay once the planned end (or the longest period) has passed without a
  return.

Deadlines flag (DOMAIN.md §5): the numbers are rule values (``chapter.rules``), working days come
from ``chapter.workdays``. Every flag's text cites the regulation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from chapter.dates import add_months, format_date
from chapter.lists import FirstRows
from chapter.rules import RuleDefault, register, rule
from chapter.workdays import add_working_days
from members.models import Member, MemberEvent

Kind = MemberEvent.Kind
LEAVING = tuple(MemberEvent.LEAVING_KINDS)
SOURCE = "Quy định 294-QĐ/TW, mục 6; Hướng dẫn 06-HD/TW"

register(
    {
        "TRANSFER_START_WORKDAYS": RuleDefault(
            60,
            _lazy(
                "working days to start a permanent transfer after the job change, retirement "
                "or move of residence"
            ),
            SOURCE,
        ),
        "TRANSFER_PRESENT_WORKDAYS": RuleDefault(
            30,
            _lazy("working days to present the transfer letter at the new chapter"),
            "Quy định 294-QĐ/TW, mục 6.3.1",
        ),
        "TEMPORARY_MIN_MONTHS": RuleDefault(
            3, _lazy("shortest temporary transfer, in months"), SOURCE
        ),
        "TEMPORARY_WORK_MONTHS": RuleDefault(
            12,
            _lazy("temporary transfer for residence or work: under this many months"),
            SOURCE,
        ),
        "TEMPORARY_STUDY_MONTHS": RuleDefault(
            24,
            _lazy("temporary transfer for full-time domestic study: at most this many months"),
            SOURCE,
        ),
    }
)


class TemporaryKind(models.TextChoices):
    """Why a member is temporarily transferred (R23)."""

    WORK = "WORK", _lazy("residence or work (3 months to under a year)")
    STUDY = "STUDY", _lazy("full-time domestic study (3 months to 2 years)")


@dataclass(frozen=True)
class TransferFlag:
    """One late or overstayed transfer: which entry, what, and by when it was due."""

    event_id: int
    code: str
    message: str
    due: date | None = None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def longest_end(kind: str, start: date) -> tuple[date, bool]:
    """The last allowed day of a temporary transfer and whether that day is excluded (work:
    under a year)."""
    if kind == TemporaryKind.STUDY:
        return add_months(start, rule("TEMPORARY_STUDY_MONTHS", start)), False
    return add_months(start, rule("TEMPORARY_WORK_MONTHS", start)), True


def _cite(text: str) -> str:
    return _("%(text)s (%(source)s)") % {"text": text, "source": SOURCE}


def start_due(change: date) -> date:
    return add_working_days(change, rule("TRANSFER_START_WORKDAYS", change))


def present_due(letter: date) -> date:
    return add_working_days(letter, rule("TRANSFER_PRESENT_WORKDAYS", letter))


def transfer_out_flags(event: MemberEvent) -> list[TransferFlag]:
    change = _day(event.data.get("change_date"))
    started = event.document_date or event.effective_date
    if change is None or started is None:
        return []
    due = start_due(change)
    if started <= due:
        return []
    message = _(
        "Permanent transfer started late: the letter of %(started)s comes after the %(days)d "
        "working days from the change of job or residence on %(change)s (due by %(due)s)."
    ) % {
        "days": rule("TRANSFER_START_WORKDAYS", change),
        "started": format_date(started),
        "change": format_date(change),
        "due": format_date(due),
    }
    return [TransferFlag(event.pk, "transfer_started_late", _cite(message), due)]


def transfer_in_flags(event: MemberEvent) -> list[TransferFlag]:
    letter = event.document_date
    presented = _day(event.data.get("presented_date")) or event.effective_date
    if letter is None:
        return []
    due = present_due(letter)
    if presented <= due:
        return []
    message = _(
        "Transfer letter presented late: presented on %(presented)s, more than %(days)d "
        "working days after the letter's date %(letter)s (due by %(due)s)."
    ) % {
        "days": rule("TRANSFER_PRESENT_WORKDAYS", letter),
        "presented": format_date(presented),
        "letter": format_date(letter),
        "due": format_date(due),
    }
    return [
        TransferFlag(
            event.pk,
            "letter_presented_late",
            _("%(text)s (%(source)s)")
            % {"text": message, "source": "Quy định 294-QĐ/TW, mục 6.3.1"},
            due,
        )
    ]


def temporary_flags(
    event: MemberEvent, returned_on: date | None, today: date
) -> list[TransferFlag]:
    """A temporary transfer out: a plan outside the limits, or an overstay (not back by the
    planned end, or by the longest period when no end was planned)."""
    kind = event.data.get("temporary_kind") or TemporaryKind.WORK
    start, until = event.effective_date, _day(event.data.get("until"))
    longest, excluded = longest_end(kind, start)
    flags = []
    if until is not None:
        shortest = add_months(start, rule("TEMPORARY_MIN_MONTHS", start))
        too_long = until >= longest if excluded else until > longest
        if until < shortest or too_long:
            message = _(
                "The planned period (%(start)s to %(until)s) is outside the limits of a "
                "temporary transfer for %(kind)s."
            ) % {
                "start": format_date(start),
                "until": format_date(until),
                "kind": TemporaryKind(kind).label,
            }
            flags.append(TransferFlag(event.pk, "temporary_out_of_limits", _cite(message)))
    end = until or (longest - timedelta(days=1) if excluded else longest)
    back = returned_on or today
    if back > end:
        if returned_on is None:
            text = _("Temporary transfer overstayed: planned to end on %(end)s, not back yet.")
        else:
            text = _("Temporary transfer overstayed: planned to end on %(end)s, back on %(back)s.")
        message = text % {"end": format_date(end), "back": format_date(returned_on)}
        flags.append(TransferFlag(event.pk, "temporary_overstay", _cite(message), end))
    return flags


def flags_for(events: Iterable[MemberEvent], today: date | None = None) -> list[TransferFlag]:
    """Every transfer flag of one member's ledger (standing entries, any order): pure."""
    today = today or timezone.localdate()
    ordered = sorted(events, key=lambda e: (e.effective_date, e.pk or 0))
    flags: list[TransferFlag] = []
    for index, event in enumerate(ordered):
        if event.kind == Kind.TRANSFERRED_OUT:
            flags += transfer_out_flags(event)
        elif event.kind == Kind.TRANSFERRED_IN:
            flags += transfer_in_flags(event)
        elif event.kind == Kind.TEMPORARY_OUT:
            later = ordered[index + 1 :]
            ends = (e for e in later if e.kind in (Kind.TEMPORARY_RETURN, *LEAVING))
            end_event = next(ends, None)
            if end_event is not None and end_event.kind != Kind.TEMPORARY_RETURN:
                continue  # left the roll while away: nothing to flag any more
            flags += temporary_flags(event, end_event.effective_date if end_event else None, today)
    return flags


def flags_by_event(events: Iterable[MemberEvent], today: date | None = None) -> dict[int, list]:
    """The flags keyed by the entry they are about (the member page's movement list)."""
    found: dict[int, list[TransferFlag]] = {}
    for flag in flags_for(events, today):
        found.setdefault(flag.event_id, []).append(flag)
    return found


def details(event: MemberEvent) -> list[tuple[str, str]]:
    """What a transfer entry recorded beyond the letter, as (label, value) for the page."""
    data = event.data or {}
    rows = []
    if data.get("change_date"):
        rows.append((_("job, retirement or residence changed on"), data["change_date"]))
    if data.get("presented_date"):
        rows.append((_("letter presented on"), data["presented_date"]))
    if data.get("temporary_kind") in TemporaryKind.values:
        rows.append((_("kind"), str(TemporaryKind(data["temporary_kind"]).label)))
    if event.kind == Kind.TEMPORARY_OUT and data.get("until"):
        rows.append((_("planned end"), data["until"]))
    return [
        (label, format_date(date.fromisoformat(value)) if _is_iso(value) else value)
        for label, value in rows
    ]


def _is_iso(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def annotate(events: list[MemberEvent], standing: Iterable[MemberEvent]) -> None:
    """Give each entry of the member page's list its ``transfer_details`` and
    ``transfer_flags`` (read from the standing entries; no query)."""
    flags = flags_by_event(standing)
    for event in events:
        event.transfer_details = details(event)
        event.transfer_flags = flags.get(event.pk, [])


# How many overstays the dashboard lists; "n more" says how many others there are.
OVERSTAYS_SHOWN = 10


class Overstays(FirstRows):
    """The first overstayed temporary transfers (member, flag), soonest planned end first, and
    how many there are in all."""


def overstays(members: QuerySet[Member], today: date, limit: int = OVERSTAYS_SHOWN) -> Overstays:
    """Members of ``members`` temporarily transferred out now whose stay has run past its
    planned end (or the longest period), for the dashboard's attention list: one query.

    The database returns only the overstayed transfers: each member's latest standing
    TEMPORARY_OUT entry (no later one: NOT EXISTS) whose planned end (``data["until"]``, an ISO
    date) is before today, or that has no planned end (the longest period depends on the rule
    values in force on its start: checked here, on those few rows). Ordered by that end here, as
    the flag computes it; ``limit`` of them shown."""
    later = (
        MemberEvent.objects.standing()
        .filter(member=OuterRef("member"), kind=Kind.TEMPORARY_OUT)
        .filter(
            Q(effective_date__gt=OuterRef("effective_date"))
            | Q(effective_date=OuterRef("effective_date"), pk__gt=OuterRef("pk"))
        )
    )
    entries = (
        MemberEvent.objects.standing()
        .filter(
            kind=Kind.TEMPORARY_OUT,
            member__in=members.filter(is_temporarily_out=True).values("pk"),
        )
        .alias(until=Cast(KeyTextTransform("until", "data"), CharField()))
        .filter(Q(until__lt=today.isoformat()) | Q(until__isnull=True) | Q(until=""))
        .filter(~Exists(later))
        .select_related("member")
        .order_by()
        .only(
            "pk",
            "member_id",
            "effective_date",
            "data",
            "member__public_id",
            "member__full_name",
        )
    )
    found = [
        (entry.member, flag)
        for entry in entries
        for flag in temporary_flags(entry, None, today)
        if flag.code == "temporary_overstay"
    ]
    found.sort(key=lambda pair: (pair[1].due or today, pair[0].full_name))
    return Overstays(found[:limit], len(found))
