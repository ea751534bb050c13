"""The stored deadlines after a change of the calendar or of a rule value, in the background
(admissions/tasks.py, admissions.due.refresh_or_defer): up to ``BACKGROUND_ROWS`` cases are
recomputed in the transaction of the change, more by a task enqueued on commit, in batches
nearest today first, each batch in its own transaction; the admin says so and links to the job.

The story's dates as in test_due_dates.py: the admission decision of a vote on 27/04/2019 is due
Tue 23/07/2019 (60 working days); a day off on 01/07/2019 makes it 24/07/2019.
"""

import datetime

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from admissions import due, tasks
from admissions.models import Candidate
from chapter import notices
from chapter.models import CalendarOverride, Job, RuleValue
from tests.admissions.factories import PipelineStory
from tests.admissions.test_due_dates import DEADLINE_STAGES, assert_all_stored, stored

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-07-15")]
St = Candidate.Stage
D = datetime.date
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DAY_OFF = CalendarOverride.Kind.DAY_OFF


@pytest.fixture
def story():
    return PipelineStory.build(officials=6)


@pytest.fixture
def stories(story):
    for stage in DEADLINE_STAGES:
        story.candidate_at(stage, full_name=f"Ứng viên {stage}")
    return story


@pytest.fixture(params=["inline", "background"])
def path(request, settings, django_capture_on_commit_callbacks):
    """Each change as the admin would make it, then committed: ``change(callable)``. Inline, the
    change recomputes in its transaction; in the background (``BACKGROUND_ROWS`` 0) the task
    runs at the commit (immediate backend) and not before."""
    settings.TASKS = IMMEDIATE
    background = request.param == "background"
    if background:
        settings.BACKGROUND_ROWS = 0

    def change(make, *, before=None):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            made = make()
            if before is not None:
                assert stored(before[0]).due_on == before[1]  # not yet: after the commit
        enqueued = [c for c in callbacks if getattr(c, "func", None) is tasks._enqueue]
        assert len(enqueued) == (1 if background else 0)
        return made

    change.background = background
    return change


def test_a_day_off_added_moved_and_removed_moves_the_stored_dates(story, path):
    approved = story.candidate_at(St.CHAPTER_APPROVED, full_name="Nguyễn Văn An")
    story.candidate_at(St.ADMITTED, full_name="Trần Thị Bình")  # due 08/07/2020: not moved
    waiting = (approved, D(2019, 7, 23)) if path.background else None
    override = path(
        lambda: CalendarOverride.objects.create(day=D(2019, 7, 1), kind=DAY_OFF, name="Nghỉ bù"),
        before=waiting,
    )
    assert stored(approved).due_on == D(2019, 7, 24)
    assert_all_stored()
    override.day = D(2019, 8, 1)  # after the deadline: it no longer counts
    path(override.save)
    assert stored(approved).due_on == D(2019, 7, 23)
    path(override.delete)
    assert stored(approved).due_on == D(2019, 7, 23)
    override = path(
        lambda: CalendarOverride.objects.create(
            day=D(2019, 7, 6), kind=CalendarOverride.Kind.WORKING_DAY, name="Làm bù"
        )
    )
    assert stored(approved).due_on == D(2019, 7, 22)
    assert_all_stored()


def test_a_deadline_rule_value_saved_and_deleted_moves_the_stored_dates(story, path):
    approved = story.candidate_at(St.CHAPTER_APPROVED)
    value = path(
        lambda: RuleValue.objects.create(
            key="ADMISSION_DECISION_WD", value=59, effective_from=D(2019, 1, 1), source="Thử"
        ),
        before=(approved, D(2019, 7, 23)) if path.background else None,
    )
    assert stored(approved).due_on == D(2019, 7, 22)
    value.effective_from = D(2019, 4, 28)  # after the vote: the vote's date reads the default
    path(value.save)
    assert stored(approved).due_on == D(2019, 7, 23)
    path(value.delete)
    assert stored(approved).due_on == D(2019, 7, 23)
    assert_all_stored()


# The threshold ---------------------------------------------------------------------------------


def moved_cases() -> int:
    return due.cases_moved_by_day(D(2019, 7, 1)).count()


@pytest.mark.parametrize("margin, deferred", [(0, False), (-1, True)])
def test_up_to_the_threshold_at_once_above_it_after_the_commit(
    stories, settings, django_capture_on_commit_callbacks, margin, deferred
):
    settings.TASKS = DATABASE
    settings.BACKGROUND_ROWS = moved_cases() + margin  # at the count: inline; one below: not
    assert settings.BACKGROUND_ROWS > 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        CalendarOverride.objects.create(day=D(2019, 7, 1), kind=DAY_OFF, name="Nghỉ bù")
        assert not DBTaskResult.objects.exists()  # never inside the transaction
    assert any(getattr(c, "func", None) is tasks._enqueue for c in callbacks) == deferred
    assert DBTaskResult.objects.count() == (1 if deferred else 0)
    if deferred:
        task_row = DBTaskResult.objects.get()
        assert task_row.task_path == "admissions.tasks.refresh_due_dates_task"
        assert task_row.args_kwargs["args"] == [None, {"since": "2019-07-01"}]
        # The worker has not run: the dates wait for it.
        with pytest.raises(AssertionError):
            assert_all_stored()
        tasks.refresh_due_dates_task.call(None, {"since": "2019-07-01"})
    assert_all_stored()


