"""Who holds which role (secretary, cell leader, committee officer) and members' positions."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chapter.models import TimeStampedModel
from members.models.member import Member
from members.models.organisation import Cell, Chapter, Committee


class RoleAssignment(TimeStampedModel):
    """Which user holds which role where, from when to when. Access is decided from these."""

    class Role(models.TextChoices):
        SECRETARY = "SECRETARY", _("chapter secretary")
        DEPUTY_SECRETARY = "DEPUTY_SECRETARY", _("deputy chapter secretary")
        CELL_LEADER = "CELL_LEADER", _("cell leader")
        COMMITTEE_OFFICER = "COMMITTEE_OFFICER", _("committee officer")

    CHAPTER_ROLES = (Role.SECRETARY, Role.DEPUTY_SECRETARY)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    chapter = models.ForeignKey(
        Chapter,
        verbose_name=_("chapter"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    cell = models.ForeignKey(
        Cell,
        verbose_name=_("cell"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="role_assignments",
        help_text=_("The party member holding the role, if on the roll here."),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["-start_date"]
        constraints = [
            # Each role names exactly the unit it is held in.
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=["SECRETARY", "DEPUTY_SECRETARY"],
                        chapter__isnull=False,
                        cell__isnull=True,
                        committee__isnull=True,
                    )
                    | Q(
                        role="CELL_LEADER",
                        cell__isnull=False,
                        chapter__isnull=True,
                        committee__isnull=True,
                    )
                    | Q(
                        role="COMMITTEE_OFFICER",
                        committee__isnull=False,
                        chapter__isnull=True,
                        cell__isnull=True,
                    )
                ),
                name="members_roleassignment_unit_matches_role",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="members_roleassignment_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["user", "end_date"], name="members_role_user_current")]

    def __str__(self) -> str:
        unit = self.chapter or self.cell or self.committee
        return f"{self.user} — {self.get_role_display()} — {unit}"

    def is_current(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)


class Position(TimeStampedModel):
    """A post a member holds in a mass organisation (trade union, Youth Union, ...)."""

    class Organisation(models.TextChoices):
        TRADE_UNION = "TRADE_UNION", _("trade union")
        YOUTH_UNION = "YOUTH_UNION", _("Youth Union")
        WOMEN_UNION = "WOMEN_UNION", _("Women's Union")
        VETERANS = "VETERANS", _("Veterans' Association")
        FATHERLAND_FRONT = "FATHERLAND_FRONT", _("Fatherland Front")
        OTHER = "OTHER", _("other")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="positions"
    )
    organisation = models.CharField(_("organisation"), max_length=30, choices=Organisation.choices)
    title = models.CharField(_("post"), max_length=200)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("position in a mass organisation")
        verbose_name_plural = _("positions in mass organisations")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="members_position_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_organisation_display()})"
