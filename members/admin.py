"""The administrator's tool for correcting mistakes (STYLE.md convention 16).

Admin corrects; it is not a second workflow:

- audited models (simple-history) use ``SimpleHistoryAdmin``, and every change needs a reason,
  stored with the user as the history row's change reason; reverting to an old version is off;
- a member's status, flags, chapter, cell and key dates are read-only here; members are never
  added or deleted here, and their details are saved through ``services.member_update_details``
  so the same checks run as in the application;
- movements are admin actions drawn from ``members.actions`` (the register's own form, then
  one service call per selected member);
- the movement ledger is read-only;
- querysets of members, chapters, cells and their rows start from ``members.access``.

The shared base (scoping by ``members.access``, the reason, services' errors as form errors) is
``members.admin_base``. Role assignments, committees, user accounts and rule values are changed by
superusers only, so nobody widens their own reach here.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from members import access, services
from members.actions import ADMIN_ACTIONS, Action
from members.admin_base import (
    AnnulLatestForm,
    AuditedAdmin,
    FoldedNameSearchMixin,
    ReasonRequiredForm,
    ScopedAdmin,
)
from members.models import (
    Cell,
    Chapter,
    Committee,
    ImportBatch,
    Member,
    MemberEvent,
    Position,
    RoleAssignment,
)

# Organisation -----------------------------------------------------------------------------


class CommitteeForm(ReasonRequiredForm):
    """The committee's fields and its place in the tree: the parent chooser moves it (with every
    committee and chapter under it) through treebeard, so one path stays the one truth."""

    parent = forms.ModelChoiceField(
        label=_("parent committee"),
        queryset=Committee.objects.none(),
        required=False,
        help_text=_(
            "Empty for a committee at the top. Moving a committee moves every committee and "
            "chapter under it, and with them the reach of the officers above."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = Committee.objects.order_by("path")
        if self.instance.pk is not None:
            # Not itself nor one of its own descendants: the tree has no loops.
            choices = choices.exclude(path__startswith=self.instance.path)
            self.fields["parent"].initial = self.instance.get_parent()
        self.fields["parent"].queryset = choices
        self.fields["parent"].label_from_instance = indented


def indented(committee: Committee) -> str:
    return f"{'— ' * (committee.depth - 1)}{committee.name}"


@admin.register(Committee)
class CommitteeAdmin(AuditedAdmin):
    superuser_only = True  # the tree decides committee officers' reach
    form = CommitteeForm
    fields = ["name", "short_code", "kind", "parent", "authorised_to_admit", "change_reason"]
    list_display = ["tree_name", "short_code", "kind", "authorised_to_admit"]
    list_filter = ["kind", "authorised_to_admit"]
    ordering = ["path"]
    search_fields = ["name", "short_code"]

    def get_queryset(self, request):
        visible = access.committees_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)

    @admin.display(description=_("name"), ordering="path")
    def tree_name(self, obj: Committee) -> str:
        return indented(obj)

    def get_fields(self, request, obj=None):
        # The parent chooser lists every committee: only for those who may change the tree.
        fields = super().get_fields(request, obj)
        return fields if request.user.is_superuser else [f for f in fields if f != "parent"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # treebeard deletes a node's whole subtree: only a committee with none under it goes.
        if obj is not None and obj.numchild:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        self.hand_to_history(request, obj, form)
        parent = form.cleaned_data.get("parent")
        with transaction.atomic():
            if not change:
                if parent is None:
                    Committee.add_root(instance=obj)
                else:
                    parent.add_child(instance=obj)
                return
            current = obj.get_parent(update=True)
            if (current and current.pk) == (parent and parent.pk):
                obj.save()  # the other fields, in the history with the reason
                return
            # The other fields first, without a row of their own: the move writes one row for
            # this committee (its new fields and path) and one for each committee under it,
            # with the reason, in one INSERT.
            obj.skip_history_when_saving = True
            try:
                obj.save()
            finally:
                del obj.skip_history_when_saving
            if parent is None:
                obj.move(Committee.get_last_root_node(), "last-sibling")
            else:
                obj.move(parent, "last-child")


@admin.register(Chapter)
class ChapterAdmin(AuditedAdmin):
    chapter_path = "pk"
    list_display = ["name", "committee", "kind", "founded_on"]
    list_filter = ["kind", ("committee", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["committee"]
    search_fields = ["name", "committee__name"]
    autocomplete_fields = ["committee"]

    def get_queryset(self, request):
        # A subquery rather than access's .distinct(), so that deleting from the list works.
        visible = access.chapters_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # The committee a chapter hangs under decides which officers read it.
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else [*readonly, "committee"]


@admin.register(Cell)
class CellAdmin(AuditedAdmin):
    list_display = ["name", "chapter", "leader", "deputy_leader"]
    list_filter = [("chapter", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["chapter", "leader", "deputy_leader"]
    search_fields = ["name", "chapter__name"]
    autocomplete_fields = ["chapter", "leader", "deputy_leader"]

    def get_queryset(self, request):
        return access.cells_visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        # A cell never moves to another chapter: its members and their ledger would not follow.
        return ["chapter"] if obj is not None else []

    def save_model(self, request, obj, form, change) -> None:
        # cell_save checks that the leader and deputy are on this chapter's roll.
        self.hand_to_history(request, obj, form)
        services.cell_save(
            chapter=obj.chapter,
            cell=obj,
            name=obj.name,
            leader=obj.leader,
            deputy_leader=obj.deputy_leader,
            actor=request.user,
        )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(FoldedNameSearchMixin, AuditedAdmin):
    superuser_only = True  # roles decide reach: nobody gives themselves more here
    list_display = ["user", "role", "unit", "member", "start_date", "end_date"]
    list_filter = ["role", ("end_date", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "chapter", "cell", "committee", "member"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "chapter", "cell", "committee", "member"]

    def get_queryset(self, request):
        visible = access.roles_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)

    @admin.display(description=_("unit"))
    def unit(self, obj: RoleAssignment) -> str:
        return str(obj.chapter or obj.cell or obj.committee or "—")

    def get_readonly_fields(self, request, obj=None):
        # A role starts open-ended; ending it is a change of an existing assignment.
        return ["end_date"] if obj is None else []

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # role_assign refuses a duplicate and makes a cell leader the cell's leader too.
        assignment = services.role_assign(
            user=obj.user,
            role=obj.role,
            start_date=obj.start_date,
            actor=request.user,
            chapter=obj.chapter,
            cell=obj.cell,
            committee=obj.committee,
            member=obj.member,
        )
        obj.pk, obj._state.adding = assignment.pk, False


# Members ----------------------------------------------------------------------------------


# One service call per member: (member_id, actor, the valid form) -> what the service returns.
MovementCall = Callable[[int, Any, forms.Form], Any]


def _annul_latest(member_id: int, actor, form: forms.Form):
    """Annul the member's latest movement, recorded by mistake (services.member_annul_latest)."""
    latest = services.latest_entry(Member.objects.get(pk=member_id))
    if latest is None:
        raise ValidationError(gettext("There is no entry left to annul."), code="nothing")
    return services.member_annul_latest(
        member_id=member_id, actor=actor, event_id=latest.pk, reason=form.cleaned_data["reason"]
    )


