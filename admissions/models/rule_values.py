"""Per-chapter choices of the admissions pipeline (the rule values live in ``chapter.rules``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Chapter


class ChapterAdmissionSettings(models.Model):
    """Per-chapter choices: whether a grassroots committee step (7-, 8-KNĐ) sits between the
    chapter vote and the decision (DOMAIN.md §3.3, stage G)."""

    chapter = models.OneToOneField(
        Chapter,
        verbose_name=_("chapter"),
        on_delete=models.CASCADE,
        related_name="admission_settings",
    )
    grassroots_step = models.BooleanField(
        _("grassroots committee step"),
        default=False,
        help_text=_("The chapter's resolution goes to a grassroots committee before the decision."),
    )

    class Meta:
        verbose_name = _("admission settings")
        verbose_name_plural = _("admission settings")

    def __str__(self) -> str:
        return str(self.chapter)
