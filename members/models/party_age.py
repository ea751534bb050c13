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
from itertools import pairwise
from typing import Any

from django.utils.translation import ngettext

from chapter.dates import add_months, completed_months

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


# The same computation in SQL, set-based (issue 14): party age bands of a whole roll ------------

# Whole years of party age: the bands' lower bounds in months (under 10 years, 10, 20, 30, 40+).
BAND_MONTHS = (("lt10", 0), ("10", 120), ("20", 240), ("30", 360), ("40", 480))
NO_BAND = "none"


def _dates(vendor: str) -> dict[str, str]:
    """Date arithmetic each database spells its own way ({x}, {y}: date expressions)."""
    if vendor == "postgresql":
        return {
            "year": "CAST(EXTRACT(YEAR FROM {x}) AS INTEGER)",
            "month": "CAST(EXTRACT(MONTH FROM {x}) AS INTEGER)",
            "day": "CAST(EXTRACT(DAY FROM {x}) AS INTEGER)",
            "last_day": "(EXTRACT(DAY FROM {x} + 1) = 1)",
            "minus_days": "({x} - CAST({y} AS INTEGER))",
            "days_between": "({x} - {y})",
        }
    return {
        "year": "CAST(strftime('%%Y', {x}) AS INTEGER)",
        "month": "CAST(strftime('%%m', {x}) AS INTEGER)",
        "day": "CAST(strftime('%%d', {x}) AS INTEGER)",
        "last_day": "(strftime('%%d', {x}, '+1 day') = '01')",
        "minus_days": "date({x}, '-' || CAST({y} AS INTEGER) || ' days')",
        "days_between": "CAST(julianday({x}) - julianday({y}) AS INTEGER)",
    }


def _completed_months(vendor: str, start: str, end: str) -> str:
    """``chapter.dates.completed_months(start, end)`` for end >= start, in SQL."""
    f = _dates(vendor)

    def part(name: str, x: str) -> str:
        return f[name].format(x=x)

    return (
        f"(({part('year', end)} - {part('year', start)}) * 12 "
        f"+ ({part('month', end)} - {part('month', start)}) "
        f"- CASE WHEN {part('day', end)} < {part('day', start)} "
        f"AND NOT {part('last_day', end)} THEN 1 ELSE 0 END)"
    )


def latest_start(day: date, months: int) -> date:
    """The latest start from which ``completed_months(start, day) >= months``: a band's lower
    bound as a date, for everyone whose party age runs from the start to the day."""
    start = add_months(day, -months)
    while add_months(start + timedelta(days=1), months) <= day:
        start += timedelta(days=1)
    return start


