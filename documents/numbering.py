"""Document numbers per chapter, kind and year, without gaps (36-HD/VPTW; DOCUMENTS.md §1.3)."""

from django.db import transaction

from documents.models import NumberSequence
from members.models import Chapter


def next_number(chapter: Chapter, symbol: str, year: int) -> int:
    """The next running number, taken inside the caller's transaction.

    The sequence row is locked (``select_for_update``) so two secretaries generating at once get
    consecutive numbers, and a generation that fails rolls its number back: no gap, no double."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside the transaction that keeps the number")
    NumberSequence.objects.get_or_create(chapter=chapter, symbol=symbol, year=year)
    sequence = NumberSequence.objects.select_for_update().get(
        chapter=chapter, symbol=symbol, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last
