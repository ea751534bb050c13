"""Admin for documents: a chapter's header and numbering, its own Word templates, and the record
of generated documents (read-only: a document once made is kept as it was).

Scoped like every admin (``members.admin_base.ScopedAdminMixin``): staff who are not superusers
see their chapters' rows and change only those of the chapters they manage; the Word template
every chapter falls back on (no chapter) is the superuser's.
"""

from django import forms
from django.contrib import admin

from documents.models import DocumentSettings, DocumentTemplate, GeneratedDocument, Meeting
from documents.registry import CASE_DOCUMENTS
from members import access
from members.admin_base import ScopedAdmin


class ChapterScopedAdmin(ScopedAdmin):
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(chapter__in=access.chapters_visible_to(request.user).values("pk"))


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(ChapterScopedAdmin):
    list_display = ["chapter", "issuing_body", "place", "number_pattern"]
    search_fields = ["chapter__name", "issuing_body"]


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(ChapterScopedAdmin):
    list_display = ["kind", "chapter", "updated_at"]
    list_filter = ["kind"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "kind" and formfield is not None:
            formfield.widget = forms.Select(
                choices=[
                    (kind.slug, f"{kind.title} {kind.form}".strip()) for kind in CASE_DOCUMENTS
                ]
            )
        if db_field.name == "chapter" and formfield is not None and not request.user.is_superuser:
            formfield.required = True  # the shared template is the superuser's
        return formfield


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ChapterScopedAdmin):
    list_display = ["title", "number", "date", "chapter", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["number", "title"]
    # The files are private (no URL): they are downloaded from the case's documents page.
    fields = readonly_fields = [
        "chapter",
        "kind",
        "candidate",
        "title",
        "number",
        "date",
        "created_by",
    ]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin):
    chapter_path = "resolution.candidate.chapter_id"
    list_display = ["resolution", "place", "chair", "minute_taker"]
    raw_id_fields = ["resolution"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("resolution__candidate")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            resolution__candidate__chapter__in=access.chapters_visible_to(request.user).values("pk")
        )
