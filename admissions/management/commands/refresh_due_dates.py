"""Recompute every case's stored next deadline (``admissions.due``): after a bulk load that
bypassed the services (``seed_scale``), or to check nothing drifted."""

import time

from django.core.management.base import BaseCommand

from admissions.due import BATCH, refresh_due_dates
from admissions.models import Candidate


class Command(BaseCommand):
    help = (
        "Recompute the stored next deadline (due date) of every admission case from the "
        "working-day calendar and the rule values, in batches. Safe to run at any time."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=BATCH, help=f"cases a batch (default: {BATCH})"
        )

    def handle(self, *args, batch_size: int, **options) -> None:
        started = time.monotonic()
        changed = refresh_due_dates(Candidate.objects.all(), batch_size=batch_size)
        if options["verbosity"]:
            self.stdout.write(f"{changed} due dates changed in {time.monotonic() - started:.1f} s.")
