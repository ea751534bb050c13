"""The units of the committee tree a page lists: committees, then chapters.

Shared by the committee unit pages (``reports/units.py``) and the admissions board of a
committee (``admissions/board.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from members.models import Chapter, Committee


class Units(Sequence):
    """The committees, then the chapters, each by name: sliced by a paginator with one query
    per kind of unit (and one count each)."""

    def __init__(self, committees: QuerySet[Committee], chapters: QuerySet[Chapter]) -> None:
        self.committees = committees.order_by("name", "pk")
        self.chapters = chapters.order_by("name", "pk")
        self._counts: tuple[int, int] | None = None

    def counts(self) -> tuple[int, int]:
        if self._counts is None:
            self._counts = (self.committees.count(), self.chapters.count())
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        committees, _chapters = self.counts()
        rows: list[Committee | Chapter] = list(
            self.committees[min(start, committees) : min(stop, committees)]
        )
        rows += list(self.chapters[max(start - committees, 0) : max(stop - committees, 0)])
        return rows
