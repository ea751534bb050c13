from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from reports.dashboard import summary
from reports.forms import has_reach


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """The user's scope at a glance; a user with no role yet is told why there is nothing."""
    if not has_reach(request.user):
        return render(request, "chapter/dashboard.html", {"no_role": True})
    context = summary(request.user, timezone.localdate())
    return render(request, "chapter/dashboard.html", context)
