"""Stored due dates: each case's next deadline (``deadlines.next_deadline``) kept on the case
(``Candidate.due_on``, ``due_rule``, ``due_kind``, ``due_excused``), so the due-soon list, the
overdue figures and the deadlines page are SQL over one index instead of a pass over every open
case in Python.

Kept equal to ``next_deadline`` by three writers, and by no one else:

- every service that changes a case runs ``refresh_case`` at its end, in its own transaction
  (``admissions.services.common.case_write``);
- a change of a member's official date (``members.services``) refreshes that member's case
  (a ``post_save`` receiver connected in ``AdmissionsConfig.ready``);
- a change of the calendar (``CalendarOverride``) or of a deadline's rule value (``RuleValue``)
  refreshes the open cases it can move, in batches, in the transaction of the change
  (receivers below); ``manage.py refresh_due_dates`` and the migration that added the fields
  run ``refresh_due_dates`` over every case.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet

from admissions.deadlines import KINDS, Deadline, next_deadline
from admissions.models import CLOSED_STAGES, Candidate, Form

FIELDS = ("due_on", "due_rule", "due_kind", "due_excused")
BATCH = 2000
ST = Candidate.Stage


def stored_values(deadline: Deadline | None) -> dict:
    """The case's due fields for ``deadline`` (all empty without one)."""
    if deadline is None:
        return {"due_on": None, "due_rule": "", "due_kind": "", "due_excused": False}
    return {
        "due_on": deadline.due,
        "due_rule": deadline.rule,
        "due_kind": deadline.kind,
        "due_excused": deadline.excused,
    }


def _loaded(queryset: QuerySet) -> QuerySet:
    """What ``next_deadline`` reads, one query per kind of row (works on the migration's
    historical models too: only field names)."""
    model = queryset.model
    documents = model._meta.get_field("documents").related_model
    return queryset.select_related("member").prefetch_related(
        "resolutions",
        "decisions",
        "extensions",
        Prefetch("documents", queryset=documents.objects.filter(form=Form.AWARENESS)),
    )


def _compute(candidates: Iterable) -> list:
    """The candidates whose stored fields differ from their next deadline, updated in memory."""
    changed = []
    for candidate in candidates:
        is_open = candidate.stage not in CLOSED_STAGES
        values = stored_values(next_deadline(candidate) if is_open else None)
        if any(getattr(candidate, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(candidate, name, value)
            changed.append(candidate)
    return changed


def refresh_case(candidate_id: int) -> dict | None:
    """Store one case's next deadline: five reads and, if it moved, one update. Called at the
    end of every service that changes a case, inside its transaction. Returns the stored
    values (None if the case is gone)."""
    candidate = _loaded(Candidate.objects.filter(pk=candidate_id)).first()
    if candidate is None:
        return None
    for row in _compute([candidate]):
        Candidate.objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in FIELDS})
    return {name: getattr(candidate, name) for name in FIELDS}


def refresh_due_dates(queryset: QuerySet | None = None, *, batch_size: int = BATCH) -> int:
    """Recompute the stored next deadline of the cases of ``queryset`` (every case by default)
    that can carry one — the open cases, and closed ones still holding a date — in batches of
    ``batch_size`` by primary key, each batch locked while it is computed and written (a step
    recorded meanwhile waits, then writes its own value). Returns how many rows changed.

    Runs in the caller's transaction if there is one, else one transaction per batch."""
    if queryset is None:
        queryset = Candidate.objects.all()
    model = queryset.model
    carries = ~Q(stage__in=CLOSED_STAGES) | ~Q(due_kind="") | Q(due_on__isnull=False)
    queryset = queryset.filter(carries)
    changed, last = 0, 0
    while True:
        with transaction.atomic():
            ids = list(
                queryset.filter(pk__gt=last)
                .order_by("pk")
                .select_for_update()
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return changed
            last = ids[-1]
            rows = _compute(_loaded(model.objects.filter(pk__in=ids)))
            model.objects.bulk_update(rows, FIELDS, batch_size=500)
            changed += len(rows)


# When the calendar or a rule value changes ------------------------------------------------------


def cases_moved_by_day(day: date) -> QuerySet:
    """The cases a working day added or removed on ``day`` can move: a deadline counted from an
    anchor before ``day`` to a date on or after it. One that fell before ``day`` never counted
    that day, and one without a date gets none from the calendar."""
    return Candidate.objects.filter(due_on__gte=day)


def kinds_reading(key: str) -> list[str]:
    """The kinds of deadline whose date reads the rule value ``key`` (``deadlines.KINDS``)."""
    return [kind for kind, (_rule, keys) in KINDS.items() if key in keys]


# The field of each calendar model whose former value matters when a row is edited.
WATCHED = {"CalendarOverride": "day", "RuleValue": "key"}


def remember_former(sender, instance, raw=False, **kwargs) -> None:
    """pre_save of an override or a rule value: keep the day (or key) an edited row had, since
    the change moves the cases of both."""
    if instance.pk and not raw:
        name = WATCHED[sender.__name__]
        former = sender.objects.filter(pk=instance.pk).values_list(name, flat=True).first()
        instance._due_former = former


def override_changed(sender, instance, raw=False, **kwargs) -> None:
    """post_save/post_delete of a ``CalendarOverride``: refresh what its day (or its former
    day) can move, in the transaction of the change."""
    if raw:
        return
    _forget_calendar()
    days = [d for d in (instance.day, getattr(instance, "_due_former", None)) if d]
    refresh_due_dates(cases_moved_by_day(min(days)))


def rule_value_changed(sender, instance, raw=False, **kwargs) -> None:
    """post_save/post_delete of a ``RuleValue``: refresh the cases whose deadline reads it."""
    if raw:
        return
    from chapter.rules import forget_rules

    forget_rules()
    keys = {instance.key, getattr(instance, "_due_former", None) or instance.key}
    if kinds := [kind for key in keys for kind in kinds_reading(key)]:
        refresh_due_dates(Candidate.objects.filter(due_kind__in=kinds))


def member_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    """post_save of a ``Member``: a changed official date moves its probation case's R14
    deadline (``members.services.member_correct_key_date``, an annulled correction)."""
    if created or raw or (update_fields is not None and "official_date" not in update_fields):
        return
    refresh_due_dates(Candidate.objects.filter(member=instance.pk, stage=ST.ADMITTED))


def _forget_calendar() -> None:
    # The calendar's own receiver (chapter.apps) runs first; forgetting again costs nothing and
    # does not depend on the order the apps connected in.
    from chapter.workdays import clear_calendar_cache

    clear_calendar_cache()
