"""Writing a plan through ``members.services`` in one transaction, and the uploaded files kept
between the preview and the confirmation."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members import services
from members.importing.columns import CREATE, UNCHANGED, UPDATE
from members.importing.plan import Issue, Plan, RowPlan, column_label, plan_import, service_errors
from members.importing.read import Table, read_table
from members.models import Chapter, ImportBatch, Member

Status = Member.Status

STALE_AFTER = timedelta(days=7)  # unconfirmed uploads are dropped after this


class ImportFailed(Exception):
    """Nothing was imported: the plan has errors, or a service refused a row while writing."""

    def __init__(self, plan: Plan, issues: list[Issue]) -> None:
        super().__init__("; ".join(str(issue) for issue in issues))
        self.plan = plan
        self.issues = issues


# Writing ------------------------------------------------------------------------------------


def apply_plan(plan: Plan, *, actor) -> dict[str, int]:
    """Write every create and update of a plan without errors, in one transaction, through the
    services; ``ImportFailed`` (and nothing written) otherwise. Returns the plan's counts.

    Cost: the services' own queries per written row (about 7 for a create, 4 for an update);
    unchanged rows cost nothing."""
    if not plan.ok:
        raise ImportFailed(plan, plan.errors)
    with transaction.atomic():
        for row in plan.to_write:
            try:
                _write(row, plan, actor)
            except ValidationError as error:
                issues = [
                    Issue(row.number, column_label(key), message, code)
                    for key, message, code in service_errors(error)
                ]
                raise ImportFailed(plan, issues) from error
    return plan.counts()


def _write(row: RowPlan, plan: Plan, actor) -> None:
    source = _("Imported from %(file)s, row %(row)d") % {"file": plan.filename, "row": row.number}
    if row.action == CREATE:
        services.member_register(
            chapter=plan.chapter,
            cell=row.cell,
            actor=actor,
            effective_date=row.effective_date,
            status=row.status,
            details=row.details,
            note=source,
            imported=True,
        )
    else:
        services.member_update_details(
            member_id=row.member.pk,
            actor=actor,
            changes=row.changes,
            reason=services.history_reason(source),
        )


def import_table(table: Table, *, chapter: Chapter, actor) -> Plan:
    """Plan and apply in one transaction, so the plan is the register's state when writing."""
    with transaction.atomic():
        plan = plan_import(table, chapter)
        apply_plan(plan, actor=actor)
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


def batch_import(*, batch_id: int, actor) -> Plan | None:
    """Import a kept file (locked: a second click finds it imported and returns None). Marks the
    batch imported and drops its content; ``ImportFailed`` rolls everything back."""
    with transaction.atomic():
        batches = ImportBatch.objects.select_for_update(of=("self",)).select_related("chapter")
        batch = batches.get(pk=batch_id)
        if batch.status != ImportBatch.Status.PENDING:
            return None
        table = read_table(batch.filename, bytes(batch.content))
        plan = import_table(table, chapter=batch.chapter, actor=actor)
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
