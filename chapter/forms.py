"""Form pieces every app uses: dd/mm/yyyy date boxes with sane bounds, notes of bounded length,
year filters, and service errors on forms.

Every date a form, a filter or the importer accepts goes through ``check_date``: nothing before
the Party's founding (03/02/1930; births from 01/01/1900) and nothing absurdly far ahead, so a
typo such as 31/12/9999 is refused with a message instead of reaching the database (or a date
calculation) and failing there.
"""

from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum

import django_filters
from django import forms
from django.core import validators
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapter.dates import DATE_PLACEHOLDER, OLDEST_BIRTH, PARTY_FOUNDED, add_months, format_date

# Free text (notes, reasons, observations): long enough for a paragraph, short of a flood.
LONG_TEXT_MAX = 2000


class DateKind(StrEnum):
    """What a date is, which decides how far ahead it may be."""

    EVENT = "event"  # something that happened: a decision, a meeting, a movement, a paper
    PLANNED = "planned"  # a day ahead: an official date, the end of a role or of a transfer
    BIRTH = "birth"


# How far past today each kind may go. Services still refuse future events where a rule says
# so; this bound only stops typos (2062 for 2026) and absurd years.
EVENT_DAYS_AHEAD = 31
PLANNED_YEARS_AHEAD = 6
# Model date fields that hold a planned day rather than an event (by field name).
PLANNED_FIELDS = {"official_date", "until", "end_date", "expires_on", "planned_date"}


def date_bounds(kind: str, today: date | None = None) -> tuple[date, date]:
    """The earliest and latest date accepted for ``kind``, both included."""
    today = today or timezone.localdate()
    if kind == DateKind.BIRTH:
        return OLDEST_BIRTH, today
    if kind == DateKind.PLANNED:
        return PARTY_FOUNDED, add_months(today, 12 * PLANNED_YEARS_AHEAD)
    return PARTY_FOUNDED, today + timedelta(days=EVENT_DAYS_AHEAD)


def check_date(value: date, kind: str = DateKind.EVENT, today: date | None = None) -> None:
    """Raise a translated ValidationError when ``value`` is outside the bounds of ``kind``."""
    low, high = date_bounds(kind, today)
    if kind == DateKind.BIRTH:
        if value < low:
            message = _("Enter a date of birth on or after %(date)s.")
            raise ValidationError(message, code="date_too_early", params={"date": format_date(low)})
        if value > high:
            message = _("A date of birth cannot be in the future.")
            raise ValidationError(message, code="date_too_late")
        return
    if value < low:
        message = _("Enter a date on or after %(date)s, the day the Party was founded.")
        raise ValidationError(message, code="date_too_early", params={"date": format_date(low)})
    if value > high:
        message = _("This date is too far ahead: enter a date no later than %(date)s.")
        raise ValidationError(message, code="date_too_late", params={"date": format_date(high)})


class BoundedDateField(forms.DateField):
    """A DateField that refuses dates outside ``date_bounds(kind)`` (checked at validation
    time, so the upper bound follows today)."""

    def __init__(self, *, kind: str = DateKind.EVENT, **kwargs) -> None:
        self.kind = kind
        super().__init__(**kwargs)

    def validate(self, value) -> None:
        super().validate(value)
        if value not in self.empty_values:
            check_date(value, self.kind)


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"placeholder": DATE_PLACEHOLDER, "autocomplete": "off"})


def date_field(
    label, *, required: bool = True, help_text: str = "", kind: str = DateKind.EVENT
) -> BoundedDateField:
    """A date typed dd/mm/yyyy in a text box: the browser's date picker ignores the locale,
    and a text box works the same on every phone."""
    return BoundedDateField(
        label=label, required=required, help_text=help_text, kind=kind, widget=_date_widget()
    )


def note_field(
    label=None, *, required: bool = False, help_text: str = "", max_length: int = LONG_TEXT_MAX
) -> forms.CharField:
    return forms.CharField(
        label=label or _("Note"),
        required=required,
        help_text=help_text,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def date_kind_of(model_field: models.DateField) -> str:
    if "birth" in model_field.name:
        return DateKind.BIRTH
    return DateKind.PLANNED if model_field.name in PLANNED_FIELDS else DateKind.EVENT


def bound_formfield(model_field: models.Field, formfield: forms.Field | None) -> None:
    """Give a form field that was built elsewhere (the admin's, with its own widgets) the same
    limits as ``model_formfield``: a bounded date, a maximum length for long text."""
    if formfield is None:
        return
    if isinstance(model_field, models.DateField) and not isinstance(
        model_field, models.DateTimeField
    ):
        kind = date_kind_of(model_field)
        formfield.validators.append(lambda value: check_date(value, kind))
    elif isinstance(model_field, models.TextField) and formfield.max_length is None:
        formfield.max_length = LONG_TEXT_MAX
        formfield.validators.append(validators.MaxLengthValidator(LONG_TEXT_MAX))
        formfield.widget.attrs["maxlength"] = str(LONG_TEXT_MAX)


def model_formfield(model_field: models.Field, **kwargs) -> forms.Field | None:
    """A ``formfield_callback`` for forms built from models: bounded dd/mm/yyyy dates, and
    text areas with a maximum length (the database's TextField has none)."""
    if isinstance(model_field, models.DateField) and not isinstance(
        model_field, models.DateTimeField
    ):
        kwargs.setdefault("widget", _date_widget())
        return model_field.formfield(
            form_class=BoundedDateField, kind=date_kind_of(model_field), **kwargs
        )
    if isinstance(model_field, models.TextField):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs.setdefault("max_length", LONG_TEXT_MAX)
    return model_field.formfield(**kwargs)


# Filters (GET forms) -------------------------------------------------------------------------

FIRST_YEAR, LAST_YEAR = PARTY_FOUNDED.year, 2100


class YearFilter(django_filters.NumberFilter):
    """A year as a whole number from 1930 to 2100: anything else is refused by the form (the
    filter is then left out) instead of reaching a date calculation that overflows."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(*args, **kwargs)


def add_service_error(
    form: forms.BaseForm,
    error: ValidationError,
    renames: dict[str, str] | None = None,
    label_for: Callable[[str], str] | None = None,
) -> None:
    """Show a service's ValidationError on the form that fed it.

    An error keyed by field goes beside that field when the form has it (``renames``, merged
    with the form's ``error_fields``, maps a service's field name or error code to the form's
    field); otherwise above the form, prefixed with ``label_for(name)`` when given. The service
    stays the one place the rules live: nothing is checked twice.
    """
    renames = {**getattr(form, "error_fields", {}), **(renames or {})}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = renames.get(name, name)
            if target in form.fields:
                form.add_error(target, errors)
            elif label_for is None or target == NON_FIELD_ERRORS:
                form.add_error(None, errors)
            else:
                form.add_error(None, [f"{label_for(name)}: {m}" for e in errors for m in e])
        return
    for item in error.error_list:
        target = renames.get(item.code)
        form.add_error(target if target in form.fields else None, item)
