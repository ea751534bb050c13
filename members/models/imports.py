"""Uploaded register files kept between the import's preview and its confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.models.organisation import Chapter, PublicIdModel


class ImportBatch(PublicIdModel):
    """An uploaded register file kept between its preview and the secretary's confirmation.

    The file itself is kept (not the parsed rows): the preview and the import both read it again
    and plan against the register as it is at that moment. ``members.importing`` writes these
    rows; once imported, the content is dropped and the summary stays.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", _("waiting for confirmation")
        IMPORTED = "IMPORTED", _("imported")

    chapter = models.ForeignKey(
        Chapter, verbose_name=_("chapter"), on_delete=models.CASCADE, related_name="import_batches"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"), editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.chapter})"

    def get_absolute_url(self) -> str:
        return reverse("members:import-preview", args=[self.public_id])
