"""Writing a plan in one transaction (``importing.write``: in batches, through the services'
checks), and the uploaded files kept between the preview and the confirmation."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from members.importing.columns import CREATE, UNCHANGED, UPDATE
from members.importing.plan import Plan, plan_import
from members.importing.read import Table, read_table
from members.importing.write import ImportFailed, Progress, write_rows
from members.models import Chapter, ImportBatch

STALE_AFTER = timedelta(days=7)  # unconfirmed uploads are dropped after this

__all__ = ["STALE_AFTER", "ImportFailed", "apply_plan", "batch_import", "import_table"]


# Writing ------------------------------------------------------------------------------------


def apply_plan(plan: Plan, *, actor, progress: Progress | None = None) -> dict[str, int]:
    """Write every create and update of a plan without errors, in one transaction, in batches
    through the services' checks (``importing.write``); ``ImportFailed`` (and nothing written)
    otherwise. ``progress(done, total)`` is called after each batch, inside the transaction.
    Returns the plan's counts.

    Cost: a fixed number of queries per batch of ``write.BATCH_SIZE`` rows; unchanged rows cost
    nothing."""
    if not plan.ok:
        raise ImportFailed(plan, plan.errors)
    with transaction.atomic():
        write_rows(plan, actor=actor, progress=progress)
    return plan.counts()


def import_table(
    table: Table, *, chapter: Chapter, actor, progress: Progress | None = None
) -> Plan:
    """Plan and apply in one transaction, so the plan is the register's state when writing."""
    with transaction.atomic():
        plan = plan_import(table, chapter)
        apply_plan(plan, actor=actor, progress=progress)
    return plan


# Uploaded files kept between preview and confirmation ------------------------------------------


def batch_create(*, chapter: Chapter, actor, filename: str, content: bytes) -> ImportBatch:
    """Keep an uploaded file for its preview (the caller has checked ``read_table`` accepts
    it); drops the unconfirmed uploads older than ``STALE_AFTER``."""
    stale = timezone.now() - STALE_AFTER
    ImportBatch.objects.filter(status=ImportBatch.Status.PENDING, created_at__lt=stale).delete()
    return ImportBatch.objects.create(
        chapter=chapter,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        filename=filename[:255],
        content=content,
    )


def batch_plan(batch: ImportBatch) -> Plan:
    return plan_import(read_table(batch.filename, bytes(batch.content)), batch.chapter)


def batch_import(*, batch_id: int, actor, progress: Progress | None = None) -> Plan | None:
    """Import a kept file (locked: a second click finds it imported and returns None). Marks the
    batch imported and drops its content; ``ImportFailed`` rolls everything back.

    What a background task calls for a large file: ``progress(done, total)`` after each batch of
    rows written (``write.BATCH_SIZE``), inside this one transaction, so what it records must go
    where other connections can read it before the commit."""
    with transaction.atomic():
        batches = ImportBatch.objects.select_for_update(of=("self",)).select_related("chapter")
        batch = batches.get(pk=batch_id)
        if batch.status != ImportBatch.Status.PENDING:
            return None
        table = read_table(batch.filename, bytes(batch.content))
        plan = import_table(table, chapter=batch.chapter, actor=actor, progress=progress)
        batch.status = ImportBatch.Status.IMPORTED
        batch.summary = plan.counts()
        batch.content = b""
        batch.imported_at = timezone.now()
        batch.save(update_fields=["status", "summary", "content", "imported_at", "updated_at"])
    return plan


def summary_text(counts: dict[str, int]) -> str:
    """The counts as "3 created, 1 updated, 10 unchanged" (messages, the command's output)."""
    return ", ".join(
        (
            ngettext("%(n)d created", "%(n)d created", counts[CREATE]) % {"n": counts[CREATE]},
            ngettext("%(n)d updated", "%(n)d updated", counts[UPDATE]) % {"n": counts[UPDATE]},
            ngettext("%(n)d unchanged", "%(n)d unchanged", counts[UNCHANGED])
            % {"n": counts[UNCHANGED]},
        )
    )
