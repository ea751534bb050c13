"""Stored due dates: each case's next deadline (``deadlines.next_deadline``) kept on the case
(``Candidate.due_on``, ``due_rule``, ``due_kind``, ``due_excused``), so the due-soon list, the
overdue figures and the deadlines page are SQL over one index instead of a pass over every open
case in Python.

Kept equal to ``next_deadline`` by three writers, and by no one else:

- every service that changes a case runs ``refresh_case`` at its end, in its own transaction
  (``admissions.services.common.case_write``);
- a change of a member's official date (``members.services``) refreshes that member's case,
  and so does a paper, vote, decision or extension saved outside the services (the admin's
  corrections): ``post_save``/``post_delete`` receivers connected in ``AdmissionsConfig.ready``;
- a change of the calendar (``CalendarOverride``) or of a deadline's rule value (``RuleValue``)
  refreshes the open cases it can move (receivers below): up to ``settings.BACKGROUND_ROWS``
  of them in the transaction of the change, more in the background worker after its commit
  (``admissions.tasks.refresh_due_dates_task``: batches of ``BATCH`` cases nearest today first,
  each batch its own transaction, ``refresh_soonest_first``); ``manage.py refresh_due_dates``
  and the migration that added the fields run ``refresh_due_dates`` over every case.

While a background refresh runs, the cases it has not reached yet keep their former dates: a
step recorded meanwhile stores its new deadline at once (``refresh_case`` reads the calendar
fresh), the cases due nearest today come first, and the admin page that saved the change says
that the deadlines are being recomputed, with a link to the job's progress.
"""

from __future__ import annotations

import contextvars
from collections import defaultdict, namedtuple
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from admissions.deadlines import KINDS, READS, Deadline, deadline_of
from admissions.models import CLOSED_STAGES, Candidate, Form
from chapter.freshness import read_fresh

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


# What ``deadlines.deadline_of`` reads of each kind of row (plain tuples: no model instance).
ROW_FIELDS = {
    "resolutions": ("pk", "kind", "passed", "date"),
    "decisions": ("pk", "kind", "date", "received_on"),
    "extensions": ("kind",),
    "documents": ("pk", "form", "date"),
}
ROWS = {name: namedtuple(f"{name}_row", fields) for name, fields in ROW_FIELDS.items()}
CASE = ("pk", "stage", "member__official_date", *FIELDS)


def _related_rows(model, name: str, cases: list[tuple]) -> dict[int, list]:
    """The ``name`` rows of the cases whose stage reads them, grouped by case: one query, none
    when no case needs them."""
    ids = [case[0] for case in cases if case[1] in READS[name]]
    if not ids:
        return {}
    related = model._meta.get_field(name).related_model.objects.filter(candidate_id__in=ids)
    if name == "documents":
        related = related.filter(form=Form.AWARENESS)
    grouped: dict[int, list] = defaultdict(list)
    for candidate_id, *values in related.values_list("candidate_id", *ROW_FIELDS[name]):
        grouped[candidate_id].append(ROWS[name](*values))
    return grouped


def _changed(model, ids: list[int]) -> list[dict]:
    """The cases of ``ids`` whose stored fields differ from their next deadline: their pk and
    new values. One query for the cases and one per kind of row their stages read; works on
    the migration's historical models too (field names only)."""
    cases = list(model.objects.filter(pk__in=ids).values_list(*CASE))
    rows = {name: _related_rows(model, name, cases) for name in ROW_FIELDS}
    changed = []
    for pk, stage, official_date, *stored in cases:
        deadline = None
        if stage not in CLOSED_STAGES:
            deadline = deadline_of(
                stage,
                official_date=official_date,
                **{name: rows[name].get(pk, ()) for name in ROW_FIELDS},
            )
        values = stored_values(deadline)
        if list(values.values()) != stored:
            changed.append({"pk": pk, **values})
    return changed


def _write(model, changed: list[dict]) -> None:
    """One UPDATE per distinct set of values (cases moved by the same change mostly share
    their new date): far cheaper than ``bulk_update``'s CASE per row and field."""
    by_values: dict[tuple, list[int]] = defaultdict(list)
    for values in changed:
        by_values[tuple(values[name] for name in FIELDS)].append(values["pk"])
    for values, pks in by_values.items():
        model.objects.filter(pk__in=pks).update(**dict(zip(FIELDS, values, strict=True)))


def refresh_case(candidate_id: int) -> dict | None:
    """Store one case's next deadline: a read of the case, one of each kind of row its stage
    reads and, if it moved, one update. Called at the end of every service that changes a
    case, inside its transaction. Returns the changed values (None when nothing moved)."""
    # Stored: computed from the calendar and rule values as the database has them now, not
    # from this process's copy of a minute ago (chapter/freshness.py).
    with read_fresh():
        changed = _changed(Candidate, [candidate_id])
    _write(Candidate, changed)
    return {k: changed[0][k] for k in FIELDS} if changed else None


# The cases that can carry a stored deadline: the open ones, and closed ones still holding one.
CARRIES = ~Q(stage__in=CLOSED_STAGES) | ~Q(due_kind="") | Q(due_on__isnull=False)


