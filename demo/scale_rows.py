"""Streaming row writer for ``seed_scale`` (demo/scale.py): rows are plain dicts of column
values, buffered per table and written in batches, with PostgreSQL ``COPY`` (psycopg2
``copy_expert`` from an in-memory buffer) or ``executemany`` inserts on SQLite.

Primary keys are given here, counting on from the largest key already in the table, so a row
can name another before either is written; each flush is one transaction, and the foreign keys
(deferred, as Django creates them) are checked when it commits. The columns a row does not name
take the model field's default, ``created_at``/``updated_at`` the time of the run. A model with
row history (django-simple-history) gets its historical row ("+", created) in the same batch,
the same values with the change reason of the synthetic data (STYLE.md convention 9). At the
end the sequences are moved past the keys given.
"""

from __future__ import annotations

import io
import json
import operator
import time
import uuid
from contextlib import contextmanager
from datetime import date, datetime

from django.db import connection, models, transaction
from django.utils import timezone

from members.models import Chapter
from reports.models import ChapterStamp

# COPY's text format: these characters are escaped, NULL is \N.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES)
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is date or kind is datetime:
        return value.isoformat()
    if kind is uuid.UUID:
        return str(value)
    if kind is dict or kind is list:
        return json.dumps(value).translate(_ESCAPES)
    return str(value).translate(_ESCAPES)


def _sqlite_value(value):
    kind = type(value)
    if kind is date:
        return value.isoformat()
    if kind is datetime:
        return connection.ops.adapt_datetimefield_value(value)
    if kind is uuid.UUID:
        return value.hex
    if kind is dict or kind is list:
        return json.dumps(value)
    return value


class Table:
    """One table's buffered rows (and its history table's)."""

    def __init__(self, model: type[models.Model], now: datetime, reason: str, convert) -> None:
        self.model = model
        self.name = model._meta.db_table
        self.convert = convert  # a Python value to what the backend's write takes
        fields = model._meta.concrete_fields
        self.columns = [field.column for field in fields]
        self.index = {field.attname: i for i, field in enumerate(fields)}
        self.pk = model._meta.pk.attname
        self.template = [self._default(field, now) for field in fields]
        self.rows: list[list] = []
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({model._meta.pk.column}) FROM {self.name}")
            self.next_id = self.first_id = (cursor.fetchone()[0] or 0) + 1
        self.history: Table | None = None
        if hasattr(model, "history") and model is not model.history.model:
            self._with_history(model.history.model, now, reason)
        self.template = [
            value if isinstance(value, _Missing) else convert(value) for value in self.template
        ]

    @staticmethod
    def _default(field: models.Field, now: datetime):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        if field.primary_key or (field.unique and field.has_default()):
            return _Missing(field)  # a key or a unique value the caller must give
        if field.has_default() or not field.null:
            return field.get_default()
        return None

    def _with_history(self, history_model: type[models.Model], now: datetime, reason: str) -> None:
        self.history = Table(history_model, now, reason, self.convert)
        constants = {
            "history_date": now,
            "history_change_reason": reason,
            "history_type": "+",
            "history_user_id": None,
        }
        past = self.history
        fields = history_model._meta.concrete_fields
        for i, column in enumerate(fields):
            if column.attname in constants:
                past.template[i] = self.convert(constants[column.attname])
        # The history table's columns are written in this order: first those the row has
        # (taken from it in one go), then the history key, then the constants.
        mapped = [i for i, field in enumerate(fields) if field.attname in self.index]
        rest = sorted(set(range(len(fields))) - set(mapped), key=lambda i: i != past.index[past.pk])
        self.copied = operator.itemgetter(*[self.index[fields[i].attname] for i in mapped])
        self.constants = [past.template[i] for i in rest[1:]]
        past.columns = [past.columns[i] for i in mapped + rest]
        past.template = [past.template[i] for i in mapped + rest]

    def add(self, values: dict) -> int:
        """Buffer one row; returns its primary key (given here unless ``values`` has it)."""
        row = self.template.copy()
        index, convert = self.index, self.convert
        pk = values.get(self.pk)
        if pk is None:
            pk = self.next_id
            row[index[self.pk]] = convert(pk)
            self.next_id += 1
        for name, value in values.items():
            row[index[name]] = convert(value)
        self.rows.append(row)
        past = self.history
        if past is not None:
            past.rows.append([*self.copied(row), convert(past.next_id), *self.constants])
            past.next_id += 1
        return pk

    def reserve(self) -> int:
        """A primary key for a row added later (``add(id=...)``)."""
        self.next_id += 1
        return self.next_id - 1

    def take(self) -> list[list]:
        rows, self.rows = self.rows, []
        for row in rows[:1]:
            missing = [value for value in row if isinstance(value, _Missing)]
            if missing:
                raise ValueError(f"{self.name}: no value for {missing}")
        return rows


