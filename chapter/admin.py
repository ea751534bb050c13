"""Site-wide admin: the working-day calendar, the rules' numbers, and who may see user
accounts and login records.

User accounts, groups and django-axes' login records are for superusers only: a staff member
who could edit accounts or permissions could give themselves any reach. The calendar's
overrides and the rule values change every deadline, so other staff only read them.

django-axes names its app and its rows in English only: they are named here in the user's
language (its other strings are in our catalogue, locale/vi).
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chapter import notices
from chapter.forms import bound_formfield
from chapter.models import CalendarOverride, RuleValue
from chapter.rules import DEFAULTS


class SuperusersChange:
    """Other staff read (with the view permission) but never add, change or delete, one row or
    in bulk."""

    def has_add_permission(self, request, *args) -> bool:
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)
        return actions


class SuperusersOnly(SuperusersChange):
    """Hidden from every staff member who is not a superuser (not found, not in the index)."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser


class AxesColumns:
    """Headings for the two computed columns axes leaves unnamed."""

    @admin.display(description=_("Status"))
    def status(self, obj):
        return super().status(obj)

    @admin.display(description=_("Expires At"))
    def expiration(self, obj):
        return super().expiration(obj)


def _reregister(model, base_admin, *mixins) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    bases = (SuperusersOnly, *mixins, base_admin)
    admin.site.register(model, type(base_admin.__name__, bases, {}))


for _model, _admin, *_mixins in (
    (User, UserAdmin),
    (Group, GroupAdmin),
    (AccessAttempt, AccessAttemptAdmin, AxesColumns),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    _reregister(_model, _admin, *_mixins)


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _name_axes_rows() -> None:
    """Translated names for axes' app and rows (its ``__str__`` is an English f-string)."""
    apps.get_app_config("axes").verbose_name = _("Login protection")
    AccessLog.__str__ = lambda row: (
        gettext("Login records of %(username)s at %(time)s")
        % {
            "username": row.username,
            "time": _when(row.attempt_time),
        }
    )
    AccessFailureLog.__str__ = lambda row: (
        gettext("Failed login of %(username)s at %(time)s")
        % {
            "username": row.username,
            "time": _when(row.attempt_time),
        }
    )
    AccessAttempt.__str__ = lambda row: (
        gettext("Wrong logins of %(username)s, last at %(time)s")
        % {"username": row.username, "time": _when(row.attempt_time)}
    )


_name_axes_rows()


class AnnouncesBackgroundWork:
    """A save or a delete may set work going in the background after its commit (the stored
    deadlines a calendar day or a rule value moves): the page says so (``chapter.notices``)."""

    def _announcing(self, request, call, *args) -> None:
        with notices.collecting(request.user) as notes:
            call(request, *args)
        for note in notes:
            messages.info(request, note)

    def save_model(self, request, obj, form, change) -> None:
        self._announcing(request, super().save_model, obj, form, change)

    def delete_model(self, request, obj) -> None:
        self._announcing(request, super().delete_model, obj)

    def delete_queryset(self, request, queryset) -> None:
        self._announcing(request, super().delete_queryset, queryset)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AnnouncesBackgroundWork, SuperusersChange, admin.ModelAdmin):
    """Overrides change every deadline: only a superuser edits them (no chapter to scope by)."""

    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["name"]


@admin.register(RuleValue)
class RuleValueAdmin(AnnouncesBackgroundWork, SuperusersChange, admin.ModelAdmin):
    """A rule's number from a date: records dated after it are checked with the new value. The
    numbers change what every chapter may do: only a superuser records one, other staff read."""

    list_display = ["key", "rule_label", "value", "effective_from", "source"]
    list_filter = ["key"]
    search_fields = ["key", "source"]

    @admin.display(description=_("meaning"))
    def rule_label(self, obj: RuleValue) -> str:
        default = DEFAULTS.get(obj.key)
        return f"{default.describe()} ({default.value})" if default else "—"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "key":
            choices = [(key, f"{key} — {d.describe()}") for key, d in DEFAULTS.items()]
            return forms.ChoiceField(choices=choices, label=db_field.verbose_name)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        bound_formfield(db_field, formfield)
        return formfield


def view_on_site(request, content_type_id: int, object_id: str):
    """Django's "view on site" redirect (admin/r/…), for a row the user may see in the admin
    only: Django's own looks up any row of any model and would hand out its public id."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        model_admin = admin.site.get_model_admin(model)
    except (ContentType.DoesNotExist, NotRegistered):
        raise Http404 from None
    obj = model_admin.get_object(request, object_id)
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404
    return shortcut(request, content_type_id, object_id)


# Mounted in chapter/urls.py before the admin's own URLs.
scoped_view_on_site = admin.site.admin_view(view_on_site)
