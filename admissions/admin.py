"""Admin for the admissions pipeline: corrections with a reason, never a second workflow.

A candidate's stage, its member record and the pipeline ledger are read-only; steps are taken in
the application (admissions/steps.py), where the rules run. What an administrator corrects here
is a typo in a paper: a number, an issuing body, a date, a scan — each change with a reason kept
in the row history. Vote figures are facts of the minutes and stay read-only. The per-chapter
settings are edited here, by superusers only (the rules' numbers, RuleValue, in chapter.admin).

Staff who are not superusers see the candidates ``admissions.access`` gives them and correct
only those of the chapters they manage (``members.admin_base.ScopedAdminMixin``).
"""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from admissions import services
from admissions.access import candidates_visible_to
from admissions.models import (
    BackgroundCheck,
    Candidate,
    CandidateDocument,
    CandidateEvent,
    ChapterAdmissionSettings,
    Decision,
    Extension,
    Introduction,
    MentorAssignment,
    Observation,
    Resolution,
)
from members import access
from members.admin_base import (
    RELATED_CHOICES,
    AnnulLatestForm,
    AuditedAdmin,
    FoldedNameSearchMixin,
    ScopedAdmin,
)

# A candidate picked in a related field: one of the chapters the user manages.
RELATED_CHOICES[Candidate] = lambda user: Candidate.objects.filter(
    chapter__in=access.chapters_managed_by(user).values("pk")
)