def band_sql(
    vendor: str, roll: str, day: date, adapt=lambda d: d, carry: tuple[str, ...] = ()
) -> tuple[str, list]:
    """``SELECT id, band`` for each member of the relation ``roll`` (those on the roll at the end
    of ``day``: ``id``, ``status_on`` and the member's ``first_admission_decision_date``,
    ``admission_decision_date``, ``ceremony_date``, ``earlier_interruption_months``): the band
    (``BAND_MONTHS``, or ``NO_BAND``) of ``compute``'s party age, set-based.

    Only members of ``roll`` who ever left the roll or came back (an ``AGE_EXIT_KINDS`` or
    ``RETURN_KINDS`` entry up to the day) read the ledger — a chapter's report reads its own
    members' entries, not the province's: their entries are
    numbered into spans ending at each re-admission (a window's running count); a closed span
    gives the days off the roll between its first exit and the re-admission's decision, the
    open one the day party age stopped. Everyone else (no such entry, no manual adjustment)
    counts from the start to the day: a band is a range of start dates (``latest_start``).
    ``adapt`` turns a date into the database's parameter; ``carry``: more columns of ``roll``
    to select with each member's band (the stored figures group by ``chapter_id``)."""
    f = _dates(vendor)
    exits = ", ".join(f"'{kind}'" for kind in sorted(AGE_EXIT_KINDS))
    returns = ", ".join(f"'{kind}'" for kind in sorted(RETURN_KINDS))
    back = (
        "CASE WHEN e.document_date IS NOT NULL AND e.document_date < e.effective_date "
        "THEN e.document_date ELSE e.effective_date END"
    )
    days = f["days_between"].format(x="s.back_on", y="s.left_on")

    def start(alias: str) -> str:
        return (
            f"COALESCE({alias}.first_admission_decision_date, {alias}.admission_decision_date, "
            f"{alias}.ceremony_date)"
        )

    end = f["minus_days"].format(x="COALESCE(g.stopped_on, %s)", y="COALESCE(g.days_off, 0)")
    months = f"({_completed_months(vendor, 'p.start_on', 'p.end_on')} - p.adjustment)"
    bands = " ".join(
        f"WHEN q.months < {bound} THEN '{previous}'"
        for (previous, _low), (_name, bound) in pairwise(BAND_MONTHS)
    )
    by_start = " ".join(
        f"WHEN q.start_on > %s THEN '{previous}'"
        for (previous, _low), (_name, _bound) in pairwise(BAND_MONTHS)
    )
    thresholds = [adapt(latest_start(day, bound)) for _name, bound in BAND_MONTHS[1:]]
    for column in carry:
        if not column.replace("_", "").isalnum():
            raise ValueError(column)

    def carried(alias: str) -> str:
        return "".join(f", {alias}.{column} AS {column}" for column in carry)

    sql = f"""
        SELECT q.id AS id{carried("q")}, CASE
          WHEN q.status_on <> 'OFFICIAL' OR q.start_on IS NULL OR q.start_on > %s
            THEN '{NO_BAND}'
          WHEN q.plain = 1 THEN CASE {by_start} ELSE '{BAND_MONTHS[-1][0]}' END
          WHEN q.end_on < q.start_on THEN '{BAND_MONTHS[0][0]}'
          {bands}
          ELSE '{BAND_MONTHS[-1][0]}' END AS band
        FROM (
          SELECT p.id{carried("p")}, p.status_on, p.start_on, p.end_on, p.plain,
            CASE WHEN p.plain = 1 OR p.end_on < p.start_on THEN 0 ELSE {months} END AS months
          FROM (
            SELECT r.id AS id{carried("r")}, r.status_on AS status_on, {start("r")} AS start_on,
              COALESCE(r.earlier_interruption_months, 0) AS adjustment, {end} AS end_on,
              CASE WHEN g.member_id IS NULL AND COALESCE(r.earlier_interruption_months, 0) = 0
                THEN 1 ELSE 0 END AS plain
            FROM {roll} r
            LEFT JOIN (
              SELECT s.member_id,
                SUM(CASE WHEN s.closed = 1 AND s.left_on >= {start("mm")}
                  AND s.back_on > s.left_on THEN {days} ELSE 0 END) AS days_off,
                MIN(CASE WHEN s.closed = 0 AND s.left_on >= {start("mm")} THEN s.left_on END)
                  AS stopped_on
              FROM (
                SELECT w.member_id, w.span,
                  MIN(CASE WHEN w.kind IN ({exits}) THEN w.effective_date END) AS left_on,
                  MIN(CASE WHEN w.kind IN ({returns}) THEN w.back_on END) AS back_on,
                  MAX(CASE WHEN w.kind IN ({returns}) THEN 1 ELSE 0 END) AS closed
                FROM (
                  SELECT e.member_id, e.kind, e.effective_date, {back} AS back_on,
                    COALESCE(SUM(CASE WHEN e.kind IN ({returns}) THEN 1 ELSE 0 END) OVER (
                      PARTITION BY e.member_id ORDER BY e.effective_date, e.id
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS span
                  FROM members_memberevent e
                  WHERE e.status IS NOT NULL AND e.effective_date <= %s
                    AND e.kind <> 'ANNULLED'
                    AND NOT EXISTS (
                      SELECT 1 FROM members_memberevent a WHERE a.annuls_id = e.id)
                    AND e.member_id IN (
                      SELECT x.member_id FROM members_memberevent x
                      WHERE x.kind IN ({exits}, {returns}) AND x.effective_date <= %s
                        AND x.member_id IN (SELECT ro.id FROM {roll} ro))
                ) w
                GROUP BY w.member_id, w.span
              ) s
              JOIN {roll} mm ON mm.id = s.member_id
              GROUP BY s.member_id
            ) g ON g.member_id = r.id
          ) p
        ) q
    """
    day = adapt(day)
    return sql, [day, *thresholds, day, day, day]
