"""A service's refusal keyed by form field, shared by every app (no app import here)."""

from typing import Any

from django.core.exceptions import ValidationError


def field_error(errors: dict[str, Any], *, code: str) -> ValidationError:
    """Errors keyed by field, each keeping ``code``: Django drops a code given beside a dict."""
    return ValidationError({name: ValidationError(msg, code=code) for name, msg in errors.items()})
