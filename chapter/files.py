"""Private files (dossier scans): kept outside any public root, typed by content, sent only by
a view that has checked the user's scope.

Nothing serves MEDIA_ROOT or SCANS_ROOT by URL. A view that has found the file in the user's
scope answers with ``private_file_response``: Django streams the file (``FileResponse``), or, when
``SCANS_X_ACCEL_PREFIX`` is set, nginx does from an ``internal`` location (``X-Accel-Redirect``),
so the application never holds a large file in a worker. The README has the nginx lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    magic: tuple[bytes, ...]


# The kinds of scan accepted, recognised by their first bytes (never by the name's extension).
PDF = FileType("application/pdf", ".pdf", (b"%PDF-",))
JPEG = FileType("image/jpeg", ".jpg", (b"\xff\xd8\xff",))
PNG = FileType("image/png", ".png", (b"\x89PNG\r\n\x1a\n",))
SCAN_TYPES = (PDF, JPEG, PNG)
PDF_POLICY = "frame-ancestors 'none'"
MAGIC_LENGTH = max(len(magic) for kind in SCAN_TYPES for magic in kind.magic)


def sniff(head: bytes) -> FileType | None:
    """The accepted type whose signature ``head`` (the file's first bytes) starts with."""
    return next((kind for kind in SCAN_TYPES if head.startswith(kind.magic)), None)


def sniff_file(file) -> FileType | None:
    """``sniff`` on an open file (an upload or a stored file), leaving its position at 0."""
    file.seek(0)
    head = file.read(MAGIC_LENGTH)
    file.seek(0)
    return sniff(head or b"")


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage with no URL: its files are sent by a view, never linked."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL: link to the view that checks the scope.")


def private_file_response(file, *, filename: str) -> HttpResponse:
    """Send a stored file (a ``FieldFile``) to a user whose scope the caller has checked.

        PDF, JPEG and PNG (recognised by content) open in the browser; anything else (an old upload)
        is an ``application/octet-stream`` download. ``filename`` (without extension: the content's
    type gives it) is ours, never the uploader's."""
    try:
        with file.storage.open(file.name, "rb") as stored:
            kind = sniff_file(stored)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = kind.content_type if kind else "application/octet-stream"
    inline = kind is not None
    filename += kind.extension if kind else ""
    prefix = getattr(settings, "SCANS_X_ACCEL_PREFIX", "")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{quote(file.name)}"
        response["Content-Disposition"] = content_disposition_header(not inline, filename)
    else:
        response = FileResponse(
            file.storage.open(file.name, "rb"),
            as_attachment=not inline,
            filename=filename,
            content_type=content_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    if kind is PDF:
        # Browsers draw a PDF with their own viewer, which the site's policy (no inline style,
        # object-src 'none') would break in Chromium; a PDF runs nothing in our origin, and it
        # still may not be framed. Images and downloads keep the site's policy.
        response["Content-Security-Policy"] = PDF_POLICY
    return response
