"""The Party's numbers, as data (DOMAIN.md §1 "Numbers are data"): the value in force on a day.

Each number has a default with its rule and source (``admissions.models.DEFAULTS``, beside the
``RuleValue`` model that records a new value from a date); a record is checked against the value
in force on its own date: a 2019 admission is not re-judged by 2025 numbers.
"""

import threading
import time
from datetime import date

from django.db import transaction

from admissions.models import DEFAULTS, RuleDefault, RuleValue

__all__ = ["DEFAULTS", "RuleBook", "RuleDefault", "forget_rules", "rule", "rule_book"]


class RuleBook:
    """Every RuleValue row, loaded in one query and cached until one changes."""

    def __init__(self, rows: list[tuple[str, date, int]]) -> None:
        self._rows = sorted(rows, key=lambda row: row[1], reverse=True)

    def value(self, key: str, on: date) -> int:
        for row_key, effective_from, value in self._rows:
            if row_key == key and effective_from <= on:
                return value
        return DEFAULTS[key].value


_lock = threading.Lock()
_book: RuleBook | None = None
_loaded_at = 0.0
# Signals clear the cache in the process that saved; others read the values again after this.
CACHE_SECONDS = 60


def rule_book() -> RuleBook:
    global _book, _loaded_at
    with _lock:
        if _book is None or time.monotonic() - _loaded_at >= CACHE_SECONDS:
            _book = RuleBook(list(RuleValue.objects.values_list("key", "effective_from", "value")))
            _loaded_at = time.monotonic()
        return _book


def rule(key: str, on: date) -> int:
    """The number in force on ``on`` for ``key`` (a DEFAULTS key)."""
    return rule_book().value(key, on)


def forget_rules(**kwargs) -> None:
    """Drop the cached rule book; the next ``rule()`` reads every RuleValue again."""
    global _book
    with _lock:
        _book = None


def rule_value_changed(sender: type, **kwargs: object) -> None:
    """post_save/post_delete receiver: forget now (this transaction sees the change) and again
    on commit (so no other thread keeps a book it read before the commit)."""
    forget_rules()
    transaction.on_commit(forget_rules)
