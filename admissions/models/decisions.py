"""Votes, decisions, extensions, mentors and observations on a case."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from admissions.models.candidate import Candidate
from chapter.dates import format_date
from chapter.models import TimeStampedModel
from members.models import Member


class Resolution(TimeStampedModel):
    """A vote of the chapter or the grassroots committee, with its figures (R8, R10, R28)."""

    class Kind(models.TextChoices):
        ADMISSION_CHAPTER = "ADMISSION_CHAPTER", _("chapter admission vote (6-KNĐ)")
        ADMISSION_GRASSROOTS = "ADMISSION_GRASSROOTS", _("grassroots committee resolution (8-KNĐ)")
        CONFIRMATION_CHAPTER = "CONFIRMATION_CHAPTER", _("chapter confirmation vote (13-KNĐ)")
        CONFIRMATION_GRASSROOTS = (
            "CONFIRMATION_GRASSROOTS",
            _("grassroots confirmation resolution (15-KNĐ)"),
        )

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="resolutions"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=50, blank=True)
    date = models.DateField(_("meeting date"))
    base = models.PositiveIntegerField(
        _("voting base"),
        help_text=_(
            "The chapter's official members counted on the meeting day; for the grassroots "
            "committee, all its members."
        ),
    )
    present = models.PositiveIntegerField(_("present"))
    votes_for = models.PositiveIntegerField(_("for"))
    votes_against = models.PositiveIntegerField(_("against"))
    passed = models.BooleanField(_("passed"))
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(present__lte=F("base")),
                name="admissions_resolution_present_within_base",
            ),
            models.CheckConstraint(
                condition=Q(votes_for__lte=F("present") - F("votes_against")),
                name="admissions_resolution_votes_within_present",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_date(self.date)}"


class Decision(TimeStampedModel):
    """A decision of the competent committee: admission, confirmation, rejection, removal."""

    class Kind(models.TextChoices):
        ADMISSION = "ADMISSION", _("admission decision (9-KNĐ)")
        REJECTION = "REJECTION", _("refusal to admit")
        CONFIRMATION = "CONFIRMATION", _("confirmation decision (16-KNĐ)")
        REMOVAL = "REMOVAL", _("removal from the probationary list")

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="decisions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=50)
    date = models.DateField(_("decision date"))
    issuing_body = models.CharField(_("issued by"), max_length=200)
    received_on = models.DateField(_("received by the chapter on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=F("date")),
                name="admissions_decision_received_after_issued",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Extension(TimeStampedModel):
    """A dated paper that extends a deadline or consents to lateness (R11, R12)."""

    class Kind(models.TextChoices):
        ADMISSION_DECISION = "ADMISSION_DECISION", _("extension of the admission decision deadline")
        CEREMONY = "CEREMONY", _("superior committee's consent to a late ceremony")
        CONFIRMATION_DECISION = (
            "CONFIRMATION_DECISION",
            _("extension of the confirmation decision deadline"),
        )

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="extensions"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=50)
    date = models.DateField(_("date"))
    issuing_body = models.CharField(_("issued by"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class MentorAssignment(TimeStampedModel):
    """The official member who helps a probationary member (R13); one at a time."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="mentors"
    )
    mentor = models.ForeignKey(
        Member, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="mentorships"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    resolution = models.CharField(_("chapter resolution"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mentor assignment")
        verbose_name_plural = _("mentor assignments")
        ordering = ["start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(end_date__isnull=True),
                name="admissions_mentor_one_current",
            ),
        ]

    def __str__(self) -> str:
        return str(self.mentor)


class Observation(TimeStampedModel):
    """A note by the cell leader, the helper or the mentor, dated and signed."""

    class Kind(models.TextChoices):
        OBSERVATION = "OBSERVATION", _("observation")
        MENTOR_COMMENT = "MENTOR_COMMENT", _("mentor's comment")

    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="observations",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.OBSERVATION
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{format_date(self.date)}: {self.text[:40]}"
