"""What a check returns and how a service refuses: violations as objects, never as text.

A ``Violation`` names its rule (the R-number of DOMAIN.md §5, for code and tests), its severity
(a blocking rule refuses, a warning is confirmed first), the field it concerns if any, and the
translated message a secretary reads. ``source`` is the regulation the rule comes from: that is
what a page cites beside the message. A service refuses with ``RuleViolated``, which carries the
violations themselves; views and forms render that list and parse nothing back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

BLOCK, WARN = "block", "warn"

# The regulation behind each rule (DOMAIN.md §1 and §5): what a page cites. Names of documents,
# written the same in every language.
SOURCES = {
    "R1": "Điều lệ Đảng, Điều 1; Quy định 294-QĐ/TW",
    "R2": "Quy định 294-QĐ/TW; Hướng dẫn 01-HD/TW, mục 1.2",
    "R3": "Hướng dẫn 12-HD/BTCTW",
    "R4": "Hướng dẫn 12-HD/BTCTW",
    "R5": "Hướng dẫn 01-HD/TW, mục 3.4c",
    "R6": "Điều lệ Đảng, Điều 4; Quy định 294-QĐ/TW (Quy định 24-QĐ/TW, mục 3.2.2)",
    "R7": "Điều lệ Đảng, Điều 4",
    "R8": "Điều lệ Đảng, Điều 4 (kết nạp), Điều 5 (công nhận đảng viên chính thức)",
    "R9": "Điều lệ Đảng, Điều 24",
    "R10": "Hướng dẫn 01-HD/TW, mục 3.6c",
    "R11": "Quy định 294-QĐ/TW; Hướng dẫn 06-HD/TW",
    "R12": "Quy định 294-QĐ/TW; Hướng dẫn 06-HD/TW",
    "R13": "Quy định 294-QĐ/TW; Hướng dẫn 06-HD/TW",
    "R14": "Điều lệ Đảng, Điều 5; Quy định 294-QĐ/TW",
    "R18": "Hướng dẫn 12-HD/BTCTW",
    "R20": "Quy định 294-QĐ/TW, mục 3.5",
    "R29": "Hướng dẫn 01-HD/TW",
}


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    severity: str = BLOCK
    field: str | None = None
    #: the ValidationError code a refusal carries (forms and tests match on it)
    code: str = "rule_violated"

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCK

    @property
    def source(self) -> str:
        """The regulation to cite beside the message."""
        return SOURCES.get(self.rule, "")

    def __str__(self) -> str:
        # For logs and tests; pages render the object (rule badge, message, source).
        return f"{self.rule}: {self.message}"


def warning(rule: str, message: str) -> Violation:
    return Violation(rule, message, severity=WARN)


class RuleViolated(ValidationError):
    """A service's refusal: the Party's rules a step does not meet, as ``Violation`` objects.

    ``violations`` holds every one found (blocking first); ``messages`` lists those that
    refused (the blocking ones, or the warnings when the caller asked to stop on them).
    """

    def __init__(self, violations: list[Violation]) -> None:
        found = sorted(violations, key=lambda v: not v.blocking)
        shown = [v for v in found if v.blocking] or found
        # Beside a field the message alone; above the form, with its rule for logs and tests.
        errors = [
            (v.field, ValidationError(v.message if v.field else str(v), code=v.code)) for v in shown
        ]
        if any(name for name, _error in errors):
            by_field: dict[str, list[ValidationError]] = {}
            for name, error in errors:
                by_field.setdefault(name or NON_FIELD_ERRORS, []).append(error)
            super().__init__(by_field)
        else:
            super().__init__([error for _name, error in errors])
        self.violations = found

    @property
    def refused(self) -> list[Violation]:
        return [v for v in self.violations if v.blocking]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if not v.blocking]


def refuse(violations: list[Violation], *, stop_on_warnings: bool = False) -> None:
    """Raise ``RuleViolated`` when a violation blocks, or when any is found and the caller has
    not yet confirmed the warnings (``stop_on_warnings``)."""
    if any(v.blocking for v in violations) or (stop_on_warnings and violations):
        raise RuleViolated(violations)


def split(violations: list[Violation]) -> tuple[list[Violation], list[Violation]]:
    """(blocking, warnings)."""
    return [v for v in violations if v.blocking], [v for v in violations if not v.blocking]
