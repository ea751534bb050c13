"""The yearly quality rating of a member (DOMAIN.md R25, §8; Quy định 366-QĐ/TW).

One rating per member per year, in one of four levels; entered for the whole chapter at once
(``ratings.services.rate_chapter``). Every change is kept in the row history (who, when).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Member

FIRST_YEAR = 1930  # the Party's founding: no rating, badge or register year before it


class Level(models.TextChoices):
    """The four levels of 366-QĐ/TW, best first (the Vietnamese labels are the regulation's)."""

    EXCELLENT = "HTXSNV", _("Completed tasks excellently")
    GOOD = "HTTNV", _("Completed tasks well")
    COMPLETED = "HTNV", _("Completed tasks")
    NOT_COMPLETED = "KHTNV", _("Did not complete tasks")


class AnnualRatingQuerySet(models.QuerySet):
    def for_year(self, year: int) -> AnnualRatingQuerySet:
        return self.filter(year=year)


class AnnualRating(models.Model):
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="ratings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("rating"), max_length=10, choices=Level.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("last changed at"), auto_now=True)

    objects = AnnualRatingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yearly rating")
        verbose_name_plural = _("yearly ratings")
        ordering = ["member", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="ratings_one_per_member_year"),
            models.CheckConstraint(
                condition=Q(level__in=["HTXSNV", "HTTNV", "HTNV", "KHTNV"]),
                name="ratings_level_known",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=2200), name="ratings_year_bounds"
            ),
        ]
        indexes = [models.Index(fields=["year", "level"], name="ratings_year_level")]

    def __str__(self) -> str:
        return f"{self.member} — {self.year}: {self.get_level_display()}"

    @property
    def was_changed(self) -> bool:
        """Saved again after it was first recorded (a different level or person)."""
        return self.changed_by_id is not None
