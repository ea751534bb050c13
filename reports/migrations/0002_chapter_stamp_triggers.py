"""Triggers that raise a chapter's ``ChapterStamp`` in the transaction of every write to its
members, their ledger entries or its admission cases (``reports.models``): whatever writes
them — the services, the import, the admin, a script — the stored figures of the chapter and of
the committees above it stop being read until they are computed again.

PostgreSQL: one trigger per statement (with its transition tables), so a bulk insert raises
each chapter's stamp once, in chapter order (no deadlock between two statements touching the
same chapters). SQLite: one per row (it has no statement triggers; it writes one at a time).
SQLite drops a table's triggers when a later migration rebuilds the table (its way of altering
one): ``reports.apps`` makes them again after every ``migrate`` (``ensure_triggers``).
"""

from django.db import migrations

# (table, how its rows name their chapter: a column, or SQL reading it from rows aliased r)
SOURCES = {
    "members_member": "r.chapter_id",
    "admissions_candidate": "r.chapter_id",
    "members_memberevent": ("(SELECT m.chapter_id FROM members_member m WHERE m.id = r.member_id)"),
}

BUMP = (
    "INSERT INTO reports_chapterstamp (chapter_id, version) "
    "SELECT DISTINCT chapter_id, 1 FROM ({rows}) touched WHERE chapter_id IS NOT NULL "
    "ORDER BY chapter_id "
    "ON CONFLICT (chapter_id) DO UPDATE SET version = reports_chapterstamp.version + 1"
)


def _postgresql(table: str, chapter: str) -> tuple[list[str], list[str]]:
    function = f"reports_touch_{table}"
    old = f"SELECT {chapter} AS chapter_id FROM old_rows r"
    new = f"SELECT {chapter} AS chapter_id FROM new_rows r"
    body = f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            {BUMP.format(rows=new)};
          ELSIF TG_OP = 'UPDATE' THEN
            {BUMP.format(rows=f"{new} UNION {old}")};
          ELSE
            {BUMP.format(rows=old)};
          END IF;
          RETURN NULL;
        END $$;
    """
    forward = [body]
    backward = []
    for event, referencing in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        name = f"{function}_{event.lower()}"
        forward.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
        backward.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    backward.append(f"DROP FUNCTION IF EXISTS {function}()")
    return forward, backward


def _sqlite(table: str, chapter: str) -> tuple[list[str], list[str]]:
    def bump(alias: str) -> str:
        rows = f"SELECT {chapter.replace('r.', f'{alias}.')} AS chapter_id"
        return BUMP.format(rows=rows)

    forward, backward = [], []
    for event, statements in (
        ("INSERT", [bump("NEW")]),
        ("UPDATE", [bump("NEW"), bump("OLD")]),
        ("DELETE", [bump("OLD")]),
    ):
        name = f"reports_touch_{table}_{event.lower()}"
        body = " ".join(f"{statement};" for statement in statements)
        forward.append(
            f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} BEGIN {body} END"
        )
        backward.append(f"DROP TRIGGER IF EXISTS {name}")
    return forward, backward


def _statements(vendor: str) -> tuple[list[str], list[str]]:
    make = _postgresql if vendor == "postgresql" else _sqlite
    forward, backward = [], []
    for table, chapter in SOURCES.items():
        more, less = make(table, chapter)
        forward += more
        backward += less
    return forward, backward


def statements(vendor: str) -> list[str]:
    """The statements that make the triggers (``reports.apps.ensure_triggers``)."""
    return _statements(vendor)[0]


def create(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor)[0]:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor)[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_stored_figures"),
        ("members", "0013_unaccent_extension"),
        ("admissions", "0011_stored_due_dates"),
    ]

    operations = [migrations.RunPython(create, drop)]
