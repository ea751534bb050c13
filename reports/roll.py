"""The roll as of a day in SQL, set-based: one pass over the ledger, not four subqueries a member.

``roll_sql(scope, day)`` is a derived table of the scope's members on the roll at the end of
``day`` — ``id``, the member fields the breakdowns group on, and as the ledger had them that day
``status_on``, ``cell_on_id``, ``temporary_on`` and ``exemption_on`` (1 or 0) — for
``reports.queries`` to GROUP BY (figures) or to filter members with (``people()``).

Members with no ledger entry dated after the day (all of them for today: future dates are
refused) are read from their rows' stored state (``Member.status``, ``cell``,
``is_temporarily_out``, ``is_exempted``), which the services keep equal to the ledger's latest
standing entries (tests/members/test_ledger.py and tests/reports/test_roll.py check it on random
histories). The others — those who moved after the day — are read from the ledger in ONE
grouped pass (``ledger_sql``): for each member and each family of entries (status, cell,
temporary transfer, exemption) the latest standing entry up to the day by (effective date, id),
found as the MAX of a sortable text key "YYYY-MM-DD" + the id on 12 digits + the value, so one
GROUP BY gives all four — the answer of ``MemberQuerySet.as_of``'s four correlated subqueries
(tests/reports/test_roll.py compares them on many days). Today costs a scan of the scope's rows;
a past day adds the entries dated after it (the index on the effective date) and those members'
earlier entries (the index on member and date).
"""

from __future__ import annotations

from datetime import date
from functools import partial

from django.db import connections, transaction
from django.db.models import Case, Exists, F, OuterRef, QuerySet, Value, When

from members.models import ALL_CHAPTERS, Member, MemberEvent
from members.models.party_age import band_sql

ACTIVE = tuple(Member.ACTIVE_STATUSES)
KEY_LENGTH = 22  # "YYYY-MM-DD" + 12 digits of the id


def quoted(values) -> str:
    """A SQL list of constant identifiers (ledger kinds, statuses: never user input)."""
    for value in values:
        if not str(value).replace("_", "").isalnum():
            raise ValueError(value)
    return ", ".join(f"'{value}'" for value in values)


def scope_sql(scope: QuerySet[Member]) -> tuple[str, tuple]:
    """``SELECT id FROM members_member WHERE ...`` of the scope, for ``IN (...)``."""
    query = scope.order_by().values("pk").query
    return query.get_compiler(using=scope.db).as_sql()


def adapt_date(scope: QuerySet, day: date):
    return connections[scope.db].ops.adapt_datefield_value(day)


def vendor(scope: QuerySet) -> str:
    return connections[scope.db].vendor


def _key(db_vendor: str) -> str:
    if db_vendor == "postgresql":
        return "(to_char(e.effective_date, 'YYYY-MM-DD') || lpad(e.id::text, 12, '0'))"
    return "(e.effective_date || substr('000000000000' || e.id, -12))"


def _latest(db_vendor: str, condition: str, value: str) -> str:
    """The value of the latest entry (by date, id) meeting ``condition``, in a GROUP BY."""
    collate = ' COLLATE "C"' if db_vendor == "postgresql" else ""
    key = _key(db_vendor)
    return (
        f"SUBSTR(MAX((CASE WHEN {condition} THEN {key} || {value} END){collate}), {KEY_LENGTH + 1})"
    )


def standing_events(alias: str = "e") -> str:
    """The WHERE of the entries that count (``MemberEventQuerySet.standing``)."""
    table = MemberEvent._meta.db_table
    return (
        f"{alias}.kind <> 'ANNULLED' AND NOT EXISTS "
        f"(SELECT 1 FROM {table} a WHERE a.annuls_id = {alias}.id)"
    )


def chapters_sql(scope: QuerySet[Member]) -> tuple[str, tuple] | None:
    """``SELECT id FROM members_chapter WHERE ...`` of the chapters the scope stands for
    (``MemberQuerySet.in_chapters``), None when it names none, ``("", ())`` for every chapter."""
    chapters = getattr(scope, "chapters", None)
    if chapters is None:
        return None
    if chapters is ALL_CHAPTERS:
        return "", ()
    query = chapters.order_by().values("pk").query
    return query.get_compiler(using=scope.db).as_sql()


def ledger_sql(scope: QuerySet[Member], day: date) -> tuple[str, list]:
    """Per member with an entry up to ``day`` AND one after it — of the scope, or whose record
    was in one of the scope's chapters (``chapters_sql``) and has left it since — ``member_id``,
    ``status_on``, ``chapter_on``, ``cell_on`` (text, '' for none), ``temporary_kind_on``,
    ``exemption_kind_on``."""
    db = vendor(scope)
    members, params = scope_sql(scope)
    chapters = chapters_sql(scope)
    event = MemberEvent
    table = event._meta.db_table
    candidates = f"e.member_id IN ({members})"
    if chapters is not None and chapters[0]:
        candidates = (
            f"({candidates} OR e.member_id IN "
            f"(SELECT c.member_id FROM {table} c WHERE c.chapter_id IN ({chapters[0]})))"
        )
        params = (*params, *chapters[1])
    elif chapters is not None:
        candidates, params = "1 = 1", ()
    cell = "COALESCE(CAST(e.cell_id AS VARCHAR(20)), '')"
    chapter = "CAST(e.chapter_id AS VARCHAR(20))"
    sql = f"""
        SELECT e.member_id AS member_id,
          {_latest(db, "e.status IS NOT NULL", "e.status")} AS status_on,
          {_latest(db, f"e.kind NOT IN ({quoted(event.UNPLACED_KINDS)})", chapter)} AS chapter_on,
          {_latest(db, f"e.kind IN ({quoted(event.CELL_KINDS)})", cell)} AS cell_on,
          {_latest(db, f"e.kind IN ({quoted(event.TEMPORARY_KINDS)})", "e.kind")}
            AS temporary_kind_on,
          {_latest(db, f"e.kind IN ({quoted(event.EXEMPTION_KINDS)})", "e.kind")}
            AS exemption_kind_on
        FROM {table} e
        WHERE e.effective_date <= %s AND {standing_events()}
          AND {candidates}
          AND e.member_id IN (SELECT l.member_id FROM {table} l WHERE l.effective_date > %s)
        GROUP BY e.member_id
    """
    day = adapt_date(scope, day)
    return sql, [day, *params, day]


