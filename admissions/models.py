"""The admissions pipeline: candidates, their documents, checks, introducers, votes, decisions,
mentors and the stage ledger (DOMAIN.md §4-§6).

``Candidate.stage`` changes only through ``admissions.services``, one function per step; each
step appends a ``CandidateEvent`` with its date and document. The rules live in
``admissions.checks`` and their numbers in ``admissions.rules`` (configurable, dated).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from admissions.files import ScanField, scan_storage, scan_upload_to, validate_scan
from chapter.models import SearchKeyMixin, TimeStampedModel
from chapter.text import fold
from members.models import Cell, Chapter, Member, citizen_id_validator


class CandidateQuerySet(models.QuerySet):
    def open(self) -> "CandidateQuerySet":
        """Cases still in the pipeline (not official, removed, rejected, withdrawn, expired)."""
        return self.exclude(stage__in=CLOSED_STAGES)

    def closed(self) -> "CandidateQuerySet":
        return self.filter(stage__in=CLOSED_STAGES)

    def search(self, query: str) -> "CandidateQuerySet":
        """Names without diacritics or case: "le thi" finds "Lê Thị …"."""
        key = fold(query)
        return self.filter(search_key__contains=key) if key else self

    def for_board(self) -> "CandidateQuerySet":
        """What a card, a row or ``deadlines.next_deadline`` reads: a fixed number of queries
        whatever the number of candidates."""
        return self.select_related("cell", "member", "chapter").prefetch_related(
            "resolutions", "decisions", "extensions", "documents"
        )


class Candidate(SearchKeyMixin, TimeStampedModel):
    class Stage(models.TextChoices):
        POOL = "POOL", _("outstanding non-member")
        SYMPATHISER = "SYMPATHISER", _("sympathiser")
        COURSE_DONE = "COURSE_DONE", _("awareness course done")
        DOSSIER_OPEN = "DOSSIER_OPEN", _("application filed")
        BACKGROUND_VERIFIED = "BACKGROUND_VERIFIED", _("background verified")
        INTRODUCED = "INTRODUCED", _("introduced")
        CHAPTER_APPROVED = "CHAPTER_APPROVED", _("approved by the chapter")
        GRASSROOTS_APPROVED = "GRASSROOTS_APPROVED", _("approved by the grassroots committee")
        ADMISSION_DECIDED = "ADMISSION_DECIDED", _("admission decided")
        ADMITTED = "ADMITTED", _("probationary member")
        CONFIRMATION_VOTED = "CONFIRMATION_VOTED", _("confirmation proposed by the chapter")
        OFFICIAL = "OFFICIAL", _("official member")
        NOT_CONFIRMED = "NOT_CONFIRMED", _("removed from the probationary list")
        REJECTED = "REJECTED", _("rejected")
        WITHDRAWN = "WITHDRAWN", _("withdrawn")
        DOCUMENTS_EXPIRED = "DOCUMENTS_EXPIRED", _("documents expired")

    class Source(models.TextChoices):
        CHAPTER = "CHAPTER", _("the chapter")
        YOUTH_UNION = "YOUTH_UNION", _("Youth Union")
        TRADE_UNION = "TRADE_UNION", _("trade union")

    class Education(models.TextChoices):
        PRIMARY = "PRIMARY", _("primary school")
        LOWER_SECONDARY = "LOWER_SECONDARY", _("lower secondary (THCS)")
        UPPER_SECONDARY = "UPPER_SECONDARY", _("upper secondary (THPT)")
        VOCATIONAL = "VOCATIONAL", _("vocational or college")
        UNIVERSITY = "UNIVERSITY", _("university or higher")

    class EducationException(models.TextChoices):
        NONE = "", _("—")
        REMOTE_AREA = (
            "REMOTE_AREA",
            _("remote, border, island, ethnic-minority or disadvantaged area"),
        )
        FISHERMAN = "FISHERMAN", _("fisherman")
        VILLAGE_ELDER = "VILLAGE_ELDER", _("village elder or respected person")

    class ExitReason(models.TextChoices):
        """Why a former member left; some reasons bar re-admission (R20)."""

        NONE = "", _("—")
        ABANDONED = "ABANDONED", _("abandoned party activity")
        ASKED_TO_LEAVE = "ASKED_TO_LEAVE", _("asked to leave")
        DISUNITY = "DISUNITY", _("caused serious disunity")
        CORRUPTION_OR_CRIME = "CORRUPTION_OR_CRIME", _("corruption or serious-crime conviction")
        OTHER = "OTHER", _("other reason")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    chapter = models.ForeignKey(
        Chapter, verbose_name=_("chapter"), on_delete=models.PROTECT, related_name="candidates"
    )
    cell = models.ForeignKey(
        Cell,
        verbose_name=_("cell"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidates",
    )
    stage = models.CharField(_("stage"), max_length=30, choices=Stage.choices, editable=False)
    stage_since = models.DateField(_("in this stage since"), editable=False)
    source = models.CharField(
        _("proposed by"), max_length=20, choices=Source.choices, default=Source.CHAPTER
    )
    helper = models.ForeignKey(
        Member,
        verbose_name=_("member assigned to help"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="helped_candidates",
    )
    # Identity
    full_name = models.CharField(_("full name"), max_length=120)
    other_names = models.CharField(_("other names"), max_length=120, blank=True)
    search_key = models.CharField(max_length=250, editable=False, db_index=True)
    gender = models.CharField(_("sex"), max_length=1, choices=Member.Gender.choices)
    date_of_birth = models.DateField(_("date of birth"))
    ethnicity = models.CharField(_("ethnicity"), max_length=50, default="Kinh")
    religion = models.CharField(_("religion"), max_length=50, default="Không", blank=True)
    hometown = models.CharField(_("home town"), max_length=200, blank=True)
    citizen_id = models.CharField(
        _("citizen ID (CCCD)"), max_length=12, blank=True, validators=[citizen_id_validator]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    workplace = models.CharField(_("workplace"), max_length=200, blank=True)
    education = models.CharField(
        _("general education"),
        max_length=20,
        choices=Education.choices,
        default=Education.UPPER_SECONDARY,
    )
    qualification = models.CharField(_("professional qualification"), max_length=200, blank=True)
    is_youth_union_member = models.BooleanField(_("Youth Union member"), default=False)
    # Exceptions, each with the approval it needs (R1, R2)
    education_exception = models.CharField(
        _("education exception"), max_length=20, choices=EducationException.choices, blank=True
    )
    education_exception_approval = models.CharField(
        _("approval of the education exception"), max_length=200, blank=True
    )
    over_age_approval = models.CharField(
        _("provincial-level approval for an applicant over 60"), max_length=200, blank=True
    )
    # Re-admission (R20)
    former_member = models.ForeignKey(
        Member,
        verbose_name=_("former member record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="readmission_candidates",
    )
    former_exit_date = models.DateField(_("left the Party on"), null=True, blank=True)
    former_exit_reason = models.CharField(
        _("reason for leaving"), max_length=30, choices=ExitReason.choices, blank=True
    )
    readmission_consent = models.CharField(
        _("provincial standing committee's written consent"), max_length=200, blank=True
    )
    # The member the ceremony created
    member = models.OneToOneField(
        Member,
        verbose_name=_("member record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidate",
        editable=False,
    )
    note = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords(excluded_fields=["search_key"])

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["search_key", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(
                    stage__in=["ADMITTED", "CONFIRMATION_VOTED", "OFFICIAL", "NOT_CONFIRMED"]
                )
                | Q(member__isnull=False),
                name="admissions_candidate_admitted_has_member",
            ),
        ]
        indexes = [models.Index(fields=["chapter", "stage"], name="admissions_candidate_board")]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("admissions:candidate-detail", args=[self.public_id])

    @property
    def is_open(self) -> bool:
        return self.stage not in CLOSED_STAGES

    def can_move_to(self, stage: str) -> bool:
        return stage in STAGE_TRANSITIONS.get(self.stage, set())


St = Candidate.Stage
EXITS = {St.REJECTED, St.WITHDRAWN, St.DOCUMENTS_EXPIRED}
CLOSED_STAGES = {St.OFFICIAL, St.NOT_CONFIRMED, *EXITS}
# The one table of allowed stage moves; services, buttons and tests read it.
STAGE_TRANSITIONS: dict[str | None, set[str]] = {
    None: {St.POOL},
    St.POOL: {St.SYMPATHISER, St.COURSE_DONE, *EXITS},
    St.SYMPATHISER: {St.COURSE_DONE, *EXITS},
    St.COURSE_DONE: {St.DOSSIER_OPEN, *EXITS},
    St.DOSSIER_OPEN: {St.BACKGROUND_VERIFIED, *EXITS},
    St.BACKGROUND_VERIFIED: {St.INTRODUCED, *EXITS},
    St.INTRODUCED: {St.CHAPTER_APPROVED, *EXITS},
    St.CHAPTER_APPROVED: {St.GRASSROOTS_APPROVED, St.ADMISSION_DECIDED, St.REJECTED, St.WITHDRAWN},
    St.GRASSROOTS_APPROVED: {St.ADMISSION_DECIDED, St.REJECTED, St.WITHDRAWN},
    St.ADMISSION_DECIDED: {St.ADMITTED, St.WITHDRAWN},
    St.ADMITTED: {St.CONFIRMATION_VOTED, St.NOT_CONFIRMED},
    St.CONFIRMATION_VOTED: {St.OFFICIAL, St.NOT_CONFIRMED},
    St.OFFICIAL: set(),
    St.NOT_CONFIRMED: set(),
    St.REJECTED: set(),
    St.WITHDRAWN: set(),
    St.DOCUMENTS_EXPIRED: set(),
}
# The order of the board's columns (the pipeline's forward stages).
BOARD_STAGES = [
    St.POOL,
    St.SYMPATHISER,
    St.COURSE_DONE,
    St.DOSSIER_OPEN,
    St.BACKGROUND_VERIFIED,
    St.INTRODUCED,
    St.CHAPTER_APPROVED,
    St.GRASSROOTS_APPROVED,
    St.ADMISSION_DECIDED,
    St.ADMITTED,
    St.CONFIRMATION_VOTED,
]


class Form(models.TextChoices):
    """Form codes of the dossier (DOMAIN.md §6), kept as data."""

    AWARENESS = "CN-NTVD", _("CN-NTVĐ awareness-course certificate")
    APPLICATION = "1-KND", _("1-KNĐ application")
    BACKGROUND = "2-KND", _("2-KNĐ background declaration")
    INTRODUCTION = "3-KND", _("3-KNĐ introduction letter")
    YOUTH_RESOLUTION = "4-KND", _("4-KNĐ Youth Union introduction")
    UNION_RESOLUTION = "4A-KND", _("4A-KNĐ trade-union introduction")
    OPINIONS = "5-KND", _("5-KNĐ summary of opinions")
    CHAPTER_RESOLUTION = "6-KND", _("6-KNĐ chapter resolution")
    APPRAISAL = "7-KND", _("7-KNĐ appraisal report")
    GRASSROOTS_RESOLUTION = "8-KND", _("8-KNĐ grassroots resolution")
    ADMISSION_DECISION = "9-KND", _("9-KNĐ admission decision")
    SELF_REVIEW = "10-KND", _("10-KNĐ self-review")
    MENTOR_ASSESSMENT = "11-KND", _("11-KNĐ mentor's assessment")
    MEMBER_OPINIONS = "12-KND", _("12-KNĐ opinions on the member")
    CONFIRMATION_RESOLUTION = "13-KND", _("13-KNĐ chapter confirmation resolution")
    CONFIRMATION_APPRAISAL = "14-KND", _("14-KNĐ appraisal report")
    CONFIRMATION_GRASSROOTS = "15-KND", _("15-KNĐ grassroots confirmation resolution")
    CONFIRMATION_DECISION = "16-KND", _("16-KNĐ confirmation decision")
    NEW_MEMBER_COURSE = "CN-DVM", _("new-member course certificate")
    REMOVAL_DECISION = "QD-XOA", _("decision to remove from the probationary list")
    OTHER = "OTHER", _("other document")


class CandidateDocument(TimeStampedModel):
    """A paper of the dossier: form code, number, date, issuer, and optionally a scan."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="documents"
    )
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    number = models.CharField(_("number"), max_length=50, blank=True)
    date = models.DateField(_("date"))
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
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
        return f"{self.get_form_display()} {self.number} ({self.date:%d/%m/%Y})"