def _movement_action(action: Action):
    """The admin action of a movement of ``members.actions``: its form (for all the members
    ticked, so without one member's defaults), then its service for each member."""

    def call(member_id: int, actor, form) -> Member:
        return action.service(member_id=member_id, actor=actor, **form.service_kwargs())

    def run(modeladmin: "MemberAdmin", request, queryset):
        return modeladmin._movement(
            request,
            queryset,
            action=action.admin_name,
            title=str(action.title),
            form_class=lambda *args, **kwargs: action.form_class(None, *args, **kwargs),
            call=call,
            done=action.admin_done,
        )

    run.__name__ = action.admin_name
    return admin.action(description=action.title, permissions=["change"])(run)


@admin.register(Member)
class MemberAdmin(FoldedNameSearchMixin, AuditedAdmin):
    """Members are added in the application (register page, import or admission), never here;
    their status, flags, cell and key dates change only through movements and corrections."""

    list_display = [
        "full_name",
        "chapter",
        "cell",
        "status",
        "is_exempted",
        "is_temporarily_out",
        "date_of_birth",
        "official_date",
    ]
    list_filter = [
        "status",
        "is_exempted",
        "is_temporarily_out",
        "gender",
        ("chapter", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["chapter", "cell"]
    show_full_result_count = False  # one COUNT over the whole register is enough
    folded_name_field = "search_key"
    search_fields = ["=citizen_id", "=card_number"]
    search_help_text = _("Name (with or without diacritics), citizen ID or party card number")
    # Read-only below (movements); kept so a widget, if ever editable, searches the same way.
    autocomplete_fields = ["chapter", "cell"]
    readonly_fields = [
        "chapter",
        "cell",
        "status",
        "is_exempted",
        "is_temporarily_out",
        *services.KEY_DATE_FIELDS,
        "in_the_application",
        "public_identifier",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            _("On the roll"),
            {
                "description": _(
                    "The status, flags and cell change only through movements (the actions "
                    "of the member list), so the ledger stays complete."
                ),
                "fields": [
                    "chapter",
                    "cell",
                    "status",
                    "is_exempted",
                    "is_temporarily_out",
                    "in_the_application",
                ],
            },
        ),
        (
            _("Identity"),
            {
                "fields": [
                    "full_name",
                    "other_names",
                    "gender",
                    "date_of_birth",
                    "ethnicity",
                    "religion",
                    "hometown",
                    "birthplace",
                    "permanent_address",
                    "citizen_id",
                ]
            },
        ),
        (_("Contact"), {"fields": ["phone", "email", "current_address"]}),
        (
            _("Education and work"),
            {
                "fields": [
                    "general_education",
                    "qualification",
                    "political_theory",
                    "foreign_language",
                    "occupation_before",
                    "occupation",
                    "workplace",
                    "job_title",
                    "service",
                ]
            },
        ),
        (_("Party identifiers"), {"fields": ["card_number", "dossier_number", "badge_number"]}),
        (
            _("Key dates"),
            {
                "description": _(
                    "Key dates are corrected on the member's correction page in the "
                    "application, with a reason, which also records the correction in the "
                    "ledger."
                ),
                "fields": [
                    "youth_union_date",
                    "admission_decision_date",
                    "admission_decision_number",
                    "ceremony_date",
                    "official_date",
                    "confirmation_decision_date",
                    "confirmation_decision_number",
                    "first_admission_decision_date",
                    "earlier_interruption_months",
                ],
            },
        ),
        (_("Notes"), {"fields": ["note", "public_identifier", "created_at", "updated_at"]}),
        (_("Reason for the change"), {"fields": ["change_reason"]}),
    ]
    # The movements of members.actions that have an admin action, then the annulment.
    actions = [*(_movement_action(a) for a in ADMIN_ACTIONS.values()), "annul_latest"]

    def get_queryset(self, request):
        return access.members_visible_to(request.user)

    def has_add_permission(self, request) -> bool:
        # Added through the application's register page, an import or an admission.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A member leaves the roll by a movement; the ledger keeps them (PROTECT) anyway.
        return False

    @admin.display(description=_("Public identifier"))
    def public_identifier(self, obj: Member) -> str:
        return str(obj.public_id)

    @admin.display(description=_("In the application"))
    def in_the_application(self, obj: Member) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            obj.get_absolute_url(),
            gettext("Member's record"),
            reverse("members:member-correct", args=[obj.public_id]),
            gettext("Correct a key date"),
        )

    def save_model(self, request, obj, form, change) -> None:
        # Never obj.save(): the service locks the row, runs the application's checks and saves
        # the changed details with the reason. A refusal comes back as a form error.
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.DETAIL_FIELDS
        }
        services.member_update_details(
            member_id=obj.pk,
            actor=request.user,
            changes=changes,
            reason=form.cleaned_data["change_reason"],
        )

    # Movements ----------------------------------------------------------------------------

    @admin.action(
        description=_("Annul the latest movement (recorded by mistake)"), permissions=["change"]
    )
    def annul_latest(self, request, queryset):
        return self._movement(
            request,
            queryset,
            action="annul_latest",
            title=gettext("Annul the latest movement (recorded by mistake)"),
            form_class=AnnulLatestForm,
            call=_annul_latest,
            done=ngettext_lazy(
                "The latest movement of %(count)d member is annulled.",
                "The latest movements of %(count)d members are annulled.",
                "count",
            ),
        )

    def _movement(
        self,
        request,
        queryset: QuerySet[Member],
        *,
        action: str,
        title: str,
        form_class: Callable[..., forms.Form],
        call: MovementCall,
        done: Any,
    ) -> TemplateResponse | None:
        """The form page first; on "apply" with valid data, one service call per member.
        Returning None sends the admin back to the list, where the messages are shown."""
        if queryset.exclude(chapter__in=access.chapters_managed_by(request.user)).exists():
            # Read-only for this user (a committee officer, a cell leader): nothing is changed.
            raise PermissionDenied
        form = form_class(request.POST) if "apply" in request.POST else form_class()
        if form.is_bound and form.is_valid():
            self._apply(request, queryset, form, call=call, done=done)
            return None
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "members": list(queryset.select_related("chapter")),
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/members/member/movement_form.html", context)

    def _apply(self, request, queryset, form, *, call: MovementCall, done) -> None:
        # Each call is its own transaction: one member's refusal leaves the others recorded.
        succeeded = 0
        for member_id, full_name in queryset.values_list("pk", "full_name"):
            try:
                call(member_id, request.user, form)
            except ValidationError as error:
                message = gettext("%(name)s: %(error)s") % {
                    "name": full_name,
                    "error": " ".join(error.messages),
                }
                self.message_user(request, message, messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, done % {"count": succeeded}, messages.SUCCESS)
        else:
            self.message_user(request, gettext("No member was changed."), messages.WARNING)


