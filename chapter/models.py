import uuid

from django.conf import settings
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


def job_storage():
    """Where a job's file is kept: the private ``scans`` storage (never served by URL), sent only
    by the job's download view to its owner (``chapter.jobs``)."""
    from django.core.files.storage import InvalidStorageError, storages

    from chapter.files import PrivateFileSystemStorage

    try:
        return storages["scans"]
    except InvalidStorageError:
        return PrivateFileSystemStorage(location=settings.SCANS_ROOT)


def job_upload_to(instance, filename: str) -> str:
    """``jobs/<year>/<random hex><extension>``: the name reveals nothing and cannot be guessed."""
    suffix = filename[filename.rfind(".") :] if "." in filename else ""
    return f"jobs/{instance.created_at:%Y}/{uuid.uuid4().hex}{suffix}"


class Job(models.Model):
    """A piece of background work a user asked for (a large export or import): its progress and,
    when it made one, its file. The queue itself is django-tasks' (``task_id`` names its row);
    this is what the user's page shows (``chapter.jobs``). Only ``owner`` sees it."""

    class Status(models.TextChoices):
        QUEUED = "QUEUED", _("waiting to start")
        RUNNING = "RUNNING", _("running")
        DONE = "DONE", _("done")
        FAILED = "FAILED", _("failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    file = models.FileField(_("file"), storage=job_storage, upload_to=job_upload_to, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    next_url = models.CharField(_("next page"), max_length=300, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["finished_at"], name="chapter_job_finished_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("job", args=[self.public_id])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
