"""Writing a plan's rows in batches, in the caller's transaction, through the services' own
checks and steps (``members.services``), set-based.

Per batch of ``BATCH_SIZE`` rows: the members to update are locked and read again in one query
(and their admission cases in one more, only when a case's field changes); every row goes
through the checks the services make one row at a time (``services.unsaved_member`` for a
create, ``services.change_details`` for an update, ``services.start_record`` for the move on
the transition table); the identifiers of the whole batch are checked against the roll and
each other at once (``checks.identifier_conflicts``, one query per identifier); then the new
members, their history rows and their IMPORTED entries (``services.event_fields``) are
bulk-created and the changed members bulk-updated with their history rows. A fixed number of
queries per batch (the database's limit on bound parameters may split an INSERT).

Any refused row raises ``ImportFailed`` with every refusal of its batch: the caller's
transaction writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chapter.collation import name_sort_key
from chapter.text import fold
from members import checks, services
from members.importing.columns import CREATE, UPDATE
from members.importing.plan import Issue, Plan, RowPlan, column_label, service_errors
from members.models import Member, MemberEvent

BATCH_SIZE = 1000  # rows per batch: checks, writes and one progress call

Progress = Callable[[int, int], None]  # (rows written so far, rows to write)


class ImportFailed(Exception):
    """Nothing was imported: the plan has errors, or a service refused a row while writing."""

    def __init__(self, plan: Plan, issues: list[Issue]) -> None:
        super().__init__("; ".join(str(issue) for issue in issues))
        self.plan = plan
        self.issues = issues


def write_rows(plan: Plan, *, actor, progress: Progress | None = None) -> None:
    """Write the plan's creates and updates batch by batch (in the caller's transaction);
    ``progress(done, total)`` after each batch. ``ImportFailed`` at the first refused batch."""
    rows = plan.to_write
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        _write_batch(plan, batch, actor)
        if progress is not None:
            progress(start + len(batch), len(rows))


def source(plan: Plan, row: RowPlan) -> str:
    """What the IMPORTED entry and the history row say of the row's origin."""
    return _("Imported from %(file)s, row %(row)d") % {"file": plan.filename, "row": row.number}


class _Batch:
    def __init__(self, plan: Plan, actor) -> None:
        self.plan, self.actor = plan, actor
        self.issues: list[Issue] = []
        self.created: list[tuple[RowPlan, Member, services.Movement]] = []
        self.updated: list[tuple[RowPlan, Member, list[str]]] = []

    def refuse(self, row: RowPlan, error: ValidationError) -> None:
        self.issues += [
            Issue(row.number, column_label(key), message, code)
            for key, message, code in service_errors(error)
        ]


def _write_batch(plan: Plan, rows: list[RowPlan], actor) -> None:
    batch = _Batch(plan, actor)
    for row in rows:
        if row.action == CREATE:
            _check_create(batch, row)
    _check_updates(batch, [row for row in rows if row.action == UPDATE])
    saved = [member for _row, member, _movement in batch.created]
    saved += [member for _row, member, _changed in batch.updated if member.is_active]
    owners = [row for row, _member, _movement in batch.created]
    owners += [row for row, member, _ in batch.updated if member.is_active]
    for index, error in checks.identifier_conflicts(saved).items():
        batch.refuse(owners[index], error)
    if batch.issues:
        raise ImportFailed(plan, sorted(batch.issues, key=lambda issue: issue.row))
    _create(batch)
    _update(batch)


def _check_create(batch: _Batch, row: RowPlan) -> None:
    """``services.member_register(imported=True)`` up to the save, on an unsaved row."""
    movement = services.Movement(
        kind=MemberEvent.Kind.IMPORTED,
        effective_date=row.effective_date,
        note=source(batch.plan, row),
    )
    try:
        member = services.unsaved_member(
            chapter=batch.plan.chapter,
            cell=row.cell,
            status=row.status,
            details=row.details,
            movement=movement,
        )
        services.start_record(member, movement, actor=batch.actor)
    except ValidationError as error:
        batch.refuse(row, error)
        return
    batch.created.append((row, member, movement))


def _check_updates(batch: _Batch, rows: list[RowPlan]) -> None:
    """``services.member_update_details`` up to the save, on the rows locked and read again."""
    if not rows:
        return
    locked = Member.objects.select_for_update(of=("self",)).select_related("chapter", "cell")
    members = locked.in_bulk([row.member.pk for row in rows])
    if any(set(row.changes) & set(services.CASE_FIELDS) for row in rows):
        services.prefetch_cases(members.values())
    for row in rows:
        member = members.get(row.member.pk)
        if member is None:
            raise Member.DoesNotExist(row.member.pk)
        try:
            services.refuse_fields(row.changes)
            reason = services.history_reason(source(batch.plan, row))
            changed = services.change_details(member, row.changes, actor=batch.actor, reason=reason)
        except ValidationError as error:
            batch.refuse(row, error)
            continue
        if changed:
            batch.updated.append((row, member, changed))


def _fill_keys(member: Member) -> None:
    """What ``chapter.models.SearchKeyMixin.save`` derives from the names (a bulk write does
    not call ``save``): the same two functions."""
    member.search_key = fold(f"{member.full_name} {member.other_names}")
    member.sort_key = name_sort_key(member.full_name)


def _create(batch: _Batch) -> None:
    if not batch.created:
        return
    members = [member for _row, member, _movement in batch.created]
    for member in members:
        _fill_keys(member)
    bulk_create_with_history(members, Member, batch_size=BATCH_SIZE)
    events = [
        MemberEvent(**services.event_fields(member, movement, from_status="", actor=batch.actor))
        for _row, member, movement in batch.created
    ]
    MemberEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


def _update(batch: _Batch) -> None:
    if not batch.updated:
        return
    fields = {name for _row, _member, changed in batch.updated for name in changed}
    if fields & {"full_name", "other_names"}:
        fields |= {"search_key", "sort_key"}
    touched = Member._meta.get_field("updated_at")
    members = []
    for _row, member, _changed in batch.updated:
        _fill_keys(member)
        touched.pre_save(member, add=False)  # auto_now, as ``save`` would
        members.append(member)
    bulk_update_with_history(members, Member, [*sorted(fields), "updated_at"], BATCH_SIZE)
