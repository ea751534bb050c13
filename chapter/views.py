"""Site-wide views: the error pages (the home page, ``/``, is ``reports.views.dashboard``)."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

# The last resort when even 500.html cannot be rendered (a broken template or static manifest).
PLAIN_500 = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Đã xảy ra lỗi</title></head><body><h1>Đã xảy ra lỗi</h1>
<p>Ứng dụng gặp lỗi và chưa hoàn tất yêu cầu. Hãy thử lại sau ít phút.</p>
<p><a href="/">Về trang tổng quan</a></p></body></html>"""


# Error pages (wired in chapter/urls.py) ------------------------------------------------------
# 403 and 404 use Django's own handlers with templates/403.html and 404.html (request context,
# the site's layout). 400 needs the request too, which Django's default leaves out.


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "400.html", status=400)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered with no request context: no context processor, no session, no
    database query, so it still shows when the database is what failed."""
    try:
        body = loader.get_template("500.html").render()
    except Exception:
        logger.exception("The 500 page could not be rendered")
        body = PLAIN_500
    return HttpResponseServerError(body)
