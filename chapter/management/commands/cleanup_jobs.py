"""Delete the background jobs finished more than ``JOB_FILE_DAYS`` days ago with their files,
and django-tasks' own finished result rows of the same age (``chapter.jobs.drop_expired``).

``make run`` runs it (with ``--orphans``) before starting its one worker; in production run it
daily (README). ``--orphans`` is for a machine with a single worker, run before it starts: a
task still marked running then belongs to a worker that died (django-tasks never runs it again),
so its job and its result are marked failed."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chapter import jobs


class Command(BaseCommand):
    help = "Delete finished background jobs (and their files) older than JOB_FILE_DAYS days."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--orphans",
            action="store_true",
            help="Also mark failed every job and task still running (only with no worker up).",
        )

    def handle(self, *args, **options) -> None:
        orphans = jobs.fail_unfinished_running() if options["orphans"] else 0
        if options["orphans"]:
            DBTaskResult.objects.running().update(status="FAILED", finished_at=timezone.now())
        dropped = jobs.drop_expired()
        limit = timezone.now() - timedelta(days=settings.JOB_FILE_DAYS)
        results, _by_model = DBTaskResult.objects.finished().filter(finished_at__lt=limit).delete()
        if options["verbosity"]:
            self.stdout.write(
                f"{dropped} job(s) and {results} task result(s) deleted, "
                f"{orphans} interrupted job(s) marked failed."
            )
