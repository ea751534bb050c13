"""seed_scale: a large synthetic dataset for benchmarks (built by demo/scale.py), and its removal.

Everything sits under one committee, "Đảng ủy thử nghiệm (dữ liệu giả)", with role users named
``scale-…``; ``--reset`` removes all of it, history rows included, and touches nothing else.
"""

import time
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from admissions.models import (
    BackgroundCheck,
    Candidate,
    CandidateDocument,
    CandidateEvent,
    Decision,
    Extension,
    Introduction,
    MentorAssignment,
    Observation,
    Resolution,
)
from demo.scale import SYNTHETIC_COMMITTEE, USER_PREFIX, ScaleBuilder
from members.models import Cell, Chapter, Committee, Member, MemberEvent, Position, RoleAssignment


class Command(BaseCommand):
    help = (
        "Generate a large synthetic dataset for benchmarks: a committee with K chapters, their "
        "cells, N members with their movements, admission cases and role users. It bulk-creates "
        "rows and bypasses the services for speed: for benchmarks only, never for real data. "
        "Everything lives under the committee 'Đảng ủy thử nghiệm (dữ liệu giả)'; --reset "
        "removes it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--members", type=int, required=True, help="number of members (N)")
        parser.add_argument(
            "--chapters", type=int, help="number of chapters (default: N // 50, at least 1)"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
        parser.add_argument(
            "--reset", action="store_true", help="delete the synthetic data and generate it again"
        )
        parser.add_argument(
            "--password", default="demo", help="password of the scale-… users (default: demo)"
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="run even though the database holds other (real or demo) data",
        )

    def handle(self, *args, members: int, chapters: int | None, seed: int, **options) -> None:
        chapters = chapters or max(1, members // 50)
        if members < 3 * chapters:
            raise CommandError("Give at least 3 members per chapter (R9).")
        others = Committee.objects.exclude(name=SYNTHETIC_COMMITTEE)
        if others.exists() and not options["yes"]:
            raise CommandError(
                "The database holds other data. seed_scale is for a throw-away benchmark "
                "database; pass --yes to add the synthetic committee anyway."
            )
        verbose = options["verbosity"] >= 1
        started = time.monotonic()
        with transaction.atomic():
            existing = Committee.objects.filter(name=SYNTHETIC_COMMITTEE).first()
            if existing and not options["reset"]:
                if verbose:
                    self.stdout.write("The synthetic data is already there (use --reset).")
                return
            if existing:
                delete_synthetic(existing)
            builder = ScaleBuilder(seed=seed, today=timezone.localdate())
            summary = builder.build(members, chapters, password=options["password"])
        if verbose:
            self.stdout.write(
                f"{SYNTHETIC_COMMITTEE}: {summary} in {time.monotonic() - started:.1f} s. "
                f"Users {USER_PREFIX}capuy, {USER_PREFIX}bithu-001…, password: "
                f"{options['password']}"
            )


# Everything that hangs off a candidate.
CANDIDATE_ROWS = (
    CandidateEvent,
    CandidateDocument,
    BackgroundCheck,
    Introduction,
    Resolution,
    Decision,
    Extension,
    MentorAssignment,
    Observation,
)


def delete_synthetic(committee: Committee) -> None:
    """Remove the synthetic committee and everything under it, history rows included; the
    ledgers refuse deletes, so rows go by raw deletes, children before parents."""
    chapter_ids = list(Chapter.objects.filter(committee=committee).values_list("pk", flat=True))
    candidates = Candidate.objects.filter(chapter_id__in=chapter_ids)
    members = Member.objects.filter(chapter_id__in=chapter_ids)
    for model in CANDIDATE_ROWS:
        _purge(model.objects.filter(candidate__in=candidates))
    _purge(candidates)
    _purge(MemberEvent.objects.filter(member__in=members))
    _purge(Position.objects.filter(member__in=members))
    _purge(
        RoleAssignment.objects.filter(
            Q(committee=committee)
            | Q(chapter_id__in=chapter_ids)
            | Q(cell__chapter_id__in=chapter_ids)
        )
    )
    _purge(members)
    _purge(Cell.objects.filter(chapter_id__in=chapter_ids))
    Chapter.objects.filter(pk__in=chapter_ids).delete()  # cascades to what else hangs off them
    _purge_history(Chapter, chapter_ids)
    committee_id = committee.pk
    committee.delete()
    _purge_history(Committee, [committee_id])
    get_user_model().objects.filter(username__startswith=USER_PREFIX).delete()


def _purge(queryset: models.QuerySet) -> None:
    if hasattr(queryset.model, "history"):
        history = queryset.model.history.model.objects
        history.filter(id__in=queryset.values("pk"))._raw_delete(history.db)
    queryset._raw_delete(queryset.db)


def _purge_history(model: type[models.Model], ids: Iterable[int]) -> None:
    history = model.history.model.objects
    history.filter(id__in=list(ids))._raw_delete(history.db)
