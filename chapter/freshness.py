"""Reading the working-day calendar and the rule values fresh, for what is stored.

Both are cached per process for a minute (``chapter.workdays``, ``chapter.rules``): a change saved
in one gunicorn worker reaches the others within that minute. A page computed from a copy a
minute old is corrected by the next page; a value *stored* from it is not (a case's stored due
date, say, would keep the old calendar's answer). Code that stores a value computed from the
calendar or the rules runs inside ``read_fresh()``: the block reads each of them from the
database once (in its own transaction, so it sees a change the transaction has just made) and
never puts what it read into the process's cache (the transaction may still roll back).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

_fresh: contextvars.ContextVar[dict[str, object] | None] = contextvars.ContextVar(
    "chapter_fresh_reads", default=None
)


@contextmanager
def read_fresh() -> Iterator[None]:
    """Inside the block, ``fresh_or_none`` loads each value once from the database. Nested
    blocks share the outer block's reads."""
    if _fresh.get() is not None:
        yield
        return
    token = _fresh.set({})
    try:
        yield
    finally:
        _fresh.reset(token)


def fresh_or_none(name: str, load: Callable[[], T]) -> T | None:
    """Inside ``read_fresh()``: the value ``load`` gives, loaded once per block. Outside: None
    (the caller uses its own cache)."""
    reads = _fresh.get()
    if reads is None:
        return None
    if name not in reads:
        reads[name] = load()
    return reads[name]  # type: ignore[return-value]
