"""Count today's stored figures of the whole tree before anyone asks (``reports.figures``)."""

import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from members.models import Committee
from reports import figures
from reports.quarters import quarter_start
from reports.stored import Subtrees


class Command(BaseCommand):
    help = (
        "Compute and store the figures the dashboards and reports of the whole committee tree "
        "show by default today (the roll today and on the reports' opening days, this quarter's "
        "and this year's movements, the admissions by quarter, the admission cases), then "
        "delete stored figures of past days. "
        "Run it nightly, after midnight; a day's first page is then as fast as the others."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--day", help="the day to compute (YYYY-MM-DD; default today)")
        parser.add_argument(
            "--keep-days",
            type=int,
            default=figures.KEEP_DAYS,
            help=f"keep figures of past days this long (default {figures.KEEP_DAYS})",
        )

    def handle(self, *args, day: str | None, keep_days: int, **options) -> None:
        try:
            today = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--day: {error}") from error
        roots = list(
            Committee.objects.filter(depth=1).order_by("path").values_list("path", flat=True)
        )
        started = time.monotonic()
        subtrees = Subtrees(roots)
        # What the dashboard and the report ask for by default: the roll today and on the
        # report's opening days (the day before this quarter, the last 31 December), this
        # quarter's and this year's movements, the admissions by quarter, the cases.
        openings = [quarter_start(today) - timedelta(days=1), date(today.year - 1, 12, 31)]
        subtrees.marginals(today)
        for day_before in openings:
            subtrees.roll_total(day_before)
        subtrees.in_period(date(today.year, 1, 1), today)
        subtrees.in_period(quarter_start(today), today)
        subtrees.admissions_by_quarter(today)
        subtrees.cases(today, units=True)
        deleted = figures.forget_past(
            today - timedelta(days=keep_days), today, keep=[day.isoformat() for day in openings]
        )
        self.stdout.write(
            f"Figures of {today.isoformat()} for {len(roots)} committee tree(s) stored in "
            f"{time.monotonic() - started:.1f} s; {deleted} rows of past days deleted."
        )
