"""Pinned query counts of pages that run reporting queries (reports/roll.py ``fetch``)."""

from django.db import connection


def with_reporting(base: int, reporting: int) -> int:
    """``base`` queries, plus on PostgreSQL one statement before each of the ``reporting``
    queries, setting their transaction's work_mem and turning JIT off (``POSTGRESQL_SETTINGS``)."""
    return base + (reporting if connection.vendor == "postgresql" else 0)
