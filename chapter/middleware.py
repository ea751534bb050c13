from collections.abc import Callable

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
