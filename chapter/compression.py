"""Pages compressed on the way out: Django's GZipMiddleware (a register page of 103 KB goes as
11 KB), except for files that are compressed already.

Spreadsheets and Word files are zip archives, PDFs and scans compress their own streams: a
second pass costs the server time and saves nothing, and a streamed export would be held up
chunk by chunk. Those go as they are; HTML, htmx fragments, JSON and CSV are compressed (a
streamed response stays streamed: Django compresses it chunk by chunk).

Safe against BREACH here: the only secret in a page is the CSRF token, which Django masks with a
new random mask in every response (``{% csrf_token %}`` differs each time), and Django adds a
random-length gzip header to each response (since 4.2); the session cookie is never in a body.
Static files never get here: WhiteNoise answers them earlier, with their brotli or gzip copies
made by ``collectstatic``.
"""

from django.middleware.gzip import GZipMiddleware

#: Content types that are compressed archives or compressed streams already.
ALREADY_COMPRESSED = (
    "application/vnd.openxmlformats-officedocument.",  # .xlsx, .docx: zip archives
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/octet-stream",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "font/woff",
)


class PageGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").lower()
        if content_type.startswith(ALREADY_COMPRESSED):
            return response
        return super().process_response(request, response)
