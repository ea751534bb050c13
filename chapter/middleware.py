from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
