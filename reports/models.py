"""Stored figures (issue 14): the summable figures of each chapter and each committee subtree,
kept so that a province's dashboard, report, unit page and board read a few rows instead of
counting a million members on every request (``reports.figures``).

Two tables:

- ``ChapterStamp``: a counter per chapter, raised by database triggers (migration
  ``reports.0001``) in the same transaction as any write to the chapter's members, their ledger
  or its admission cases — whichever code writes (services, the import, the admin, raw SQL);
- ``StoredFigures``: one row per unit (a chapter or a committee), measure and key (a day, a
  period), with the counts and the stamp they were computed at. A chapter's row is current while
  its stamp equals the chapter's counter; a committee's while its stamp equals the combination
  of its chapters' counters and tree paths (``figures.subtree_stamp``). A stale row is never
  read: it is recomputed (and replaced) on the next read.
"""

from __future__ import annotations

from django.db import models


class ChapterStamp(models.Model):
    """How many times the chapter's figures have changed (no row: never)."""

    # No database constraint: the triggers write it while rows are deleted in any order (a
    # test database's flush); a deleted chapter's counter is harmless.
    chapter = models.OneToOneField(
        "members.Chapter",
        on_delete=models.DO_NOTHING,
        primary_key=True,
        related_name="+",
        db_constraint=False,
    )
    version = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.chapter_id}: {self.version}"


class StoredFigures(models.Model):
    """The counts of one measure for one unit (``c:<chapter id>`` or ``k:<committee id>``)
    and key (``2026-12-07``, ``2026-01-01..2026-12-07``)."""

    # "k:" and a committee's tree path (treebeard's 255 characters at most), or "c:<id>".
    unit = models.CharField(max_length=257)
    measure = models.CharField(max_length=16)
    key = models.CharField(max_length=32)
    stamp = models.BigIntegerField()
    counts = models.JSONField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "key", "unit"], name="reports_storedfigures_unit"
            )
        ]
        indexes = [models.Index(fields=["computed_at"], name="reports_storedfigures_age")]

    def __str__(self) -> str:
        return f"{self.unit} {self.measure} {self.key}"
