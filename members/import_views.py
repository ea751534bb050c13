"""Import of an existing register: template, upload, preview, confirm (members/importing.py).

The secretary or deputy of a chapter (``access.chapters_managed_by``) uploads a file; it is kept
as an ``ImportBatch`` and the preview plans it against the register as it is now. Only a POST on
the preview imports, all rows in one transaction; any error imports nothing. A file of more
than ``settings.BACKGROUND_ROWS`` rows is imported the same way by a background task
(``members.tasks``), the job's page showing its progress.
"""

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from members import access, importing, tasks
from members.import_forms import ImportUploadForm
from members.models import ImportBatch

ROWS_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTERS = ("all", "errors", importing.CREATE, importing.UPDATE, importing.UNCHANGED)


def _managed_chapters(user):
    chapters = access.chapters_managed_by(user)
    if not chapters.exists():
        raise PermissionDenied
    return chapters


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    chapters = _managed_chapters(request.user)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, chapters=chapters)
        if form.is_valid():
            batch = importing.batch_create(
                chapter=form.cleaned_data["chapter"],
                actor=request.user,
                filename=form.cleaned_data["file"].name,
                content=form.content,
            )
            return redirect(batch)
    else:
        form = ImportUploadForm(chapters=chapters)
    recent = (
        ImportBatch.objects.filter(chapter__in=chapters, status=ImportBatch.Status.IMPORTED)
        .select_related("chapter", "uploaded_by")
        .defer("content")[:5]
    )
    context = {"form": form, "columns": importing.COLUMNS, "recent": recent}
    return render(request, "members/import_upload.html", context)


@require_safe
def import_template(request: HttpRequest) -> HttpResponse:
    _managed_chapters(request.user)
    response = HttpResponse(importing.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-so-dang-vien.xlsx"'
    return response


def _get_batch(user, batch_id: UUID) -> ImportBatch:
    """404 outside the user's chapters, 403 for a chapter the user may only read."""
    batches = ImportBatch.objects.select_related("chapter", "uploaded_by")
    try:
        batch = batches.get(public_id=batch_id, chapter__in=access.chapters_visible_to(user))
    except ImportBatch.DoesNotExist:
        raise Http404 from None
    if not access.chapters_managed_by(user).filter(pk=batch.chapter_id).exists():
        raise PermissionDenied
    return batch


@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, batch_id: UUID) -> HttpResponse:
    batch = _get_batch(request.user, batch_id)
    if batch.status == ImportBatch.Status.IMPORTED:
        return render(request, "members/import_done.html", {"batch": batch})
    try:
        if request.method == "GET":
            return _preview(request, batch, importing.batch_plan(batch))
        rows = _row_count(request, batch)
        if rows > settings.BACKGROUND_ROWS:
            return redirect(tasks.start_register_import(request, batch, rows))
        plan = importing.batch_import(batch_id=batch.pk, actor=request.user)
    except importing.ImportFailed as failure:
        return _preview(request, batch, failure.plan, failure=failure.issues)
    except importing.ImportFileError as error:  # limits changed since the upload, say
        messages.error(request, " ".join(error.messages))
        return redirect("members:import")
    if plan is None:
        messages.info(request, _("This file has already been imported."))
    else:
        summary = importing.summary_text(plan.counts())
        messages.success(
            request,
            _("Imported from %(file)s: %(summary)s.")
            % {"file": batch.filename, "summary": summary},
        )
    return redirect("members:member-list")


def _row_count(request: HttpRequest, batch: ImportBatch) -> int:
    """The file's rows as its preview counted them (the confirmation form carries the number:
    it only chooses between importing now and in the background, both with the same checks);
    without it, the file is read again."""
    rows = request.POST.get("rows", "")
    if rows.isdigit() and len(rows) < 10:
        return int(rows)
    return len(importing.read_table(batch.filename, bytes(batch.content)).rows)


def _preview(request: HttpRequest, batch: ImportBatch, plan: importing.Plan, failure=None):
    counts = plan.counts()
    show = request.GET.get("show")
    if show not in FILTERS:
        show = "errors" if counts["errors"] else "all"
    rows = [row for row in plan.rows if _shown(row, show)]
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "batch": batch,
        "plan": plan,
        "counts": counts,
        "show": show,
        "page": page,
        "to_write": counts[importing.CREATE] + counts[importing.UPDATE],
        "failure": failure,
        "background_rows": settings.BACKGROUND_ROWS,
    }
    return render(request, "members/import_preview.html", context, status=200)


def _shown(row: importing.RowPlan, show: str) -> bool:
    if show == "all":
        return True
    if show == "errors":
        return bool(row.errors)
    return row.action == show and not row.errors
