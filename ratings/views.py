"""The yearly rating of a chapter (one page, the whole chapter) and the badge lists.

Every view starts from ``members.access``: a chapter or member out of the user's scope is a 404;
a user who may read a chapter but not manage it (a committee officer, a cell leader) reads the
ratings and gets a 403 when posting. A cell leader reads their own cell's members only.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from admissions.checks.base import RuleViolated
from members import access
from ratings import badges, exports, queries, services
from ratings.forms import BadgeListForm, RatingFormSet
from ratings.rules import BADGE_SOURCE, RATING_SOURCE

YEARS_SHOWN = 5


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The user's chapters, each with its last few years to rate or read, and the badges."""
    latest = queries.latest_ratable_year()
    chapters = list(access.chapters_visible_to(request.user).order_by("name"))
    context = {
        "no_role": not access.has_reach(request.user),
        "chapters": chapters,
        "years": list(range(latest, latest - YEARS_SHOWN, -1)),
        "badge_year": timezone.localdate().year + 1,
    }
    return render(request, "ratings/index.html", context)


@require_http_methods(["GET", "POST"])
def chapter_year(request: HttpRequest, public_id: UUID, year: int) -> HttpResponse:
    chapter = access.get_chapter_for_user(request.user, public_id, manage=request.method == "POST")
    if not queries.year_allowed(year):
        raise Http404
    can_manage = access.reach_of(request.user).manages(chapter.pk)
    members = access.members_visible_to(request.user)
    rows = queries.chapter_year(members, chapter, year)
    ratable = [row for row in rows if not row.exempted]
    violations = []
    if request.method == "POST":
        formset = RatingFormSet(request.POST)
        if formset.is_valid():
            try:
                saved = _save(request, chapter, year, formset)
            except RuleViolated as refusal:
                violations = refusal.violations
            else:
                if saved is not None:
                    messages.success(request, _saved_message(saved))
                    return redirect(request.path)
    else:
        formset = RatingFormSet(
            initial=[
                {"member": row.member.public_id, "level": row.rating.level if row.rating else ""}
                for row in ratable
            ]
        )
    forms = iter(formset.forms)
    context = {
        "chapter": chapter,
        "year": year,
        "rows": [(row, None if row.exempted else next(forms, None)) for row in rows],
        "formset": formset,
        "can_manage": can_manage,
        "violations": violations,
        "counts": queries.year_counts(rows, year),
        "day": queries.year_end(year),
        "previous_year": year - 1 if queries.year_allowed(year - 1) else None,
        "next_year": year + 1 if queries.year_allowed(year + 1) else None,
        "source": RATING_SOURCE,
    }
    return render(request, "ratings/chapter_year.html", context)


def _save(request, chapter, year, formset) -> services.Saved | None:
    """The form set's choices by member id; a member id not in the chapter is a form error."""
    choices = {f.cleaned_data["member"]: f.cleaned_data["level"] or None for f in formset.forms}
    found = dict(chapter.members.filter(public_id__in=list(choices)).values_list("public_id", "pk"))
    if len(found) != len(choices):
        formset._non_form_errors = formset.error_class(
            [_("A member in this list is not in this chapter.")]
        )
        return None
    levels = {found[public_id]: level for public_id, level in choices.items()}
    return services.rate_chapter(
        chapter_id=chapter.pk, year=year, levels=levels, actor=request.user
    )


def _saved_message(saved: services.Saved) -> str:
    return _("Ratings saved: %(created)d new, %(changed)d changed, %(cleared)d cleared.") % {
        "created": saved.created,
        "changed": saved.changed,
        "cleared": saved.cleared,
    }


def _badge_form(request: HttpRequest) -> BadgeListForm:
    form = BadgeListForm(request.GET, user=request.user)
    if not form.is_valid() and form.chapter_out_of_scope():
        raise Http404
    return form


@require_safe
def badge_list(request: HttpRequest) -> HttpResponse:
    form = _badge_form(request)
    context = {"form": form, "no_role": not access.has_reach(request.user), "source": BADGE_SOURCE}
    if form.is_valid() and not context["no_role"]:
        year = form.cleaned_data["year"]
        context.update(
            year=year,
            lists=badges.badge_list(form.scope(), year),
            export_url=reverse("ratings:badges-export") + "?" + request.GET.urlencode(),
        )
    return render(request, "ratings/badges.html", context)


@require_safe
def badge_export(request: HttpRequest) -> HttpResponse:
    if not access.has_reach(request.user):
        raise Http404
    form = _badge_form(request)
    if not form.is_valid():
        raise Http404
    chapter = form.cleaned_data.get("chapter")
    if chapter is not None:
        label = chapter.name
    else:
        chapters = list(access.chapters_visible_to(request.user))
        label = access.describe_scope(request.user, chapters)
    lists = badges.badge_list(form.scope(), form.cleaned_data["year"])
    return exports.badges_response(lists, scope_label=label)
