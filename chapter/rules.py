"""The Party's numbers, as data (DOMAIN.md §1 "Numbers are data"): the value in force on a day.

Each app registers the numbers its rules read (``register``: a default, what it means, and the
regulation that sets it); an administrator records a new value from a date as a ``RuleValue``
row (``chapter.models``). A record is checked against the value in force on its own date: a
2019 admission is not re-judged by 2025 numbers. One key, one number, read by every app (the
minimum age is the members register's and the admissions pipeline's alike).
"""

import threading
import time
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from chapter.freshness import fresh_or_none
from chapter.models import RuleValue

__all__ = [
    "DEFAULTS", "RuleBook", "RuleDefault", "forget_rules", "register", "rule", "rule_book",
    "rule_value_changed",
]  # fmt: skip


@dataclass(frozen=True)
class RuleDefault:
    value: int
    #: what the number means (translated), without the regulation
    label: str
    #: the regulation that sets it, as a page cites it ("Điều lệ Đảng, Điều 1")
    source: str

    def describe(self) -> str:
        """The regulation, then the meaning: what the admin shows beside a key."""
        return f"{self.source} — {self.label}" if self.source else str(self.label)


#: Every registered number, by key; filled by the apps (``register``) when they load.
DEFAULTS: dict[str, RuleDefault] = {}


def register(defaults: dict[str, RuleDefault]) -> None:
    """Add an app's numbers; a key belongs to one app (registering it again with another
    default is a programming error)."""
    for key, default in defaults.items():
        known = DEFAULTS.get(key)
        if known is not None and known != default:
            raise ImproperlyConfigured(f"Rule value {key} is registered twice.")
        DEFAULTS[key] = default


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


def _load() -> RuleBook:
    return RuleBook(list(RuleValue.objects.values_list("key", "effective_from", "value")))


def rule_book() -> RuleBook:
    global _book, _loaded_at
    fresh = fresh_or_none("rules", _load)
    if fresh is not None:
        return fresh  # chapter/freshness.py: for a value that is stored
    with _lock:
        if _book is None or time.monotonic() - _loaded_at >= CACHE_SECONDS:
            _book = _load()
            _loaded_at = time.monotonic()
        return _book


def rule(key: str, on: date) -> int:
    """The number in force on ``on`` for ``key`` (a registered key)."""
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
