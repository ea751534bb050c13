"""What a change set going in the background, told to the person who made it.

Some changes set work going after their commit: a change of the working-day calendar or of a
deadline's rule value recomputes the stored deadlines of many admission cases in the background
worker (``admissions.due``). The page that saves such a change runs the save inside
``collecting(user)`` (the admin of the calendar and the rule values, ``chapter.admin``); the code
that sets the work going reads ``acting_user()`` (the owner of its job: None outside such a
page — the shell, a migration, a test) and calls ``announce(text)``; the page then shows each
text (the admin: as a message). Outside ``collecting`` an announcement goes nowhere.

The chapter app imports no other app: the apps call in, as with ``chapter.jobs``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_collecting: ContextVar[tuple | None] = ContextVar("chapter_notices", default=None)


@contextmanager
def collecting(user=None) -> Iterator[list]:
    """Collect the announcements made inside, for ``user``'s page: yields their list."""
    notes: list = []
    token = _collecting.set((user, notes))
    try:
        yield notes
    finally:
        _collecting.reset(token)


def acting_user():
    """The user whose page is saving (inside ``collecting``), else None."""
    current = _collecting.get()
    return current[0] if current else None


def announce(text) -> None:
    """Tell the page that is saving (once per text); nothing outside ``collecting``."""
    current = _collecting.get()
    if current is not None and text not in current[1]:
        current[1].append(text)
