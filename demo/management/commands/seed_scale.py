"""seed_scale: a large synthetic province for benchmarks (built by demo/scale.py), and
its removal.

Everything sits under one provincial committee, "Tỉnh ủy thử nghiệm (dữ liệu giả)", with role
users named ``scale-…``; ``--reset`` removes all of it, history rows included, and touches
nothing else.
"""

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
from demo.scale import SYNTHETIC_COMMITTEE, USER_PREFIX, ProvinceBuilder
from members.models import Cell, Chapter, Committee, Member, MemberEvent, Position, RoleAssignment


class Command(BaseCommand):
    help = (
        "Generate a large synthetic province for benchmarks: a Tỉnh ủy, its committees three "
        "or four levels deep, chapters of 10 to 1,000 members with their cells, N members with "
        "20 years of movements, admission cases at every stage and role users. It writes rows "
        "in batches (COPY on PostgreSQL) and bypasses the services for speed: for benchmarks "
        "only, never for real data. Everything lives under the committee 'Tỉnh ủy thử nghiệm "
        "(dữ liệu giả)'; --reset removes it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--members", type=int, required=True, help="number of members (N)")
        parser.add_argument(
            "--chapters",
            type=int,
            help="number of chapters (default: drawn with the sizes, about N // 40)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
        parser.add_argument(
            "--reset", action="store_true", help="delete the synthetic data and generate it again"
        )
        parser.add_argument(
            "--password", default="demo", help="password of the scale-… users (default: demo)"
        )
        parser.add_argument(
            "--output", help="also write the summary and the role users to this file"
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="run even though the database holds other (real or demo) data",
        )

    def handle(self, *args, members: int, chapters: int | None, seed: int, **options) -> None:
        if members < 3 or (chapters and members < 3 * chapters):
            raise CommandError("Give at least 3 members per chapter (R9).")
        existing = synthetic_root()
        others = Committee.objects.all()
        if existing:
            others = others.exclude(path__startswith=existing.path)
        if others.exists() and not options["yes"]:
            raise CommandError(
                "The database holds other data. seed_scale is for a throw-away benchmark "
                "database; pass --yes to add the synthetic province anyway."
            )
        verbose = options["verbosity"] >= 1
        if existing and not options["reset"]:
            if verbose:
                self.stdout.write("The synthetic data is already there (use --reset).")
            return
        if existing:
            with transaction.atomic():
                delete_synthetic(existing)
        builder = ProvinceBuilder(
            seed=seed, today=timezone.localdate(), progress=None if verbose else _Quiet()
        )
        summary = builder.build(members, chapters, password=options["password"])
        lines = [
            f"{SYNTHETIC_COMMITTEE}: built in {summary.seconds:.1f} s",
            *summary.lines(),
            f"Password of every {USER_PREFIX}… user: {options['password']}",
        ]
        if verbose:
            self.stdout.write("\n".join(lines))
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as output:
                output.write("\n".join(lines) + "\n")


class _Quiet:
    def start(self, total: int) -> None:
        pass

    def show(self, done: int, final: bool = False) -> None:
        pass


def synthetic_root() -> Committee | None:
    return Committee.objects.filter(name=SYNTHETIC_COMMITTEE, depth=1).first()


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


def delete_synthetic(root: Committee) -> None:
    """Remove the synthetic province and everything under it, history rows included; the
    ledgers refuse deletes, so rows go by raw deletes, children before parents."""
    committees = Committee.objects.filter(path__startswith=root.path)
    committee_ids = list(committees.values_list("pk", flat=True))
    chapter_ids = list(
        Chapter.objects.filter(committee_id__in=committee_ids).values_list("pk", flat=True)
    )
    candidates = Candidate.objects.filter(chapter_id__in=chapter_ids)
    members = Member.objects.filter(chapter_id__in=chapter_ids)
    for model in CANDIDATE_ROWS:
        _purge(model.objects.filter(candidate__in=candidates))
    _purge(candidates)
    _purge(MemberEvent.objects.filter(member__in=members))
    _purge(Position.objects.filter(member__in=members))
    _purge(
        RoleAssignment.objects.filter(
            Q(committee_id__in=committee_ids)
            | Q(chapter_id__in=chapter_ids)
            | Q(cell__chapter_id__in=chapter_ids)
        )
    )
    Cell.objects.filter(chapter_id__in=chapter_ids).update(leader=None, deputy_leader=None)
    _purge(members)
    _purge(Cell.objects.filter(chapter_id__in=chapter_ids))
    Chapter.objects.filter(pk__in=chapter_ids).delete()  # cascades to what else hangs off them
    _purge_history(Chapter, chapter_ids)
    _purge(Committee.objects.filter(pk__in=committee_ids))
    get_user_model().objects.filter(username__startswith=USER_PREFIX).delete()


def _purge(queryset: models.QuerySet) -> None:
    if hasattr(queryset.model, "history"):
        history = queryset.model.history.model.objects
        history.filter(id__in=queryset.values("pk"))._raw_delete(history.db)
    queryset._raw_delete(queryset.db)


def _purge_history(model: type[models.Model], ids: Iterable[int]) -> None:
    history = model.history.model.objects
    history.filter(id__in=list(ids))._raw_delete(history.db)
