"""The loaded application leaves the garbage collector's walks once a process, after the first
page (chapter.middleware.FreezeLoadedObjectsMiddleware)."""

from django.http import HttpResponse
from django.test import RequestFactory

from chapter import middleware


def test_garbage_is_collected_then_the_rest_frozen_once_after_the_first_response(monkeypatch):
    calls = []
    monkeypatch.setattr(middleware, "_frozen", False)
    monkeypatch.setattr(middleware.gc, "collect", lambda: calls.append("collect"))
    monkeypatch.setattr(middleware.gc, "freeze", lambda: calls.append("freeze"))

    def view(request):
        calls.append("view")
        return HttpResponse("ok")

    frozen = middleware.FreezeLoadedObjectsMiddleware(view)
    request = RequestFactory().get("/")
    assert frozen(request).content == b"ok"
    assert frozen(request).content == b"ok"
    assert middleware.FreezeLoadedObjectsMiddleware(view)(request).status_code == 200
    assert calls == ["view", "collect", "freeze", "view", "view"]


def test_the_middleware_is_in_place_after_the_static_files():
    from django.conf import settings

    chain = settings.MIDDLEWARE
    name = "chapter.middleware.FreezeLoadedObjectsMiddleware"
    assert chain.index("whitenoise.middleware.WhiteNoiseMiddleware") < chain.index(name)
