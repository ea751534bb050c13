"""Party age (tuổi đảng, DOMAIN.md R16): the one computation, from the member and its ledger.

Charter Art. 5(4): once confirmed official, party age counts from the date on the admission
decision. Here, as of any day:

- none unless the status the member last held on the roll that day is OFFICIAL (a probationary
  member, a re-admitted member serving probation again, someone removed from the probationary
  list: none);
- counted from the **first** admission decision (a re-admitted member keeps one record:
  ``Member.first_admission_decision_date``), else this admission's decision, else the ceremony
  date ("the joining date on the card");
- it stops growing on the day the member leaves the roll (removal from the probationary list,
  removal, expulsion, leaving, death: ``AGE_EXIT_KINDS``); a transfer out is not an exit (the
  member carries on in another chapter);
- the time off the roll between such an exit and a re-admission's decision (``RETURN_KINDS``) is
  not counted, day for day, read from the ledger;
- minus ``Member.earlier_interruption_months``, a manual adjustment for interruptions from before
  the register kept the member's movements.

Whole months as ``chapter.dates.completed_months`` counts them, from the start to the day the
member has been on the roll for as long as the days counted. Pure: it reads the rows it is
given (``status_events``: the standing entries that change the status, in date order), so a list
prefetches them once (``MemberQuerySet.with_party_age``) and runs no query per member.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.translation import ngettext

from chapter.dates import completed_months

# Ledger kinds after which party age stops growing (the member left the roll).
AGE_EXIT_KINDS = frozenset(
    {"REMOVED_FROM_PROBATIONARY_LIST", "REMOVED", "EXPELLED", "LEFT", "DECEASED"}
)
# Ledger kinds that bring a member back after such an exit (one record, R16, R20).
RETURN_KINDS = frozenset({"READMITTED"})
ON_ROLL = frozenset({"PROBATIONARY", "OFFICIAL"})


@dataclass(frozen=True)
class PartyAge:
    """Party age as of a day, with what it was computed from (the member page says so)."""

    months: int
    #: the decision it counts from
    start: date
    #: days off the roll between an exit and a re-admission, read from the ledger
    days_off_roll: int
    #: the manual adjustment (months before the register was kept)
    adjustment_months: int
    #: the day the member left the roll, when off it on the day asked (it stopped growing)
    stopped_on: date | None

    @property
    def years(self) -> int:
        return self.months // 12


def start_date(member: Any) -> date | None:
    """The decision party age counts from: the first admission's, else this one's, else the
    ceremony (no decision on file: the joining date on the card)."""
    return (
        member.first_admission_decision_date
        or member.admission_decision_date
        or member.ceremony_date
    )


def _ordered(events: Iterable[Any]) -> list[Any]:
    return sorted(events, key=lambda e: (e.effective_date, e.pk or 0))


def compute(member: Any, events: Iterable[Any], as_of: date) -> PartyAge | None:
    """Party age of ``member`` at the end of ``as_of`` from its status-changing ``events``
    (standing entries: annulled ones and annulments excluded by the caller), or None."""
    start = start_date(member)
    if start is None or as_of < start:
        return None
    roll_status = None  # the status last held on the roll
    left_on: date | None = None  # off the roll since (an exit), else None
    days_off = 0
    for event in _ordered(events):
        if event.effective_date > as_of:
            break
        if event.kind in AGE_EXIT_KINDS:
            left_on = left_on or event.effective_date
        elif event.kind in RETURN_KINDS and left_on is not None:
            # Off the roll until the re-admission's decision (party age counts from decisions).
            back = min(event.document_date or event.effective_date, event.effective_date)
            if left_on >= start and back > left_on:
                days_off += (back - left_on).days
            left_on = None
        if event.status in ON_ROLL:
            roll_status = event.status
    if roll_status != "OFFICIAL":
        return None
    stopped = left_on if left_on is not None and left_on >= start else None
    end = (stopped or as_of) - timedelta(days=days_off)
    adjustment = member.earlier_interruption_months or 0
    months = max(completed_months(start, end) - adjustment, 0) if end >= start else 0
    return PartyAge(months, start, days_off, adjustment, stopped)


def describe(months: int | None) -> str:
    """Party age as "N years M months" (vi: "N năm M tháng"); "" when there is none."""
    if months is None:
        return ""
    years, rest = divmod(months, 12)
    return "{} {}".format(
        ngettext("%(n)d year", "%(n)d years", years) % {"n": years},
        ngettext("%(n)d month", "%(n)d months", rest) % {"n": rest},
    )