class NoAddNoDelete:
    """Rows the pipeline's services create; the admin corrects them but never adds or deletes."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Candidate)
class CandidateAdmin(NoAddNoDelete, FoldedNameSearchMixin, AuditedAdmin):
    folded_name_field = "search_key"
    list_display = ["full_name", "chapter", "cell", "stage", "stage_since", "source"]
    list_filter = ["stage", "source", ("chapter", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["chapter", "cell"]
    search_fields = ["=citizen_id"]
    search_help_text = _("Name (with or without diacritics) or citizen ID")
    readonly_fields = ["chapter", "stage", "stage_since", "member", "former_member"]
    autocomplete_fields = ["cell", "helper"]
    actions = ["annul_latest"]

    def get_queryset(self, request):
        return candidates_visible_to(request.user)

    @admin.action(
        description=_("Annul the latest step (recorded by mistake)"), permissions=["change"]
    )
    def annul_latest(self, request, queryset):
        """A reason first; on "apply", each case's latest step is annulled through the service
        (its own transaction: one refusal leaves the others done)."""
        if queryset.exclude(chapter__in=access.chapters_managed_by(request.user)).exists():
            raise PermissionDenied
        form = AnnulLatestForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = sum(
                self._annul_one(request, candidate, form.cleaned_data["reason"])
                for candidate in queryset
            )
            if done:
                message = ngettext(
                    "The latest step of %(count)d case is annulled.",
                    "The latest steps of %(count)d cases are annulled.",
                    done,
                )
                self.message_user(request, message % {"count": done}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Annul the latest step (recorded by mistake)"),
            "opts": self.model._meta,
            "form": form,
            "candidates": [(c, services.latest_step(c)) for c in queryset],
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/admissions/candidate/annul_form.html", context)

    def _annul_one(self, request, candidate, reason: str) -> bool:
        latest = services.latest_step(candidate)
        try:
            if latest is None:
                raise ValidationError(gettext("There is no step left to annul."))
            services.candidate_annul_latest(
                candidate_id=candidate.pk, actor=request.user, event_id=latest.pk, reason=reason
            )
        except ValidationError as error:
            text = " ".join(error.messages)
            self.message_user(request, f"{candidate.full_name}: {text}", messages.ERROR)
            return False
        return True


class CandidateRowAdmin(NoAddNoDelete, FoldedNameSearchMixin, AuditedAdmin):
    """A row of a candidate's dossier, listed with the candidate's name."""

    chapter_path = "candidate.chapter_id"
    folded_name_field = "candidate__search_key"
    list_select_related = ["candidate"]
    readonly_fields = ["candidate"]
    search_help_text = _("Candidate's name (with or without diacritics) or number")

    def get_queryset(self, request):
        visible = candidates_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(candidate__in=visible)


@admin.register(CandidateDocument)
class CandidateDocumentAdmin(CandidateRowAdmin):
    list_display = ["candidate", "form", "number", "date", "issuing_body"]
    list_filter = ["form"]
    search_fields = ["=number"]
    date_hierarchy = "date"


@admin.register(BackgroundCheck)
class BackgroundCheckAdmin(CandidateRowAdmin):
    list_display = [
        "candidate",
        "relation",
        "person_name",
        "requested_on",
        "replied_on",
        "exempted",
        "exemption_basis",
    ]
    list_filter = ["relation", "exempted", "abroad"]
    search_fields = ["person_name"]


@admin.register(Introduction)
class IntroductionAdmin(CandidateRowAdmin):
    list_display = [
        "candidate",
        "kind",
        "introducer",
        "organisation",
        "date",
        "together_since",
        "introducer_disciplined_on",
    ]
    list_filter = ["kind"]
    list_select_related = ["candidate", "introducer"]
    search_fields = ["=document_number"]
    readonly_fields = ["candidate", "kind", "introducer"]


@admin.register(Resolution)
class ResolutionAdmin(CandidateRowAdmin):
    list_display = ["candidate", "kind", "number", "date", "base", "present", "votes_for", "passed"]
    list_filter = ["kind", "passed"]
    search_fields = ["=number"]
    # The figures are the minutes' facts and decided the case: only the number and note change.
    readonly_fields = [
        "candidate",
        "kind",
        "date",
        "base",
        "present",
        "votes_for",
        "votes_against",
        "passed",
        "actor",
    ]


@admin.register(Decision)
class DecisionAdmin(CandidateRowAdmin):
    list_display = ["candidate", "kind", "number", "date", "issuing_body", "received_on"]
    list_filter = ["kind"]
    search_fields = ["=number"]
    readonly_fields = ["candidate", "kind", "actor"]


@admin.register(Extension)
class ExtensionAdmin(CandidateRowAdmin):
    list_display = ["candidate", "kind", "number", "date", "issuing_body"]
    list_filter = ["kind"]
    search_fields = ["=number"]
    readonly_fields = ["candidate", "kind"]


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(CandidateRowAdmin):
    list_display = ["candidate", "mentor", "start_date", "end_date", "resolution"]
    list_select_related = ["candidate", "mentor"]
    search_fields = ["=resolution"]
    readonly_fields = ["candidate", "mentor"]


@admin.register(Observation)
class ObservationAdmin(FoldedNameSearchMixin, ScopedAdmin):
    chapter_path = "candidate.chapter_id"
    folded_name_field = "candidate__search_key"
    list_display = ["candidate", "kind", "date", "author"]
    list_filter = ["kind"]
    list_select_related = ["candidate", "author"]
    search_fields = ["text"]
    readonly_fields = ["candidate", "author"]

    def has_add_permission(self, request) -> bool:
        return False

    def get_queryset(self, request):
        visible = candidates_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(candidate__in=visible)


@admin.register(CandidateEvent)
class CandidateEventAdmin(FoldedNameSearchMixin, ScopedAdmin):
    """The pipeline ledger: viewed and filtered, never added, changed or deleted."""

    folded_name_field = "candidate__search_key"
    list_display = [
        "date",
        "candidate",
        "from_stage",
        "to_stage",
        "form",
        "document_number",
        "actor",
    ]
    list_filter = ["to_stage", "form"]
    list_select_related = ["candidate", "actor"]
    search_fields = ["=document_number"]
    date_hierarchy = "date"
    show_full_result_count = False

    def get_queryset(self, request):
        visible = candidates_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(candidate__in=visible)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChapterAdmissionSettings)
class ChapterAdmissionSettingsAdmin(ScopedAdmin):
    superuser_only = True
    list_display = ["chapter", "grassroots_step", "youth_union_exists"]
    list_select_related = ["chapter"]
    autocomplete_fields = ["chapter"]

    def get_queryset(self, request):
        visible = access.chapters_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(chapter__in=visible)
