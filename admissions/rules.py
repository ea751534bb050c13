"""The Party's numbers, as data (DOMAIN.md §1 "Numbers are data").

Each number has a default with its rule and source; an administrator can record a new value
from a date (``admissions.RuleValue``), and a record is checked against the value in force on
its own date: a 2019 admission is not re-judged by 2025 numbers.
"""

import threading
import time
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RuleDefault:
    value: int
    label: str
    source: str


DEFAULTS: dict[str, RuleDefault] = {
    "MIN_AGE_MONTHS": RuleDefault(
        216, _("R1: minimum age at the chapter vote, in months"), "[V] S1, S7"
    ),
    "MAX_AGE_MONTHS": RuleDefault(
        720, _("R1: maximum age at the chapter vote, in months"), "[V] S1, S7"
    ),
    "AWARENESS_VALID_MONTHS": RuleDefault(
        60, _("R3: months an awareness-course certificate stays valid"), "[S] S19, S22"
    ),
    "INTRODUCER_TOGETHER_MONTHS": RuleDefault(
        12, _("R6: months an introducer has worked or lived with the applicant"), "[V] S2, S15"
    ),
    "MIN_OFFICIAL_MEMBERS": RuleDefault(
        3, _("R9: official members a chapter needs to vote"), "[S] S42"
    ),
    "ADMISSION_DECISION_WD": RuleDefault(
        60, _("R11: working days for the admission decision"), "[V] S10, S8"
    ),
    "ADMISSION_DECISION_EXTENSION_WD": RuleDefault(
        30, _("R11: extra working days with an extension"), "[V] S10, S8"
    ),
    "CEREMONY_WD": RuleDefault(30, _("R12: working days for the ceremony"), "[V] S9, S8"),
    "CONFIRMATION_VOTE_WD": RuleDefault(
        30, _("R14: working days for the confirmation vote"), "[V] S9, S11"
    ),
    "CONFIRMATION_DECISION_WD": RuleDefault(
        30, _("R11: working days for the confirmation decision"), "[V] S10"
    ),
    "CONFIRMATION_DECISION_EXTENSION_WD": RuleDefault(
        30, _("R11: extra working days for the confirmation decision"), "[V] S10"
    ),
    "YOUTH_MAX_AGE": RuleDefault(30, _("R7: Youth Union age limit, in years"), "[V] S51"),
    "YOUTH_PATH_BLOCKS": RuleDefault(
        0, _("R7: 1 = block, 0 = warn, when a young applicant skips the Youth Union path"), "[S]"
    ),
    "FAILED_VOTES_ESCALATE": RuleDefault(
        3, _("R8: failed votes after which the superior committee decides"), "[V] S9"
    ),
    "READMISSION_MONTHS": RuleDefault(
        36, _("R20: months since leaving before re-admission"), "[V] S28"
    ),
    "DUE_SOON_WD": RuleDefault(
        10, _("Working days before a deadline when it shows as due soon"), "—"
    ),
}


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
            from admissions.models import RuleValue

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
