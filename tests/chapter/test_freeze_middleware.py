"""The loaded application leaves the garbage collector's walks once a process, after the first
page (chapter.middleware.FreezeLoadedObjectsMiddleware)."""

from django.core.signals import request_finished
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from chapter import middleware


def test_garbage_is_collected_then_the_rest_frozen_once_after_the_first_page(monkeypatch):
    """Once the first page's response is closed (``request_finished``: the request's own
    objects gone), not after a redirect or a non-HTML answer (a health check)."""
    calls = []
    monkeypatch.setattr(middleware, "_frozen", False)
    monkeypatch.setattr(middleware.gc, "collect", lambda: calls.append("collect"))
    monkeypatch.setattr(middleware.gc, "freeze", lambda: calls.append("freeze"))
    answers = iter(
        [
            HttpResponse("ok", content_type="text/plain"),
            HttpResponseRedirect("/login/"),
            HttpResponse("<p>page</p>"),
            HttpResponse("<p>another</p>"),
        ]
    )

    def view(request):
        calls.append("view")
        return next(answers)

    frozen = middleware.FreezeLoadedObjectsMiddleware(view)
    request = RequestFactory().get("/")

    def waiting() -> bool:  # the freeze waits for the response to be closed
        return any(entry[0][0] == middleware.FREEZE_UID for entry in request_finished.receivers)

    frozen(request)
    frozen(request)
    assert calls == ["view", "view"] and not waiting()
    frozen(request)
    assert calls == ["view", "view", "view"] and waiting()
    middleware._freeze_once()  # what request_finished calls once the response is closed
    assert calls == ["view", "view", "view", "collect", "freeze"] and not waiting()
    frozen(request)
    assert calls == ["view", "view", "view", "collect", "freeze", "view"] and not waiting()


def test_the_middleware_is_in_place_after_the_static_files():
    from django.conf import settings

    chain = settings.MIDDLEWARE
    name = "chapter.middleware.FreezeLoadedObjectsMiddleware"
    assert chain.index("whitenoise.middleware.WhiteNoiseMiddleware") < chain.index(name)
