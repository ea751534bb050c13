"""Form pieces every app uses: dd/mm/yyyy date boxes, notes, and service errors on forms."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

DATE_PLACEHOLDER = "dd/mm/yyyy"


def date_field(label, *, required: bool = True, help_text: str = "") -> forms.DateField:
    """A date typed dd/mm/yyyy in a text box: the browser's date picker ignores the locale,
    and a text box works the same on every phone."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"placeholder": DATE_PLACEHOLDER, "autocomplete": "off"}),
    )


def note_field(label=None, *, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label or _("Note"),
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


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
