"""Dossier scans (``CandidateDocument.scan``): where they are kept, under which name, what is
accepted, and the URL that serves them (``admissions:candidate-scan``, a scope-checked view).

A scan is stored in the private ``scans`` storage (``SCANS_ROOT``, never served by URL) as
``dossiers/<year>/<uuid4 hex><.pdf|.jpg|.png>``: the name reveals nothing and cannot be guessed,
and the extension comes from the content, not from the uploader's file name. Scans stored before
under their uploaded names keep working: the view finds them by the document, not by the name.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import InvalidStorageError, Storage, storages
from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chapter.files import SCAN_TYPES, PrivateFileSystemStorage, sniff_file

SCAN_EXTENSIONS = {kind.extension for kind in SCAN_TYPES}


def scan_storage() -> Storage:
    """``STORAGES["scans"]``; without one, a private file system storage in ``SCANS_ROOT``."""
    try:
        return storages["scans"]
    except InvalidStorageError:
        return PrivateFileSystemStorage(location=settings.SCANS_ROOT)


def scan_upload_to(instance, filename: str) -> str:
    """``dossiers/<year>/<random hex><extension of the content's type>``."""
    upload = getattr(instance.scan, "file", None)
    kind = None
    if upload is not None:
        try:
            kind = sniff_file(upload)
        except (AttributeError, OSError, ValueError):
            kind = None
    extension = kind.extension if kind else Path(filename).suffix.lower()
    if extension not in SCAN_EXTENSIONS:
        extension = ""
    return f"dossiers/{timezone.localdate():%Y}/{uuid.uuid4().hex}{extension}"


def validate_scan(upload) -> None:
    """At most ``SCAN_MAX_BYTES``, and a PDF, JPEG or PNG by its content."""
    if getattr(upload, "_committed", False):
        return  # already stored (the admin saving a row whose scan did not change)
    limit = settings.SCAN_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The scan is larger than %(size)d MB: scan it at a lower resolution.")
            % {"size": limit // (1024 * 1024)},
            code="too_large",
        )
    if sniff_file(upload) is None:
        raise ValidationError(
            _("A scan must be a PDF, JPEG or PNG file."),
            code="file_type",
        )


class ScanFieldFile(FieldFile):
    @property
    def url(self) -> str:
        """The scope-checked view, never a storage URL (pages and the admin link here)."""
        self._require_file()
        document = self.instance
        return reverse(
            "admissions:candidate-scan", args=[document.candidate.public_id, document.pk]
        )


class ScanField(models.FileField):
    """A FileField whose files are private scans: ``url`` is the serving view's."""

    attr_class = ScanFieldFile
