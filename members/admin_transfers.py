"""The admin of transfers between chapters and reorganisation decisions: read-only for everyone.

Both are written only by their services (``members.services.handover``, the reorganisation
service), which keep the member's record, its ledger and these rows together; an administrator
corrects a mistake there by the service's own undo (withdrawing a transfer, annulling an entry),
never by editing a row here. Staff see what ``members.access`` lets them read.
"""

from django.contrib import admin

from members import access
from members.admin_base import ScopedAdmin
from members.models import Handover, Reorganisation


class ReadOnly(ScopedAdmin):
    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Handover)
class HandoverAdmin(ReadOnly):
    list_display = [
        "member",
        "kind",
        "state",
        "from_chapter",
        "to_chapter",
        "letter_number",
        "letter_date",
        "presented_on",
    ]
    list_filter = ["kind", "state"]
    list_select_related = ["member", "from_chapter", "to_chapter"]
    date_hierarchy = "requested_on"
    search_fields = ["=letter_number"]

    def get_queryset(self, request):
        visible = access.handovers_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)


@admin.register(Reorganisation)
class ReorganisationAdmin(ReadOnly):
    chapter_path = None
    list_display = ["decision_number", "decision_date", "kind", "committee", "issuing_body"]
    list_filter = ["kind"]
    list_select_related = ["committee"]
    date_hierarchy = "decision_date"
    search_fields = ["=decision_number"]

    def get_queryset(self, request):
        visible = access.reorganisations_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)
