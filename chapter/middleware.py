import gc
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class VietnameseFirstMiddleware:
    """Serve Vietnamese on a first visit, whatever the browser's Accept-Language says.

    Many secretaries use borrowed or office machines set to English; the interface must still
    open in Vietnamese. English stays one click away: ``set_language`` stores the choice in the
    language cookie, which LocaleMiddleware (placed right after this one) still honours.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PrivateCacheMiddleware:
    """``Cache-Control: no-store, private`` on every response to a signed-in user.

    Pages, htmx fragments, Excel downloads and scans hold confidential records: no browser cache,
    shared proxy or "back" button on a borrowed computer may keep a copy. Static files never get
    here (WhiteNoise answers them earlier) and keep their long cache lifetimes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


def _has_null(data) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()
    )


class RejectNullCharactersMiddleware:
    """Refuse a request whose query string or form fields hold a NUL character, with the
    "bad request" page (400) that says so.

    No legitimate input contains one; PostgreSQL refuses it in any text parameter, so a NUL
    that slipped past a form (a search box, a drill-down value, the admin's search) would
    otherwise end in a server error. Uploaded files are not inspected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_null(request.GET) or (request.method == "POST" and _has_null(request.POST)):
            raise BadRequest("NUL character in the request parameters")
        return self.get_response(request)


_frozen = False


class FreezeLoadedObjectsMiddleware:
    """After the first page a view answered, hand what the process has loaded for good
    (Django, the apps, the URLs, the templates and translations that request read) to the
    garbage collector's permanent generation (``gc.freeze``), once a process.

    Python's full collection walks every tracked object. A page that leaves cyclic garbage (a
    prefetch links each row to its parent and back) triggers one every few requests, and walking
    the 170,000-200,000 objects of the loaded application took 300-450 ms at a time on the
    2-core server at 1,000,000 members: a secretary's register or board waited that long once
    in a while, their p95. Frozen, the collector walks what the requests themselves allocate
    (about 10,000 objects): the same pauses took 45-170 ms. Garbage is collected first, so none
    is kept; objects loaded later (another page's templates) are collected as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        global _frozen
        response = self.get_response(request)
        # A page (not a health check or a redirect: those load little), frozen once its
        # response is closed, when the request's own objects have gone (``request_finished``).
        if not _frozen and response.status_code == 200 and _is_page(response):
            _frozen = True
            request_finished.connect(_freeze_once, dispatch_uid=FREEZE_UID)
        return response


FREEZE_UID = "chapter.middleware.freeze"


def _is_page(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _freeze_once(**kwargs) -> None:
    request_finished.disconnect(dispatch_uid=FREEZE_UID)
    gc.collect()
    gc.freeze()