def _refresh_batch(model, ids: list[int]) -> int:
    """Lock the cases of ``ids``, store their next deadline, return how many changed."""
    locked = list(model.objects.filter(pk__in=ids).select_for_update().values_list("pk", flat=True))
    with read_fresh():
        rows = _changed(model, locked)
    _write(model, rows)
    return len(rows)


def refresh_due_dates(queryset: QuerySet | None = None, *, batch_size: int = BATCH) -> int:
    """Recompute the stored next deadline of the cases of ``queryset`` (every case by default)
    that can carry one — the open cases, and closed ones still holding a date — in batches of
    ``batch_size`` by primary key, each batch locked while it is computed and written (a step
    recorded meanwhile waits, then writes its own value). Returns how many rows changed.

    Runs in the caller's transaction if there is one, else one transaction per batch."""
    if queryset is None:
        queryset = Candidate.objects.all()
    model = queryset.model
    queryset = queryset.filter(CARRIES)
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
            with read_fresh():
                rows = _changed(model, ids)
            _write(model, rows)
            changed += len(rows)


def soonest_first(queryset: QuerySet, today: date) -> list[int]:
    """The ids of the cases of ``queryset`` that can carry a deadline, nearest ``today`` first:
    due from today on, soonest first; then overdue, latest first; then those without a date.
    Three reads of ids (the stored date's index), no row."""
    queryset = queryset.filter(CARRIES)
    parts = (
        queryset.filter(due_on__gte=today).order_by("due_on", "pk"),
        queryset.filter(due_on__lt=today).order_by("-due_on", "-pk"),
        queryset.filter(due_on__isnull=True).order_by("pk"),
    )
    return [pk for part in parts for pk in part.values_list("pk", flat=True)]


def refresh_soonest_first(
    queryset: QuerySet, *, batch_size: int = BATCH, today: date | None = None, progress=None
) -> int:
    """Recompute the stored deadlines of the cases of ``queryset`` (as they are when it starts:
    a case that enters it later got its deadline from its own step) in batches of
    ``batch_size``, nearest today first (``soonest_first``: the due-soon list and the overdue
    figures are right after the first batches), each batch locked, computed and written in a
    transaction of its own. Idempotent: run again, it changes nothing; stopped halfway, what it
    wrote is right and a second run finishes the rest. Calls ``progress(done, total)`` before the
    first batch and after each. Returns how many cases changed. Not inside a transaction: a
    batch would then hold its locks until the caller's commit."""
    ids = soonest_first(queryset, today or timezone.localdate())
    changed, total = 0, len(ids)
    if progress is not None:
        progress(0, total)
    for start in range(0, total, batch_size):
        with transaction.atomic():
            changed += _refresh_batch(queryset.model, ids[start : start + batch_size])
        if progress is not None:
            progress(min(start + batch_size, total), total)
    return changed


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
    since = min(days)
    refresh_or_defer(cases_moved_by_day(since), {"since": since.isoformat()})


def rule_value_changed(sender, instance, raw=False, **kwargs) -> None:
    """post_save/post_delete of a ``RuleValue``: refresh the cases whose deadline reads it."""
    if raw:
        return
    from chapter.rules import forget_rules

    forget_rules()
    keys = {instance.key, getattr(instance, "_due_former", None) or instance.key}
    if kinds := sorted({kind for key in keys for kind in kinds_reading(key)}):
        refresh_or_defer(Candidate.objects.filter(due_kind__in=kinds), {"kinds": kinds})


def cases_in_scope(scope: dict) -> QuerySet:
    """The cases a change can move, from its JSON description (what the task receives):
    ``{"since": "YYYY-MM-DD"}`` for a calendar day, ``{"kinds": [...]}`` for a rule value."""
    if "since" in scope:
        return cases_moved_by_day(date.fromisoformat(scope["since"]))
    return Candidate.objects.filter(due_kind__in=scope["kinds"])


def refresh_or_defer(queryset: QuerySet, scope: dict) -> None:
    """Refresh the cases a change can move in its transaction when they are few (up to
    ``settings.BACKGROUND_ROWS``: one more query, a count that stops there), else in the
    background worker after the commit (``admissions.tasks.defer_refresh``)."""
    limit = settings.BACKGROUND_ROWS
    if queryset.filter(CARRIES)[: limit + 1].count() <= limit:
        refresh_due_dates(queryset)
        return
    from admissions.tasks import defer_refresh

    defer_refresh(scope)


# Set while a pipeline service runs (``services.common.case_write``): its own refresh at the
# end covers every row it writes, so the row receivers below stay quiet.
IN_SERVICE: contextvars.ContextVar[bool] = contextvars.ContextVar("in_case_service", default=False)


def row_changed(sender, instance, raw=False, **kwargs) -> None:
    """post_save/post_delete of a case's paper, vote, decision or extension written outside the
    pipeline services — the admin's corrections of a date, a received-on day: refresh its
    case in the same transaction."""
    if raw or IN_SERVICE.get():
        return
    refresh_case(instance.candidate_id)


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
