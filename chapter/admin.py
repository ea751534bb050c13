"""Site-wide admin: the working-day calendar, and who may see user accounts and login records.

User accounts, groups and django-axes' login records are for superusers only: a staff member
who could edit accounts or permissions could give themselves any reach. The calendar's
overrides change every deadline, so other staff only read them.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from chapter.models import CalendarOverride
from members.admin import ScopedAdmin


class SuperusersOnly:
    """Hidden from every staff member who is not a superuser (not found, not in the index)."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args) -> bool:
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


def _reregister(model, base_admin) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(base_admin.__name__, (SuperusersOnly, base_admin), {}))


for _model, _admin in (
    (User, UserAdmin),
    (Group, GroupAdmin),
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    _reregister(_model, _admin)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ScopedAdmin):
    superuser_only = True
    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["name"]
