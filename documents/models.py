"""What a chapter needs to print its documents, and the record of each document it generated."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from admissions.files import scan_storage
from chapter.models import TimeStampedModel
from documents.words import document_number
from members.models import Chapter, PublicIdModel


def generated_upload_to(instance, filename: str) -> str:
    """``documents/<year>/<random hex>.<docx|pdf>``: names never carry a person's name."""
    return f"documents/{instance.date:%Y}/{uuid.uuid4().hex}{Path(filename).suffix}"


def _check_pattern(value: str) -> None:
    try:
        document_number(value, 1, "NQ")
    except ValueError as error:
        raise ValidationError(str(error)) from error


class DocumentSettings(TimeStampedModel):
    """The header a chapter's documents carry (36-HD/VPTW): its superior body, its own name as the
    founding decision writes it, the place in the date line, and how it numbers its documents."""

    chapter = models.OneToOneField(
        Chapter,
        verbose_name=_("chapter"),
        on_delete=models.CASCADE,
        related_name="document_settings",
    )
    superior_body = models.CharField(
        _("superior body (first header line)"),
        max_length=200,
        help_text=_('As written in the header, e.g. "ĐẢNG BỘ PHƯỜNG BẾN NGHÉ".'),
    )
    issuing_body = models.CharField(
        _("the chapter's name in the header"),
        max_length=200,
        help_text=_('Its full name as the founding decision writes it, e.g. "CHI BỘ KHU PHỐ 3".'),
    )
    place = models.CharField(
        _("place in the date line"),
        max_length=100,
        help_text=_('The place where the chapter sits, e.g. "Hà Nội" or "La Bằng".'),
    )
    number_pattern = models.CharField(
        _("numbering pattern"),
        max_length=50,
        default="{n}-{kind}/CB",
        validators=[_check_pattern],
        help_text=_(
            "{n} is the running number (from 01 each year), {kind} the kind of document "
            "(NQ resolution, BB minutes, DS list), e.g. {n}-{kind}/CB gives 07-NQ/CB."
        ),
    )

    class Meta:
        verbose_name = _("document settings")
        verbose_name_plural = _("document settings")

    def __str__(self) -> str:
        return str(self.chapter)


class NumberSequence(models.Model):
    """The last number a chapter gave to a kind of document in a year: numbers run without gaps."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    symbol = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["chapter", "symbol", "year"], name="documents_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.symbol}/{self.year}: {self.last}"


class DocumentTemplate(TimeStampedModel):
    """A chapter's own Word template for a kind of document (the shipped one otherwise)."""

    chapter = models.ForeignKey(
        Chapter,
        verbose_name=_("chapter"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the template every chapter without its own uses."),
    )
    kind = models.CharField(_("document"), max_length=40)
    docx = models.FileField(
        _("Word template (.docx)"),
        upload_to="document-templates/",
        validators=[FileExtensionValidator(["docx"])],
    )

    class Meta:
        verbose_name = _("Word template")
        verbose_name_plural = _("Word templates")
        constraints = [
            models.UniqueConstraint(fields=["chapter", "kind"], name="documents_template_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} — {self.chapter or _('every chapter')}"


class GeneratedDocument(PublicIdModel):
    """One document as generated, numbered and kept: who made it and when, and its two files."""

    chapter = models.ForeignKey(
        Chapter, verbose_name=_("chapter"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("document"), max_length=40)
    # The case or member it is about, if any (a chapter's register or list has neither).
    candidate = models.ForeignKey(
        "admissions.Candidate",
        verbose_name=_("candidate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="generated_documents",
    )
    title = models.CharField(_("title"), max_length=250)
    number = models.CharField(_("number"), max_length=50, blank=True)
    date = models.DateField(_("date"))
    docx = models.FileField(
        _("Word file"), storage=scan_storage, upload_to=generated_upload_to, blank=True
    )
    pdf = models.FileField(
        _("PDF file"), storage=scan_storage, upload_to=generated_upload_to, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("generated by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} {self.number}".strip()


class Meeting(TimeStampedModel):
    """What the minutes and the resolution of a chapter meeting say beyond the vote's figures
    (DOCUMENTS.md §3): where and when, who chaired and who took the minutes, who was absent and
    why, and what the meeting said of the person. The figures stay on the vote itself."""

    resolution = models.OneToOneField(
        "admissions.Resolution",
        verbose_name=_("vote"),
        on_delete=models.CASCADE,
        related_name="meeting",
    )
    place = models.CharField(_("place of the meeting"), max_length=200)
    started_at = models.TimeField(_("began at"))
    ended_at = models.TimeField(_("ended at"))
    chair = models.CharField(_("chaired by"), max_length=120)
    chair_post = models.CharField(_("the chair's post"), max_length=120, default="Bí thư chi bộ")
    minute_taker = models.CharField(_("minutes taken by"), max_length=120)
    probationary_present = models.PositiveIntegerField(_("probationary members present"))
    absences = models.TextField(
        _("absent members and why"),
        blank=True,
        help_text=_('One per line: "Name: reason", e.g. "Nguyễn Văn An: đi công tác".'),
    )
    strengths = models.TextField(_("strengths"))
    weaknesses = models.TextField(_("weaknesses"))

    class Meta:
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")

    def __str__(self) -> str:
        return str(self.resolution)

    def absence_list(self) -> list[tuple[str, str]]:
        """The absences as (name, reason) pairs, in the order typed."""
        rows = []
        for line in self.absences.splitlines():
            name, _sep, reason = line.partition(":")
            if name.strip():
                rows.append((name.strip(), reason.strip()))
        return rows


class OpinionSummary(TimeStampedModel):
    """What the chapter committee typed into a summary of opinions (5-KNĐ for a candidate, 12-KNĐ
    for a probationary member; DOCUMENTS.md §2): the opinions gathered where the person works and
    from the committee where they live, and its conclusion. The paper's number and date are the
    dossier's (the 5-KNĐ / 12-KNĐ recorded on the case); the person is the case's."""

    class Kind(models.TextChoices):
        ADMISSION = "ADMISSION", _("on the candidate (5-KNĐ)")
        CONFIRMATION = "CONFIRMATION", _("on the probationary member (12-KNĐ)")

    candidate = models.ForeignKey(
        "admissions.Candidate",
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="opinion_summaries",
    )
    kind = models.CharField(_("summary"), max_length=20, choices=Kind.choices)
    work_body = models.CharField(
        _("organisation where the person works"),
        max_length=200,
        help_text=_(
            'The mass organisation that gave its opinion, e.g. "Công đoàn cơ sở Công ty X".'
        ),
    )
    gathered_on = models.DateField(_("opinions gathered on"))
    consulted = models.PositiveIntegerField(_("people consulted"))
    agreed = models.PositiveIntegerField(_("of whom in favour"))
    disagreed = models.PositiveIntegerField(_("of whom against"))
    work_strengths = models.TextField(_("strengths they named"))
    work_weaknesses = models.TextField(_("weaknesses they named"))
    residence_body = models.CharField(
        _("committee where the person lives"),
        max_length=200,
        help_text=_('e.g. "Chi ủy Chi bộ Khu dân cư số 5, phường Bến Nghé".'),
    )
    residence_opinion = models.TextField(_("its opinion"))
    conclusion = models.TextField(_("the chapter committee's conclusion"))

    class Meta:
        verbose_name = _("summary of opinions")
        verbose_name_plural = _("summaries of opinions")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "kind"], name="documents_opinions_one_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(agreed__lte=models.F("consulted") - models.F("disagreed")),
                name="documents_opinions_counts_within_consulted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.candidate}"
