"""The administrator's tool for correcting mistakes (STYLE.md convention 16).

Admin corrects; it is not a second workflow:

- audited models (simple-history) use ``SimpleHistoryAdmin``, and every change needs a reason,
  stored with the user as the history row's change reason; reverting to an old version is off;
- a member's status, flags, chapter, cell and key dates are read-only here; members are never
  added or deleted here, and their details are saved through ``services.member_update_details``
  so the same checks run as in the application;
- movements are admin actions: a small form, then one service call per selected member;
- the movement ledger is read-only;
- querysets of members, chapters, cells and their rows start from ``members.access``.

Staff who are not superusers (``ScopedAdminMixin``): every changelist, change, history, delete
view, filter sidebar, autocomplete and action sees only what ``access.py`` lets the user see
(anything else is "not found"); they change or delete only rows of the chapters they manage as
secretary or deputy (the rest is read-only), never delete in bulk, and choose related rows only
among those. Role assignments, committees, user accounts and rule values are changed by
superusers only, so nobody widens their own reach here.

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
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from chapter.forms import add_service_error
from chapter.text import fold
from members import access, services
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
from members.services import Document

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
            return formats.date_format(value, "SHORT_DATE_FORMAT")
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


# Organisation -----------------------------------------------------------------------------


@admin.register(Committee)
class CommitteeAdmin(AuditedAdmin):
    superuser_only = True  # the tree decides committee officers' reach
    list_display = ["name", "short_code", "kind", "parent", "authorised_to_admit"]
    list_filter = ["kind", "authorised_to_admit"]
    list_select_related = ["parent"]
    search_fields = ["name", "short_code"]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        visible = access.committees_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)


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


def _date_field(label, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"placeholder": _("dd/mm/yyyy")}),
    )


class MovementForm(forms.Form):
    """What every movement action asks: its date and a note (also the history's reason)."""

    effective_date = _date_field(_("Effective date"))
    note = forms.CharField(label=_("Note"), max_length=REASON_MAX_LENGTH, required=False)


class DeathForm(MovementForm):
    effective_date = _date_field(_("Date of death"))


class EndExemptionForm(MovementForm):
    effective_date = _date_field(_("Exemption ends on"))


class TransferOutForm(MovementForm):
    effective_date = _date_field(_("Date of transfer"))
    to_organisation = forms.CharField(label=_("Transferred to"), max_length=250)
    letter_number = forms.CharField(label=_("Transfer letter number"), max_length=50)
    letter_date = _date_field(_("Transfer letter date"), required=False)

    field_order = ["effective_date", "to_organisation", "letter_number", "letter_date", "note"]


class ConfirmOfficialForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=50)
    decision_date = _date_field(_("Decision date"))
    issuing_body = forms.CharField(label=_("Issued by"), max_length=200)
    note = forms.CharField(label=_("Note"), max_length=REASON_MAX_LENGTH, required=False)


# One service call per member: (member_id, actor, cleaned form data) -> Member.
MovementCall = Callable[[int, Any, dict[str, Any]], Member]


def _record_death(member_id: int, actor, data: dict[str, Any]) -> Member:
    return services.member_record_death(
        member_id=member_id, actor=actor, effective_date=data["effective_date"], note=data["note"]
    )


def _end_exemption(member_id: int, actor, data: dict[str, Any]) -> Member:
    return services.member_end_exemption(
        member_id=member_id, actor=actor, effective_date=data["effective_date"], note=data["note"]
    )


def _transfer_out(member_id: int, actor, data: dict[str, Any]) -> Member:
    letter = Document(
        kind=MemberEvent.DocumentKind.TRANSFER_LETTER,
        number=data["letter_number"],
        date=data["letter_date"],
    )
    return services.member_transfer_out(
        member_id=member_id,
        actor=actor,
        effective_date=data["effective_date"],
        to_organisation=data["to_organisation"],
        letter=letter,
        note=data["note"],
    )


def _confirm_official(member_id: int, actor, data: dict[str, Any]) -> Member:
    decision = Document(
        kind=MemberEvent.DocumentKind.DECISION,
        number=data["decision_number"],
        date=data["decision_date"],
        issuing_body=data["issuing_body"],
    )
    return services.member_confirm_official(
        member_id=member_id, actor=actor, decision=decision, note=data["note"]
    )


class AnnulLatestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the entry was a mistake"), widget=forms.Textarea(attrs={"rows": 2})
    )


def _annul_latest(member_id: int, actor, data: dict[str, Any]):
    """Annul the member's latest movement, recorded by mistake (services.member_annul_latest)."""
    latest = services.latest_entry(Member.objects.get(pk=member_id))
    if latest is None:
        raise ValidationError(gettext("There is no entry left to annul."), code="nothing")
    return services.member_annul_latest(
        member_id=member_id, actor=actor, event_id=latest.pk, reason=data["reason"]
    )


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
                    "interruption_months",
                ],
            },
        ),
        (_("Notes"), {"fields": ["note", "public_identifier", "created_at", "updated_at"]}),
        (_("Reason for the change"), {"fields": ["change_reason"]}),
    ]
    actions = ["confirm_official", "transfer_out", "record_death", "end_exemption", "annul_latest"]

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

    @admin.action(description=_("Confirm as official member"), permissions=["change"])
    def confirm_official(self, request, queryset):
        return self._movement(
            request,
            queryset,
            action="confirm_official",
            title=gettext("Confirm as official member"),
            form_class=ConfirmOfficialForm,
            call=_confirm_official,
            done=lambda n: ngettext(
                "%(count)d member confirmed as official.",
                "%(count)d members confirmed as official.",
                n,
            ),
        )

    @admin.action(description=_("Transfer out"), permissions=["change"])
    def transfer_out(self, request, queryset):
        return self._movement(
            request,
            queryset,
            action="transfer_out",
            title=gettext("Transfer out"),
            form_class=TransferOutForm,
            call=_transfer_out,
            done=lambda n: ngettext(
                "%(count)d member transferred out.", "%(count)d members transferred out.", n
            ),
        )

    @admin.action(description=_("Record death"), permissions=["change"])
    def record_death(self, request, queryset):
        return self._movement(
            request,
            queryset,
            action="record_death",
            title=gettext("Record death"),
            form_class=DeathForm,
            call=_record_death,
            done=lambda n: ngettext(
                "%(count)d member recorded as deceased.",
                "%(count)d members recorded as deceased.",
                n,
            ),
        )

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
            done=lambda n: ngettext(
                "The latest movement of %(count)d member is annulled.",
                "The latest movements of %(count)d members are annulled.",
                n,
            ),
        )

    @admin.action(description=_("End exemption"), permissions=["change"])
    def end_exemption(self, request, queryset):
        return self._movement(
            request,
            queryset,
            action="end_exemption",
            title=gettext("End exemption"),
            form_class=EndExemptionForm,
            call=_end_exemption,
            done=lambda n: ngettext(
                "Exemption ended for %(count)d member.",
                "Exemption ended for %(count)d members.",
                n,
            ),
        )

    def _movement(
        self,
        request,
        queryset: QuerySet[Member],
        *,
        action: str,
        title: str,
        form_class: type[forms.Form],
        call: MovementCall,
        done: Callable[[int], str],
    ) -> TemplateResponse | None:
        """The form page first; on "apply" with valid data, one service call per member.
        Returning None sends the admin back to the list, where the messages are shown."""
        if queryset.exclude(chapter__in=access.chapters_managed_by(request.user)).exists():
            # Read-only for this user (a committee officer, a cell leader): nothing is changed.
            raise PermissionDenied
        form = form_class(request.POST) if "apply" in request.POST else form_class()
        if form.is_bound and form.is_valid():
            self._apply(request, queryset, form.cleaned_data, call=call, done=done)
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

    def _apply(self, request, queryset, data, *, call: MovementCall, done) -> None:
        # Each call is its own transaction: one member's refusal leaves the others recorded.
        succeeded = 0
        for member_id, full_name in queryset.values_list("pk", "full_name"):
            try:
                call(member_id, request.user, data)
            except ValidationError as error:
                message = gettext("%(name)s: %(error)s") % {
                    "name": full_name,
                    "error": " ".join(error.messages),
                }
                self.message_user(request, message, messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, done(succeeded) % {"count": succeeded}, messages.SUCCESS)
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
