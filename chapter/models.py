from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from chapter.collation import name_sort_key
from chapter.dates import format_date
from chapter.text import fold


class TimeStampedModel(models.Model):
    """Creation and last-change times for every table of ours."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SearchKeyMixin:
    """Keeps ``search_key`` (the folded full and other names, ``chapter.text.fold``) and, where
    the model has one, ``sort_key`` (the Vietnamese name order, ``chapter.collation``) in step
    with the names, also when only some fields are saved."""

    def save(self, *args, **kwargs) -> None:
        self.search_key = fold(f"{self.full_name} {self.other_names}")
        keys = {"search_key"}
        if any(field.name == "sort_key" for field in self._meta.concrete_fields):
            self.sort_key = name_sort_key(self.full_name)
            keys.add("sort_key")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"full_name", "other_names"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, *keys}
        super().save(*args, **kwargs)


class CalendarOverride(TimeStampedModel):
    """A day the government or the committee moved: an extra day off, or a make-up working day.

    ``chapter.workdays`` applies these on top of the public holidays (DOMAIN.md §4, WD).
    """

    class Kind(models.TextChoices):
        DAY_OFF = "DAY_OFF", _("extra day off")
        WORKING_DAY = "WORKING_DAY", _("make-up working day")

    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=200, help_text=_('For example "Nghỉ bù Tết" or "Làm bù 02/01".')
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["day"], name="chapter_calendaroverride_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{format_date(self.day)} {self.get_kind_display()}: {self.name}"


class RuleValue(TimeStampedModel):
    """A number of the Party's rules in force from a date (the keys and defaults the apps
    register in ``chapter.rules``)."""

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
                fields=["key", "effective_from"], name="chapter_rulevalue_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({format_date(self.effective_from)})"

    def clean(self) -> None:
        from chapter.rules import DEFAULTS  # chapter.rules reads this model

        if self.key not in DEFAULTS:
            raise ValidationError({"key": _("Unknown rule.")})