# The member columns the breakdowns read.
MEMBER_COLUMNS = (
    "id",
    "chapter_id",
    "gender",
    "date_of_birth",
    "ethnicity",
    "religion",
    "general_education",
    "political_theory",
    # party age (members.models.party_age.band_sql)
    "first_admission_decision_date",
    "admission_decision_date",
    "ceremony_date",
    "earlier_interruption_months",
)


def stored_sql(scope: QuerySet[Member], day: date) -> tuple[str, list]:
    """The scope's members on the roll by their rows' stored state, those with no ledger entry
    dated after ``day`` only: the scope's own query (its conditions on the same scan of the
    member table), with the roll's columns."""
    later = MemberEvent.objects.filter(member=OuterRef("pk"), effective_date__gt=day)
    rows = (
        scope.order_by()
        .filter(status__in=ACTIVE)
        .filter(~Exists(later))
        .annotate(
            status_on=F("status"),
            cell_on_id=F("cell_id"),
            temporary_on=Case(When(is_temporarily_out=True, then=Value(1)), default=Value(0)),
            exemption_on=Case(When(is_exempted=True, then=Value(1)), default=Value(0)),
        )
        .values(*MEMBER_COLUMNS, *LEDGER_COLUMNS)
    )
    sql, params = rows.query.get_compiler(using=scope.db).as_sql()
    columns = ", ".join(f"s.{column}" for column in (*MEMBER_COLUMNS, *LEDGER_COLUMNS))
    return f"SELECT {columns} FROM ({sql}) s", list(params)


LEDGER_COLUMNS = ("status_on", "cell_on_id", "temporary_on", "exemption_on")


def roll_sql(scope: QuerySet[Member], day: date) -> tuple[str, list]:
    """Those of the scope on the roll at the end of ``day`` (see the module's docstring): the
    member rows' stored state for members with no ledger entry dated after the day
    (``stored_sql``), the ledger for the others (``ledger_sql``), as one UNION ALL.

    A record is counted in the chapter whose ledger held it that day (``chapter_id`` is that
    chapter's): a member who arrived since is not in the day's roll of the chapter holding the
    record now, and one who has left since is in the roll of the chapter they left when the
    scope names its chapters (``MemberQuerySet.in_chapters``)."""
    columns = ", ".join(
        "CAST(ao.chapter_on AS BIGINT) AS chapter_id" if column == "chapter_id" else f"m.{column}"
        for column in MEMBER_COLUMNS
    )
    stored, params = stored_sql(scope, day)
    ledger, ledger_params = ledger_sql(scope, day)
    chapters = chapters_sql(scope)
    if chapters is None:  # the chapter the scope holds the record in
        where, where_params = "CAST(ao.chapter_on AS BIGINT) = m.chapter_id", ()
    elif chapters[0]:
        where, where_params = f"CAST(ao.chapter_on AS BIGINT) IN ({chapters[0]})", chapters[1]
    else:
        where, where_params = "1 = 1", ()
    sql = f"""
        {stored}
        UNION ALL
        SELECT {columns}, ao.status_on AS status_on,
          CAST(NULLIF(ao.cell_on, '') AS BIGINT) AS cell_on_id,
          CASE WHEN ao.temporary_kind_on = 'TEMPORARY_OUT' THEN 1 ELSE 0 END AS temporary_on,
          CASE WHEN ao.exemption_kind_on = 'EXEMPTED' THEN 1 ELSE 0 END AS exemption_on
        FROM ({ledger}) ao JOIN {Member._meta.db_table} m ON m.id = ao.member_id
        WHERE ao.status_on IN ({quoted(ACTIVE)}) AND {where}
    """
    return sql, [*params, *ledger_params, *where_params]


def bands_sql(scope: QuerySet[Member], day: date, carry: tuple[str, ...] = ()) -> tuple[str, list]:
    """``SELECT id, band`` of party age (``members.models.party_age.band_sql``) for the members
    of a relation named ``roll`` (a CTE of ``roll_sql``), and its ``carry`` columns."""
    return band_sql(vendor(scope), "roll", day, partial(adapt_date, scope), carry)


# PostgreSQL, for these reporting queries only: the grouped roll of a province (a few hundred MB
# at most) hashed in memory rather than sorted on disk, and no JIT compilation (half a second
# of compiling for a query that runs once).
# One statement, inside the query's transaction (or the caller's: no savepoint of its own).
POSTGRESQL_SETTINGS = "SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)"


def fetch(scope: QuerySet, sql: str, params) -> list[tuple]:
    """Run a reporting query on the scope's database (the replica when the router says so)."""
    connection = connections[scope.db]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    with transaction.atomic(using=scope.db, savepoint=False), connection.cursor() as cursor:
        cursor.execute(POSTGRESQL_SETTINGS)
        cursor.execute(sql, params)
        return cursor.fetchall()
