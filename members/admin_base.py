"""The shared admin base: scoped to ``members.access``, audited with a reason, services' errors
shown as form errors. ``admissions/admin.py`` (and any app's admin) builds on these classes.

Staff who are not superusers (``ScopedAdminMixin``): every changelist, change, history, delete
view, filter sidebar, autocomplete and action sees only what ``access.py`` lets the user see
(anything else is "not found"); they change or delete only rows of the chapters they manage as
secretary or deputy (the rest is read-only), never delete in bulk, and choose related rows only
among those.

Service errors are form errors. ``save_model`` calls the service inside the admin's own
transaction; if the service refuses (ValidationError), ``ServiceErrorsMixin`` lets that
transaction roll back and renders the same POST again with the error attached to the form, on
the field it names. The service stays the one place the rules live; nothing is checked twice.
"""

from collections.abc import Callable
from datetime import date
from operator import attrgetter
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from chapter.dates import format_date
from chapter.forms import LONG_TEXT_MAX, add_service_error, bound_formfield
from chapter.text import fold
from members import access
from members.models import Cell, Chapter, Committee, Member

# simple-history's history_change_reason column is a CharField(max_length=100).
REASON_MAX_LENGTH = 100


class ReasonRequiredForm(forms.ModelForm):
    """The admin's model form: asks why, required on a change, optional when adding."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text=_("Kept in the history with your name and the time."),
        widget=forms.TextInput(attrs={"size": 80}),
    )
    # A service's refusal of this very POST, set by ServiceErrorsMixin on the second pass.
    service_error: ValidationError | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["change_reason"].required = True

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        if self.service_error is not None:
            add_service_error(self, self.service_error)
        return cleaned_data


class ServiceErrorsMixin:
    """Show a ValidationError raised by a service in ``save_model`` as a form error.

    The admin runs a POST to the change form in ``transaction.atomic``; the error leaves that
    block, so everything is rolled back. The form is then built again from the same POST with
    the error attached, and is invalid: nothing is saved on the second pass.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            request._admin_service_error = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "_admin_service_error", None)
        if error is None:
            return form_class
        return type(form_class.__name__, (form_class,), {"service_error": error})


def _managed_chapters(user) -> QuerySet[Chapter]:
    return access.chapters_managed_by(user).values("pk")


# What a non-superuser may pick in a related field (and so post): rows of the chapters they
# manage. The autocomplete lists the related model's admin queryset (what they may see).
RELATED_CHOICES: dict[type[Model], Callable[[Any], QuerySet]] = {
    Chapter: access.chapters_managed_by,
    Cell: lambda user: Cell.objects.filter(chapter__in=_managed_chapters(user)),
    Member: lambda user: Member.objects.filter(chapter__in=_managed_chapters(user)),
    Committee: lambda user: Committee.objects.none(),
    get_user_model(): lambda user: get_user_model().objects.filter(pk=user.pk),
}


class ScopedAdminMixin:
    """The admin for staff who are not superusers, scoped by ``members.access``.

    ``get_queryset`` (each admin narrows it with an access function) is what the changelist,
    the change, delete and history views, the actions and the autocomplete start from: a row
    outside it is not found. A row may be changed or deleted only in a chapter the user
    manages (``chapter_path`` leads from the row to its chapter's id); otherwise the change
    view is read-only. ``superuser_only`` admins are read-only for everyone else.
    """

    chapter_path: str | None = "chapter_id"
    superuser_only = False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The admin corrects data with the application's limits: no date before 03/02/1930
        # or far in the future, no text longer than the forms allow.
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        bound_formfield(db_field, formfield)
        return formfield

    def manages(self, request, obj) -> bool:
        if self.superuser_only or self.chapter_path is None:
            return False
        return attrgetter(self.chapter_path)(obj) in access.reach_of(request.user).chapter_ids

    def has_add_permission(self, request, *args) -> bool:
        if self.superuser_only and not request.user.is_superuser:
            return False
        return super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if not allowed or request.user.is_superuser:
            return allowed
        if self.superuser_only:
            return False
        return obj is None or self.manages(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if not allowed or request.user.is_superuser:
            return allowed
        if self.superuser_only:
            return False
        return obj is None or self.manages(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            # One row at a time, through the delete view and its per-row permission.
            actions.pop("delete_selected", None)
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = RELATED_CHOICES.get(db_field.related_model)
        if choices is not None and not request.user.is_superuser:
            kwargs["queryset"] = choices(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def scoped_object_or_404(self, request, object_id: str):
        """The row if the user may see it; anything else, a missing row included, is a 404."""
        try:
            obj = self.get_object(request, unquote(object_id))
        except (ValidationError, ValueError):
            obj = None
        if obj is None:
            raise Http404
        return obj


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


class ReadableChanges(HistoricalRecordContextHelper):
    """The history's "old → new" in the user's words: labels of choices, Yes/No, dd/mm/yyyy,
    a dash for nothing (simple-history prints the raw values: OFFICIAL, True, None)."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if isinstance(value, date):
            return format_date(value)
        if getattr(field, "flatchoices", None):
            return dict(field.flatchoices).get(value, value)
        return value


class AuditedAdmin(ScopedAdminMixin, ServiceErrorsMixin, SimpleHistoryAdmin):
    """A model with row history: a reason for each change, the history visible, no revert."""

    form = ReasonRequiredForm
    # simple-history's pages with our breadcrumbs and "—" for a missing reason (templates/admin).
    object_history_form_template = "admin/simple_history/object_history_form.html"
    object_history_list_template = "admin/simple_history/object_history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only for this user: there is no change to give a reason for.
        without_reason = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "change_reason"]})
            for name, options in fieldsets
        ]
        return [(name, options) for name, options in without_reason if options["fields"]]

    def save_model(self, request, obj, form, change) -> None:
        self.hand_to_history(request, obj, form)
        super().save_model(request, obj, form, change)

    @staticmethod
    def hand_to_history(request: HttpRequest, obj, form) -> None:
        obj._history_user = request.user
        obj._change_reason = form.cleaned_data.get("change_reason") or None

    def revert_disabled(self, request, obj=None) -> bool:
        # An old version is shown, never restored: a correction goes through the change form.
        return True

    def history_view(self, request, object_id, extra_context=None):
        # simple-history would fall back to the latest historical row of any id; a non-superuser
        # sees the history of a row in their scope only (a superuser also of a deleted row).
        if not request.user.is_superuser:
            self.scoped_object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        if not request.user.is_superuser:
            self.scoped_object_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class FoldedNameSearchMixin:
    """Search names without diacritics or case: "nguyen thi hong" finds "Nguyễn Thị Hồng".

    Matches the folded ``search_key`` (``chapter.text.fold``, the same key on SQLite and
    PostgreSQL) or, as usual, ``search_fields``.
    """

    folded_name_field = "member__search_key"

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = fold(search_term)
        if key:
            found |= queryset.filter(**{f"{self.folded_name_field}__contains": key})
        return found, may_have_duplicates


class AnnulLatestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the entry was a mistake"),
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