@admin.register(MemberEvent)
class MemberEventAdmin(FoldedNameSearchMixin, ScopedAdmin):
    """The movement ledger: viewed, searched and filtered; never added, changed or deleted."""

    list_display = [
        "effective_date",
        "member",
        "kind",
        "from_status",
        "status",
        "cell",
        "document_number",
        "actor",
        "created_at",
    ]
    list_filter = ["kind", "status", ("member__chapter", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["member", "cell", "actor"]
    show_full_result_count = False  # the ledger only grows
    date_hierarchy = "effective_date"
    search_fields = ["=document_number"]
    search_help_text = _("Member's name (with or without diacritics) or document number")

    def get_queryset(self, request):
        visible = access.members_visible_to(request.user)
        return super().get_queryset(request).filter(member__in=visible)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Position)
class PositionAdmin(FoldedNameSearchMixin, ScopedAdmin):
    chapter_path = "member.chapter_id"
    list_display = ["title", "organisation", "member", "start_date", "end_date"]
    list_filter = ["organisation"]
    list_select_related = ["member"]
    search_fields = ["title"]
    autocomplete_fields = ["member"]

    def get_queryset(self, request):
        visible = access.members_visible_to(request.user)
        return super().get_queryset(request).filter(member__in=visible)


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedAdmin):
    """Uploaded registers: who imported what, when, with which result; read-only."""

    list_display = ["filename", "chapter", "uploaded_by", "created_at", "status", "imported_at"]
    list_filter = ["status", ("chapter", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["chapter", "uploaded_by"]
    search_fields = ["filename"]
    exclude = ["content"]

    def get_queryset(self, request):
        visible = access.chapters_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(chapter__in=visible)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


from members import admin_transfers  # noqa: E402, F401 (registers the read-only admins)
