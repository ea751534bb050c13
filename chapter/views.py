from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

SECTIONS = {
    "reports": _("Reports"),
}


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "chapter/dashboard.html")


def not_built_yet(request: HttpRequest, section: str) -> HttpResponse:
    """An honest page for a section that is planned but not built yet."""
    return render(request, "chapter/not_built_yet.html", {"section": SECTIONS[section]})