def test_a_change_rolled_back_enqueues_nothing_and_keeps_no_job(
    story, settings, admin_user, django_capture_on_commit_callbacks
):
    settings.BACKGROUND_ROWS = 0
    story.candidate_at(St.CHAPTER_APPROVED)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
        notices.collecting(admin_user),
    ):
        CalendarOverride.objects.create(day=D(2019, 7, 1), kind=DAY_OFF, name="Nghỉ bù")
        assert Job.objects.count() == 1
        raise RuntimeError
    assert callbacks == []
    assert not Job.objects.exists()


# The batches -----------------------------------------------------------------------------------


def test_the_batches_go_nearest_today_first(stories):
    today = D(2020, 7, 1)
    cases = Candidate.objects.all()
    order = due.soonest_first(cases, today)
    dates = dict(Candidate.objects.values_list("pk", "due_on"))
    future = [pk for pk in order if dates[pk] and dates[pk] >= today]
    past = [pk for pk in order if dates[pk] and dates[pk] < today]
    none = [pk for pk in order if dates[pk] is None]
    assert future and past
    assert order == [*future, *past, *none]
    assert [dates[pk] for pk in future] == sorted(dates[pk] for pk in future)
    assert [dates[pk] for pk in past] == sorted((dates[pk] for pk in past), reverse=True)
    assert set(order) == set(cases.filter(due.CARRIES).values_list("pk", flat=True))


def test_each_batch_is_its_own_transaction_and_a_second_run_changes_nothing(stories):
    Candidate.objects.update(due_on=D(2030, 1, 1))  # every stored date wrong
    cases = Candidate.objects.exclude(stage__in=[St.POOL])
    total = len(due.soonest_first(cases, D(2020, 7, 15)))
    seen = []
    with CaptureQueriesContext(connection) as queries:
        changed = due.refresh_soonest_first(
            cases, batch_size=2, progress=lambda done, n: seen.append((done, n))
        )
    assert changed == total
    batches = (total + 1) // 2
    assert seen == [(0, total), *((min(2 * i, total), total) for i in range(1, batches + 1))]
    savepoints = [q for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == batches  # in a test each transaction is a savepoint
    assert_all_stored()
    assert due.refresh_soonest_first(cases, batch_size=2) == 0


def test_a_refresh_stopped_halfway_keeps_its_batches_and_a_rerun_finishes(stories, monkeypatch):
    Candidate.objects.update(due_on=D(2030, 1, 1))
    cases = Candidate.objects.exclude(stage__in=[St.POOL])
    real, calls = due._refresh_batch, []

    def failing_second(model, ids):
        calls.append(ids)
        if len(calls) == 2:
            raise RuntimeError("the worker stopped")
        return real(model, ids)

    monkeypatch.setattr(due, "_refresh_batch", failing_second)
    with pytest.raises(RuntimeError):
        due.refresh_soonest_first(cases, batch_size=2)
    first = Candidate.objects.filter(pk__in=calls[0])
    assert D(2030, 1, 1) not in set(first.values_list("due_on", flat=True))
    assert Candidate.objects.filter(pk__in=calls[1], due_on=D(2030, 1, 1)).count() == 2
    monkeypatch.setattr(due, "_refresh_batch", real)
    due.refresh_soonest_first(cases, batch_size=2)
    assert_all_stored()


# The admin and the job -------------------------------------------------------------------------


def test_the_admin_says_the_deadlines_are_being_recomputed_and_links_the_job(
    client, admin_user, story, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    settings.BACKGROUND_ROWS = 0
    approved = story.candidate_at(St.CHAPTER_APPROVED)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin_user)
    data = {"day": "01/07/2019", "kind": DAY_OFF, "name": "Nghỉ bù"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:chapter_calendaroverride_add"), data)
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.owner, job.kind, job.status) == (admin_user, tasks.KIND, Job.Status.DONE)
    assert job.parameters["since"] == "2019-07-01"
    assert job.total >= 1 and job.done == job.total
    assert "the deadline of 1 changed" in job.message or "deadlines of 1 changed" in job.message
    assert job.next_url == reverse("admin:chapter_calendaroverride_changelist")
    assert stored(approved).due_on == D(2019, 7, 24)
    page = client.get(response.url).content.decode()
    assert "being recomputed in the background" in page
    assert f'href="{job.get_absolute_url()}"' in page
    assert client.get(job.get_absolute_url()).status_code == 200


def test_the_admin_page_in_vietnamese(client, admin_user, story, settings):
    settings.TASKS = DATABASE
    settings.BACKGROUND_ROWS = 0
    story.candidate_at(St.CHAPTER_APPROVED)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(admin_user)
    data = {"day": "01/07/2019", "kind": DAY_OFF, "name": "Nghỉ bù"}
    response = client.post(reverse("admin:chapter_calendaroverride_add"), data, follow=True)
    page = response.content.decode()
    assert "đang được tính lại" in page
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED and job.parameters["language"] == "vi"
    assert "Tính lại" in job.title


def test_a_change_below_the_threshold_in_the_admin_says_nothing(client, admin_user, story):
    story.candidate_at(St.CHAPTER_APPROVED)
    client.force_login(admin_user)
    data = {"day": "01/07/2019", "kind": DAY_OFF, "name": "Nghỉ bù"}
    response = client.post(reverse("admin:chapter_calendaroverride_add"), data, follow=True)
    assert response.status_code == 200
    assert not Job.objects.exists()
    assert_all_stored()