class BackgroundCheck(TimeStampedModel):
    """Verification of the applicant or one relative (D; R5)."""

    class Relation(models.TextChoices):
        SELF = "SELF", _("the applicant")
        FATHER = "FATHER", _("father")
        MOTHER = "MOTHER", _("mother")
        GUARDIAN = "GUARDIAN", _("person who raised the applicant")
        FATHER_IN_LAW = "FATHER_IN_LAW", _("father-in-law")
        MOTHER_IN_LAW = "MOTHER_IN_LAW", _("mother-in-law")
        SPOUSE = "SPOUSE", _("spouse")
        CHILD = "CHILD", _("child")

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="checks"
    )
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    person_name = models.CharField(_("name"), max_length=120)
    requested_on = models.DateField(_("request sent on"), null=True, blank=True)
    replied_on = models.DateField(_("reply received on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=250, blank=True)
    exempted = models.BooleanField(
        _("exempted"),
        default=False,
        help_text=_("A parent, sibling or child who is a party member and fully declared."),
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
        help_text=_("R6: at least 12 months together on the introduction date."),
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
        _("voting base"), help_text=_("Official members counted on the meeting date (R8).")
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
                condition=Q(present__lte=F("base"))
                | Q(kind__in=["ADMISSION_GRASSROOTS", "CONFIRMATION_GRASSROOTS"]),
                name="admissions_resolution_present_within_base",
            ),
            models.CheckConstraint(
                condition=Q(votes_for__lte=F("present") - F("votes_against")),
                name="admissions_resolution_votes_within_present",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


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
    body = models.CharField(_("issued by"), max_length=200)
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
    body = models.CharField(_("issued by"), max_length=200, blank=True)

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
        return f"{self.date:%d/%m/%Y}: {self.text[:40]}"


class CandidateEventQuerySet(models.QuerySet):
    def standing(self) -> "CandidateEventQuerySet":
        """The steps that count: neither an annulment nor a step annulled by one."""
        return self.filter(annuls__isnull=True, annulment__isnull=True)


class CandidateEvent(models.Model):
    """One step of the pipeline in the append-only ledger: never changed, never deleted.

    A step recorded by mistake is cancelled by an annulment: a later entry whose ``annuls``
    points at it (``admissions.services.candidate_annul_latest``)."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="events"
    )
    from_stage = models.CharField(
        _("from"), max_length=30, choices=Candidate.Stage.choices, blank=True
    )
    to_stage = models.CharField(_("to"), max_length=30, choices=Candidate.Stage.choices)
    date = models.DateField(_("date"))
    form = models.CharField(_("form"), max_length=10, choices=Form.choices, blank=True)
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    annuls = models.OneToOneField(
        "self",
        verbose_name=_("annuls"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="annulment",
        help_text=_("The step recorded by mistake that this annulment cancels."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CandidateEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("pipeline step")
        verbose_name_plural = _("pipeline steps")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["to_stage", "date"], name="admissions_event_stage_date")]

    def __str__(self) -> str:
        return f"{self.get_to_stage_display()} — {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("A pipeline step cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A pipeline step cannot be deleted."))

    @property
    def is_annulment(self) -> bool:
        return self.annuls_id is not None

    @property
    def moves_stage(self) -> bool:
        return self.from_stage != self.to_stage


class RuleValue(TimeStampedModel):
    """A number of the Party's rules in force from a date (admissions.rules.DEFAULTS)."""

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
        return f"{self.key} = {self.value} ({self.effective_from:%d/%m/%Y})"

    def clean(self) -> None:
        from admissions.rules import DEFAULTS

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