class _Missing:
    def __init__(self, field: models.Field) -> None:
        self.field = field

    def __repr__(self) -> str:
        return self.field.attname


class Writer:
    """The tables of one run, flushed together in the order they were first asked for
    (parents first)."""

    def __init__(self, reason: str) -> None:
        self.now = timezone.now()
        self.reason = reason
        self.tables: dict[type[models.Model], Table] = {}
        self.written: dict[str, int] = {}
        self.postgres = connection.vendor == "postgresql"
        self.seconds = 0.0  # spent writing (the database's share of the run)
        self.rebuild_seconds = 0.0  # of which making the indexes and foreign keys again

    def table(self, model: type[models.Model]) -> Table:
        if model not in self.tables:
            convert = _copy_text if self.postgres else _sqlite_value
            self.tables[model] = Table(model, self.now, self.reason, convert)
        return self.tables[model]

    def add(self, model: type[models.Model], **values) -> int:
        return self.table(model).add(values)

    def pending(self) -> int:
        return sum(len(table.rows) for table in self.tables.values())

    @contextmanager
    def loading(self):
        """On PostgreSQL, the whole load in one transaction with the foreign keys and the
        secondary indexes of the tables written dropped first and made again at the end (one
        pass each, instead of a check and an index update per row); elsewhere, nothing."""
        if not self.postgres:
            yield
            return
        names = [
            part.name for table in self.tables.values() for part in (table, table.history) if part
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
                [[f'"{name}"' for name in names] + names],
            )
            keys = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s) "
                "AND NOT i.indisprimary AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [[f'"{name}"' for name in names] + names],
            )
            indexes = cursor.fetchall()
            # Rows written earlier in this transaction (a test's, say) may still owe deferred
            # foreign-key checks, and PostgreSQL alters no table with checks pending: run them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, _definition in keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
            # The stored figures' triggers (reports 0002) would collect every row written: off
            # for the load, and every chapter's counter raised once at the end instead.
            for name in names:
                cursor.execute(f'ALTER TABLE "{name}" DISABLE TRIGGER USER')
            yield
            self.flush()
            started = time.monotonic()
            for name in names:
                cursor.execute(f'ALTER TABLE "{name}" ENABLE TRIGGER USER')
            stamp, chapter = ChapterStamp._meta.db_table, Chapter._meta.db_table
            cursor.execute(
                f"INSERT INTO {stamp} (chapter_id, version) SELECT id, 1 FROM {chapter} "
                f"ON CONFLICT (chapter_id) DO UPDATE SET version = {stamp}.version + 1"
            )
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            self.rebuild_seconds = time.monotonic() - started
            self.seconds += self.rebuild_seconds

    def flush(self) -> None:
        """Write every buffered row, in one transaction."""
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            for table in self.tables.values():
                for part in (table, table.history):
                    if part is None or not part.rows:
                        continue
                    rows = part.take()
                    self.written[part.name] = self.written.get(part.name, 0) + len(rows)
                    if self.postgres:
                        self._copy(cursor, part, rows)
                        self._advance(cursor, part)
                    else:
                        self._insert(cursor, part, rows)
        self.seconds += time.monotonic() - started

    @staticmethod
    def _copy(cursor, table: Table, rows: list[list]) -> None:
        buffer = io.StringIO()
        buffer.writelines("\t".join(row) + "\n" for row in rows)
        buffer.seek(0)
        columns = ", ".join(f'"{column}"' for column in table.columns)
        cursor.cursor.copy_expert(f'COPY "{table.name}" ({columns}) FROM STDIN', buffer)

    @staticmethod
    def _insert(cursor, table: Table, rows: list[list]) -> None:
        columns = ", ".join(f'"{column}"' for column in table.columns)
        marks = ", ".join(["%s"] * len(table.columns))
        cursor.executemany(
            f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})',
            rows,
        )

    def finish(self) -> None:
        """Flush, and ANALYZE what was written."""
        self.flush()
        started = time.monotonic()
        with connection.cursor() as cursor:
            if self.postgres:
                for name in self.written:
                    cursor.execute(f'ANALYZE "{name}"')
            else:
                cursor.execute("ANALYZE")
        self.seconds += time.monotonic() - started

    @staticmethod
    def _advance(cursor, table: Table) -> None:
        """Move the key's sequence past the keys given (PostgreSQL; SQLite follows by itself)."""
        pk = table.model._meta.pk.column
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{pk}'), %s)",
            [table.next_id - 1],
        )
