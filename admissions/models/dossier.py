"""The dossier: its papers by form code, the background checks and the introducers."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from admissions.files import ScanField, scan_storage, scan_upload_to, validate_scan
from admissions.models.candidate import Candidate, Form
from chapter.dates import format_date
from chapter.models import TimeStampedModel
from members.models import Member


class CandidateDocument(TimeStampedModel):
    """A paper of the dossier: form code, number, date, issuing body, and optionally a scan."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="documents"
    )
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    number = models.CharField(_("number"), max_length=50, blank=True)
    date = models.DateField(_("date"))
    issuing_body = models.CharField(_("issued by"), max_length=200, blank=True)
    # Private: random names, PDF/JPEG/PNG by content, served only by a scope-checked view.
    scan = ScanField(
        _("scan"),
        upload_to=scan_upload_to,
        storage=scan_storage,
        validators=[validate_scan],
        blank=True,
    )
    note = models.CharField(_("note"), max_length=250, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.number} ({format_date(self.date)})"


class BackgroundCheck(TimeStampedModel):
    """Verification of the applicant or one relative (D; R5)."""

    class Relation(models.TextChoices):
        SELF = "SELF", _("the applicant")
        FATHER = "FATHER", _("father")
        MOTHER = "MOTHER", _("mother")
        SIBLING = "SIBLING", _("full sibling")
        CHILD = "CHILD", _("child")
        GUARDIAN = "GUARDIAN", _("person who raised the applicant")
        SPOUSE = "SPOUSE", _("spouse")
        # The values keep their first names; the labels say whose parent they are.
        FATHER_IN_LAW = "FATHER_IN_LAW", _("spouse's father")
        MOTHER_IN_LAW = "MOTHER_IN_LAW", _("spouse's mother")
        SPOUSE_SIBLING = "SPOUSE_SIBLING", _("spouse's sibling")
        OTHER = "OTHER", _("other relative")

    class ExemptionBasis(models.TextChoices):
        """Why a relative needs no verification (Hướng dẫn 01-HD/TW, mục 3.4c)."""

        NONE = "", _("—")
        MEMBER_RELATIVE = (
            "MEMBER_RELATIVE",
            _("a birth parent, full sibling or child who is a party member, fully declared"),
        )
        SPOUSE_SIDE = (
            "SPOUSE_SIDE",
            _("the spouse's side: the spouse, or a parent or sibling of the spouse, is a member"),
        )

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="checks"
    )
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    person_name = models.CharField(_("name"), max_length=120)
    requested_on = models.DateField(_("request sent on"), null=True, blank=True)
    replied_on = models.DateField(_("reply received on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=250, blank=True)
    is_party_member = models.BooleanField(
        _("party member"), default=False, help_text=_("This relative is a party member.")
    )
    fully_declared = models.BooleanField(
        _("fully declared"),
        default=False,
        help_text=_(
            "The background declaration (2-KNĐ) states this relative fully, clearly and truthfully."
        ),
    )
    abroad = models.BooleanField(
        _("lives abroad"),
        default=False,
        help_text=_("Verified through the party committee or the body that can confirm abroad."),
    )
    verifying_body = models.CharField(
        _("verified through"),
        max_length=200,
        blank=True,
        help_text=_("The body asked to verify, e.g. the overseas party committee."),
    )
    exempted = models.BooleanField(
        _("exempted"),
        default=False,
        help_text=_(
            "No verification: a birth parent, full sibling or child who is a party member and "
            "fully declared; or the spouse's side when the spouse, or a parent or sibling of "
            "the spouse, is a party member."
        ),
    )
    exemption_basis = models.CharField(
        _("basis of the exemption"),
        max_length=20,
        choices=ExemptionBasis.choices,
        blank=True,
        editable=False,
    )
    exemption_reason = models.CharField(_("reason for the exemption"), max_length=250, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("background check")
        verbose_name_plural = _("background checks")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(replied_on__isnull=True)
                | Q(requested_on__isnull=True)
                | Q(replied_on__gte=F("requested_on")),
                name="admissions_check_reply_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()}: {self.person_name}"

    @property
    def is_done(self) -> bool:
        return self.exempted or self.replied_on is not None


class Introduction(TimeStampedModel):
    """An introducer (R6): an official member, or a Youth Union / trade-union resolution."""

    class Kind(models.TextChoices):
        MEMBER = "MEMBER", _("official member (3-KNĐ)")
        YOUTH_UNION = "YOUTH_UNION", _("Youth Union executive (4-KNĐ)")
        TRADE_UNION = "TRADE_UNION", _("trade-union executive (4A-KNĐ)")

    class ReplacementReason(models.TextChoices):
        NONE = "", _("—")
        MOVED_AWAY = "MOVED_AWAY", _("the introducer moved away")
        DISCIPLINED = "DISCIPLINED", _("the introducer was disciplined")

    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="introductions",
    )
    kind = models.CharField(_("introduced by"), max_length=20, choices=Kind.choices)
    introducer = models.ForeignKey(
        Member,
        verbose_name=_("introducing member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="introductions",
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    document_number = models.CharField(_("letter or resolution number"), max_length=50, blank=True)
    date = models.DateField(_("date of the introduction"))
    together_since = models.DateField(
        _("working or living with the applicant since"),
        null=True,
        blank=True,
        help_text=_("At least 12 months together on the introduction date."),
    )
    # A replacement introducer (R6): assigned by the chapter's resolution when an introducer
    # moves away or is disciplined; the replaced introduction stays, linked to its replacement.
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces the introduction of"),
        null=True,
        blank=True,
        # Kept while its replacement stands; both go when the case itself is deleted.
        on_delete=models.RESTRICT,
        related_name="replacement",
        editable=False,
    )
    replacement_reason = models.CharField(
        _("why the introducer was replaced"),
        max_length=20,
        choices=ReplacementReason.choices,
        blank=True,
        editable=False,
    )
    assignment_number = models.CharField(
        _("chapter resolution assigning the replacement"), max_length=50, blank=True
    )
    assignment_date = models.DateField(_("resolution dated"), null=True, blank=True)
    # Nothing else in the app records discipline: the chapter notes it here, on the letter of
    # the introducer concerned (the vote then refuses until a replacement is assigned).
    introducer_disciplined_on = models.DateField(
        _("introducer disciplined on"),
        null=True,
        blank=True,
        help_text=_("The date of the disciplinary decision against this introducer, if any."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="MEMBER", introducer__isnull=False) | ~Q(kind="MEMBER"),
                name="admissions_introduction_member_named",
            ),
        ]

    def __str__(self) -> str:
        return str(self.introducer or self.organisation)

    @property
    def is_replaced(self) -> bool:
        """A replacement introducer took this one's place (the row stays for history)."""
        try:
            return self.replacement is not None
        except Introduction.DoesNotExist:
            return False
