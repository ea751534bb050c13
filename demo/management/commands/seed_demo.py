"""Load the demo chapter of the founding story (demo/story.py) through the real services."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from admissions.models import Candidate, CandidateEvent
from chapter.dates import format_date
from demo.builder import DemoBuilder
from demo.story import DEMO_USERS
from members.models import Cell, Chapter, Committee, Member, MemberEvent, Position, RoleAssignment

DEMO_COMMITTEE = "Đảng ủy Khối các cơ quan tỉnh"


class Command(BaseCommand):
    help = (
        "Load the demo chapter, its admission cases and its users through the real services. "
        "Safe to run twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--password", default="demo", help="password of every demo user (default: demo)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing unless the database is empty"
        )
        parser.add_argument(
            "--reset", action="store_true", help="delete the demo chapter and build it again"
        )
        parser.add_argument(
            "--as-published",
            action="store_true",
            help="keep the story's dates (founded 14/05/2018) instead of shifting it to end now",
        )

    def handle(
        self, *args, password: str, if_empty: bool, reset: bool, as_published: bool, **options
    ) -> None:
        verbose = options["verbosity"] >= 1
        if if_empty and (Chapter.objects.exists() or get_user_model().objects.exists()):
            if verbose:
                self.stdout.write("The database is not empty: demo not loaded.")
            return
        with transaction.atomic():
            exists = Committee.objects.filter(name=DEMO_COMMITTEE).exists()
            if exists and not reset:
                if verbose:
                    self.stdout.write(
                        "The demo chapter is already loaded (use --reset to rebuild it)."
                    )
                return
            if exists:
                delete_demo()
            chapter = DemoBuilder(
                password=password, today=timezone.localdate(), as_published=as_published
            ).build()
        if verbose:
            on_roll = Member.objects.filter(chapter=chapter).active()
            candidates = Candidate.objects.filter(chapter=chapter)
            self.stdout.write(
                f"Loaded {chapter.name} (founded {format_date(chapter.founded_on)}): "
                f"{on_roll.count()} members, {on_roll.official().count()} official, "
                f"{on_roll.probationary().count()} probationary; {candidates.count()} admission "
                f"cases, {candidates.filter(member__isnull=True).count()} before the ceremony."
            )
            users = ", ".join(name for name, *_ in DEMO_USERS)
            self.stdout.write(f"Demo users: {users} — password: {password}")


def delete_demo() -> None:
    """Remove the demo committee and everything under it, ledger included (demo data only)."""
    committee = Committee.objects.get(name=DEMO_COMMITTEE)
    chapters = Chapter.objects.filter(committee=committee)
    members = Member.objects.filter(chapter__in=chapters)
    candidates = Candidate.objects.filter(chapter__in=chapters)
    # The ledgers refuse instance deletes; the demo reset is the one place that removes them.
    # Children go before parents: the candidates' papers, votes, decisions, introducers and
    # mentors cascade from the candidates, which go before the members they point at.
    CandidateEvent.objects.filter(candidate__in=candidates)._raw_delete(CandidateEvent.objects.db)
    candidates.delete()
    MemberEvent.objects.filter(member__in=members)._raw_delete(MemberEvent.objects.db)
    RoleAssignment.objects.filter(chapter__in=chapters).delete()
    RoleAssignment.objects.filter(cell__chapter__in=chapters).delete()
    RoleAssignment.objects.filter(committee=committee).delete()
    Position.objects.filter(member__in=members).delete()
    Cell.objects.filter(chapter__in=chapters).update(leader=None, deputy_leader=None)
    members.delete()
    Cell.objects.filter(chapter__in=chapters).delete()
    chapters.delete()
    committee.delete()
    get_user_model().objects.filter(username__in=[name for name, *_ in DEMO_USERS]).delete()
