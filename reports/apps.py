from importlib import import_module

from django.apps import AppConfig
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # A kept register file is served only while its owner still reads its scope.
        from chapter import jobs
        from reports import tasks

        jobs.register_access_check(tasks.KIND, tasks.owner_still_reads)
        # The measures the stored figures keep (reports.figures.MEASURES), and the board's
        # counts of an officer's unit read from them.
        from admissions import board
        from reports import measures, stored  # noqa: F401

        board.register_stored_tally(stored.board_tally)
        post_migrate.connect(ensure_triggers, sender=self)


# The latest migration that makes the triggers first.
TRIGGERS = (
    "reports.migrations.0003_ledger_chapters_in_triggers",
    "reports.migrations.0002_chapter_stamp_triggers",
)


def ensure_triggers(using: str = "default", **kwargs) -> None:
    """After every ``migrate`` on SQLite, make the stored figures' triggers again where a later
    migration rebuilt a table (SQLite alters a table by copying it, and its triggers go with
    the old one). PostgreSQL alters tables in place."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return
    applied = set(recorder.applied_migrations())
    for module in TRIGGERS:
        if ("reports", module.rsplit(".", 1)[-1]) in applied:
            with connection.cursor() as cursor:
                for statement in import_module(module).statements(connection.vendor):
                    cursor.execute(statement)
            return
