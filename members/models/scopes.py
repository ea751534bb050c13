"""Member scopes that remember their chapters, for the figures of a past day.

A record can change chapter (a transfer between chapters of the system, a reorganisation): each
ledger entry names the chapter whose ledger it is in (``MemberEvent.chapter``), and the chapter
of a member's latest entry up to a day is their chapter that day. A scope of members built for
some chapters (``in_chapters``) therefore also stands for the records those chapters held on a
day before and have since let go (``held_on``, ``reports.roll``); ``of_chapter_on`` asks it of
one chapter. Mixed into ``MemberQuerySet``.
"""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.db import models
from django.db.models import F

ALL_CHAPTERS = "all"  # in_chapters: every chapter (a superuser's scope)


def _member():
    return apps.get_model("members", "Member")


def _member_event():
    return apps.get_model("members", "MemberEvent")


class ChapterScopeMixin:
    #: The chapters a scope of members stands for (``in_chapters``): what the reports of a
    #: past day count, the records held there now and those that have left since.
    chapters = None

    def _clone(self):
        clone = super()._clone()
        clone.chapters = self.chapters
        return clone

    def in_chapters(self, chapters, *, filtered: bool = False) -> models.QuerySet:
        """The members held in ``chapters`` (a queryset of chapters, or ``ALL_CHAPTERS``),
        remembered as the scope's chapters for the reports of a past day (``reports.roll``).
        ``filtered``: the caller has filtered on the same chapters already. A narrower scope (a
        cell) names none: ``in_chapters(None)``."""
        narrow = filtered or chapters is None or chapters is ALL_CHAPTERS
        scope = self if narrow else self.filter(chapter__in=chapters)
        scope = scope._chain()
        scope.chapters = chapters
        return scope

    def held_on(self, day: date) -> models.QuerySet:
        """``as_of(day)`` of the records the scope's chapters held that day
        (``in_chapters``): those that have left since too, not those that arrived since. A
        scope without chapters keeps its own records, those held where they are now that day.
        """
        chapters = self.chapters
        if chapters is ALL_CHAPTERS:
            return self.as_of(day)
        if chapters is None:
            return self.as_of(day).filter(chapter_on_id=F("chapter_id"))
        return self.with_departed(chapters, day).as_of(day).filter(chapter_on_id__in=chapters)

    def of_chapter_on(self, chapter, day: date) -> models.QuerySet:
        """Those whose record was in ``chapter`` at the end of ``day`` — held there now, or
        moved on since (a transfer, a reorganisation) — annotated by ``as_of``; a record that
        came from elsewhere after the day is left out. Add ``on_roll_as_of`` for the roll."""
        pk = getattr(chapter, "pk", chapter)
        here = self.filter(chapter_id=pk)
        return here.with_departed([pk], day).as_of(day).filter(chapter_on_id=pk)

    def with_departed(self, chapters, day: date) -> models.QuerySet:
        """The scope and, by id, the records that ``chapters`` held at some time and have let
        go since ``day``: those now elsewhere with an entry in one of the chapters' ledgers and
        one dated after the day (a record with none after it is where its latest entry is).
        One query from the entries dated after the day (the index on the date); the scope's
        own conditions keep their plan (``scope | these ids``, not a subquery in an OR)."""
        ledger = _member_event().objects.using(self.db)
        later = ledger.filter(effective_date__gt=day).values("member_id")
        gone = (
            _member()
            .objects.using(self.db)
            .filter(pk__in=later)
            .exclude(chapter_id__in=chapters)
            .filter(
                models.Exists(ledger.filter(member=models.OuterRef("pk"), chapter_id__in=chapters))
            )
            .values_list("pk", flat=True)
        )
        ids = sorted(gone)
        if not ids:
            return self
        return self | _member().objects.using(self.db).filter(pk__in=ids)
