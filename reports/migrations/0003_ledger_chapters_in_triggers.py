"""The stored figures' triggers (``0002``) again, for records that change chapter: a write to a
member raises the stamp of every chapter whose ledger holds an entry of that member (a chapter
it has left still counts it on the days it held it), and a ledger entry raises its own
chapter's stamp and the one holding the record now. Same shapes as ``0002``: PostgreSQL
statement triggers over the transition tables, SQLite row triggers (made again after every
``migrate`` by ``reports.apps.ensure_triggers``)."""

from importlib import import_module

from django.db import migrations

EARLIER = import_module("reports.migrations.0002_chapter_stamp_triggers")
BUMP = EARLIER.BUMP
EVENTS, MEMBERS = "members_memberevent", "members_member"

# (table, the chapters a set of its rows touches: PostgreSQL over a transition table ``t``,
# SQLite over a row ``a`` (NEW or OLD))
SOURCES = {
    MEMBERS: (
        lambda t: (
            f"SELECT r.chapter_id AS chapter_id FROM {t} r UNION "
            f"SELECT e.chapter_id FROM {EVENTS} e JOIN {t} r ON e.member_id = r.id"
        ),
        lambda a: (
            f"SELECT {a}.chapter_id AS chapter_id UNION "
            f"SELECT e.chapter_id FROM {EVENTS} e WHERE e.member_id = {a}.id"
        ),
    ),
    "admissions_candidate": (
        lambda t: f"SELECT r.chapter_id AS chapter_id FROM {t} r",
        lambda a: f"SELECT {a}.chapter_id AS chapter_id",
    ),
    EVENTS: (
        lambda t: (
            f"SELECT r.chapter_id AS chapter_id FROM {t} r UNION "
            f"SELECT m.chapter_id FROM {MEMBERS} m JOIN {t} r ON m.id = r.member_id"
        ),
        lambda a: (
            f"SELECT {a}.chapter_id AS chapter_id UNION "
            f"SELECT m.chapter_id FROM {MEMBERS} m WHERE m.id = {a}.member_id"
        ),
    ),
}


def _postgresql(table: str, touched) -> list[str]:
    function = f"reports_touch_{table}"
    body = f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            {BUMP.format(rows=touched("new_rows"))};
          ELSIF TG_OP = 'UPDATE' THEN
            {BUMP.format(rows=f"{touched('new_rows')} UNION {touched('old_rows')}")};
          ELSE
            {BUMP.format(rows=touched("old_rows"))};
          END IF;
          RETURN NULL;
        END $$;
    """
    # The triggers of 0002 call the function by name: replacing its body is enough.
    return [body]


def _sqlite(table: str, touched) -> list[str]:
    statements = []
    for event, rows in (
        ("INSERT", [touched("NEW")]),
        ("UPDATE", [touched("NEW"), touched("OLD")]),
        ("DELETE", [touched("OLD")]),
    ):
        name = f"reports_touch_{table}_{event.lower()}"
        body = " ".join(f"{BUMP.format(rows=row)};" for row in rows)
        statements.append(f"DROP TRIGGER IF EXISTS {name}")
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} BEGIN {body} END"
        )
    return statements


def statements(vendor: str) -> list[str]:
    """The statements that make the triggers (``reports.apps.ensure_triggers``, which on
    SQLite runs them after every ``migrate``: each drops and makes its trigger again)."""
    result = []
    for table, (postgresql, sqlite) in SOURCES.items():
        if vendor == "postgresql":
            result += _postgresql(table, postgresql)
        else:
            result += _sqlite(table, sqlite)
    return result


def create(apps, schema_editor):
    for statement in statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def back(apps, schema_editor):
    for statement in EARLIER._statements(schema_editor.connection.vendor)[1]:
        schema_editor.execute(statement)
    EARLIER.create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_chapter_stamp_triggers"),
        ("members", "0015_handover_reorganisation_event_chapter"),
    ]

    operations = [migrations.RunPython(create, back)]
