"""The Party's numbers as dated values an administrator records, and per-chapter choices."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from chapter.dates import format_date
from chapter.models import TimeStampedModel
from members.checks import MIN_AGE_MONTHS
from members.models import Chapter


@dataclass(frozen=True)
class RuleDefault:
    value: int
    label: str
    source: str


DEFAULTS: dict[str, RuleDefault] = {
    # One number for both apps: the register's check (members.checks) is the default here.
    "MIN_AGE_MONTHS": RuleDefault(
        MIN_AGE_MONTHS, _("R1: minimum age at the chapter vote, in months"), "[V] S1, S7"
    ),
    "MAX_AGE_MONTHS": RuleDefault(
        720, _("R1: maximum age at the chapter vote, in months"), "[V] S1, S7"
    ),
    "AWARENESS_VALID_MONTHS": RuleDefault(
        60, _("R3: months an awareness-course certificate stays valid"), "[S] S19, S22"
    ),
    "INTRODUCER_TOGETHER_MONTHS": RuleDefault(
        12, _("R6: months an introducer has worked or lived with the applicant"), "[V] S2, S15"
    ),
    "MIN_OFFICIAL_MEMBERS": RuleDefault(
        3, _("R9: official members a chapter needs to vote"), "[S] S42"
    ),
    "ADMISSION_DECISION_WD": RuleDefault(
        60, _("R11: working days for the admission decision"), "[V] S10, S8"
    ),
    "ADMISSION_DECISION_EXTENSION_WD": RuleDefault(
        30, _("R11: extra working days with an extension"), "[V] S10, S8"
    ),
    "CEREMONY_WD": RuleDefault(30, _("R12: working days for the ceremony"), "[V] S9, S8"),
    "CONFIRMATION_VOTE_WD": RuleDefault(
        30, _("R14: working days for the confirmation vote"), "[V] S9, S11"
    ),
    "CONFIRMATION_DECISION_WD": RuleDefault(
        30, _("R11: working days for the confirmation decision"), "[V] S10"
    ),
    "CONFIRMATION_DECISION_EXTENSION_WD": RuleDefault(
        30, _("R11: extra working days for the confirmation decision"), "[V] S10"
    ),
    "YOUTH_MAX_AGE": RuleDefault(30, _("R7: Youth Union age limit, in years"), "[V] S51"),
    "YOUTH_PATH_BLOCKS": RuleDefault(
        0, _("R7: 1 = block, 0 = warn, when a young applicant skips the Youth Union path"), "[S]"
    ),
    "FAILED_VOTES_ESCALATE": RuleDefault(
        3, _("R8: failed votes after which the superior committee decides"), "[V] S9"
    ),
    "READMISSION_MONTHS": RuleDefault(
        36, _("R20: months since leaving before re-admission"), "[V] S28"
    ),
    "DUE_SOON_WD": RuleDefault(
        10, _("Working days before a deadline when it shows as due soon"), "—"
    ),
}


class RuleValue(TimeStampedModel):
    """A number of the Party's rules in force from a date (``DEFAULTS`` above)."""

    key = models.CharField(_("rule"), max_length=40)
    value = models.IntegerField(_("value"))
    effective_from = models.DateField(_("in force from"))
    source = models.CharField(
        _("source"), max_length=250, help_text=_("The regulation that sets it.")
    )

    class Meta:
        verbose_name = _("rule value")
        verbose_name_plural = _("rule values")
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "effective_from"], name="admissions_rulevalue_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({format_date(self.effective_from)})"

    def clean(self) -> None:
        if self.key not in DEFAULTS:
            raise ValidationError({"key": _("Unknown rule.")})


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
