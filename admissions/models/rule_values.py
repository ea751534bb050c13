"""Per-chapter choices of the admissions pipeline (the rule values live in ``chapter.rules``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Chapter


class ChapterAdmissionSettings(models.Model):
    """Per-chapter choices: whether a grassroots committee step (7-, 8-KNĐ) sits between the
    chapter vote and the decision (DOMAIN.md §3.3, stage G), and whether a Youth Union
    organisation exists where its applicants are (R7)."""

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
    youth_union_exists = models.BooleanField(
        _("a Youth Union organisation exists"),
        default=True,
        help_text=_(
            "Where the chapter's applicants work or study there is a Youth Union organisation: "
            "an applicant of youth age must be a Youth Union member (Điều lệ Đảng, Điều 4)."
        ),
    )

    class Meta:
        verbose_name = _("admission settings")
        verbose_name_plural = _("admission settings")

    def __str__(self) -> str:
        return str(self.chapter)
