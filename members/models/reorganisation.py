"""A committee's decision that reorganises chapters (sáp nhập, chia tách, điều chuyển): the
decision itself and what it moved. The members move by ``members.services.reorganisation``,
one ``MOVED_CHAPTER`` entry each in their new chapter's ledger, with the decision as their
document, so a report of a day before the decision still shows the old structure."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models.organisation import Committee, PublicIdModel


class Reorganisation(PublicIdModel):
    class Kind(models.TextChoices):
        MERGE = "MERGE", _("merge chapters")
        SPLIT = "SPLIT", _("split a chapter")
        MOVE_CELLS = "MOVE_CELLS", _("move cells to another chapter")
        MOVE_CHAPTERS = "MOVE_CHAPTERS", _("move chapters to another committee")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("deciding committee"),
        on_delete=models.PROTECT,
        related_name="reorganisations",
    )
    decision_number = models.CharField(_("decision number"), max_length=50)
    decision_date = models.DateField(_("decision date"))
    issuing_body = models.CharField(_("issued by"), max_length=200)
    note = models.TextField(_("notes"), blank=True)
    # What moved, for the decision's page: chapters, cells and members counted by the service.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reorganisation decision")
        verbose_name_plural = _("reorganisation decisions")
        ordering = ["-decision_date", "-id"]

    def __str__(self) -> str:
        return f"{self.decision_number} ({self.decision_date:%d/%m/%Y})"
