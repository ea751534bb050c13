"""The case: a candidate and its stages (the one table of allowed moves), the form codes of its
papers, and the stage ledger (``CandidateEvent``)."""

import uuid

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chapter.dates import format_date
from chapter.ledger import LedgerEntry, LedgerQuerySet, annuls_field, recorder_field
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

    def overdue(self, today) -> "CandidateQuerySet":
        """Open cases whose stored next deadline (``due_on``) has passed, without a consent to
        be late: what the overdue figures count (one index, ``admissions_candidate_due``)."""
        return self.filter(due_on__lt=today, due_excused=False)

    def due_by(self, day) -> "CandidateQuerySet":
        """Open cases whose stored next deadline falls on or before ``day`` (overdue included),
        without a consent to be late."""
        return self.filter(due_on__lte=day, due_excused=False)

    def for_board(self) -> "CandidateQuerySet":
        """What a card, a row or ``deadlines.next_deadline`` reads: a fixed number of queries
        whatever the number of candidates."""
        from admissions.models.dossier import BackgroundCheck  # that module imports this one

        # The latest background-check reply, for the dossier's freshness (R29) as of today.
        replies = BackgroundCheck.objects.filter(candidate=OuterRef("pk"), replied_on__isnull=False)
        return (
            self.select_related("cell", "member", "chapter")
            .prefetch_related("resolutions", "decisions", "extensions", "documents")
            .annotate(
                latest_check_reply=Subquery(
                    replies.order_by("-replied_on").values("replied_on")[:1]
                )
            )
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

    class Due(models.TextChoices):
        """What the stored next deadline is for (``admissions.deadlines.next_deadline``)."""

        NONE = "", _("—")
        AWARENESS = "AWARENESS", _("awareness certificate expires")
        ADMISSION_DECISION = "ADMISSION_DECISION", _("admission decision")
        CEREMONY = "CEREMONY", _("ceremony")
        CONFIRMATION_VOTE = "CONFIRMATION_VOTE", _("confirmation vote")
        CONFIRMATION_DECISION = "CONFIRMATION_DECISION", _("confirmation decision")

    class Source(models.TextChoices):
        CHAPTER = "CHAPTER", _("the chapter")
        YOUTH_UNION = "YOUTH_UNION", _("Youth Union")
        TRADE_UNION = "TRADE_UNION", _("trade union")

    class Education(models.TextChoices):
        # Below primary: only for village elders and respected persons (R2), with consent.
        LITERATE = "LITERATE", _("able to read and write")
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

    class Conviction(models.TextChoices):
        """A former member's criminal conviction, if any (R20)."""

        NONE = "", _("—")
        LESS_SERIOUS = "LESS_SERIOUS", _("a less serious crime")
        SERIOUS = "SERIOUS", _("a serious crime or graver")
        CORRUPTION = "CORRUPTION", _("corruption")

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
    # Lists sort by given name, the Vietnamese alphabet, then tones (chapter.collation).
    sort_key = models.CharField(max_length=400, editable=False, default="")
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
    # R2: village elders and respected persons only; the other categories need no approval.
    education_exception_approval = models.CharField(
        _("provincial standing committee's written consent (number)"),
        max_length=200,
        blank=True,
    )
    education_exception_approval_date = models.DateField(
        _("written consent dated"), null=True, blank=True
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
    # Asked to leave: the chapter's document on very hard family circumstances (R20)
    hardship_document = models.CharField(
        _("chapter's document on very hard family circumstances"),
        max_length=200,
        blank=True,
        help_text=_("What it is, e.g. the chapter's minutes; for someone who asked to leave."),
    )
    hardship_number = models.CharField(_("its number"), max_length=50, blank=True)
    hardship_date = models.DateField(_("its date"), null=True, blank=True)
    # A conviction: never after a serious one or corruption; 60 months after a less serious
    # one is expunged (R20)
    conviction = models.CharField(
        _("criminal conviction"), max_length=20, choices=Conviction.choices, blank=True
    )
    conviction_expunged_on = models.DateField(_("conviction expunged on"), null=True, blank=True)
    # The member the ceremony created or took back. A record may hold two cases: the first
    # admission and a re-admission on the same record (R16, R20: one person, one record); the
    # latest is the member's case (members.services.case_of).
    member = models.ForeignKey(
        Member,
        verbose_name=_("member record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admission_cases",
        editable=False,
    )
    note = models.TextField(_("notes"), blank=True)
    # The case's next deadline as ``admissions.deadlines.next_deadline`` computes it, stored so
    # that lists filter and sort on it in SQL. Written by the services in the step's own
    # transaction (``admissions.services.common.case_write``) and again for every open case
    # when the calendar or a deadline's rule value changes (``admissions.due``). Never typed.
    due_on = models.DateField(_("next deadline"), null=True, blank=True, editable=False)
    due_rule = models.CharField(max_length=10, blank=True, editable=False)  # "R11"
    due_kind = models.CharField(max_length=30, choices=Due.choices, blank=True, editable=False)
    due_excused = models.BooleanField(default=False, editable=False)  # a consent to be late
    history = HistoricalRecords(
        excluded_fields=["search_key", "sort_key", "due_on", "due_rule", "due_kind", "due_excused"]
    )

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["sort_key", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(
                    stage__in=["ADMITTED", "CONFIRMATION_VOTED", "OFFICIAL", "NOT_CONFIRMED"]
                )
                | Q(member__isnull=False),
                name="admissions_candidate_admitted_has_member",
            ),
        ]
        indexes = [
            models.Index(fields=["chapter", "stage"], name="admissions_candidate_board"),
            # The due-soon list and the overdue figures: `due_on <= day` (or `< today`), soonest
            # first; only cases with a deadline that counts (open, no consent to be late).
            models.Index(
                fields=["due_on"],
                name="admissions_candidate_due",
                condition=Q(due_on__isnull=False, due_excused=False),
            ),
            # A board column of a wide scope: one stage's cases, longest waiting first.
            models.Index(fields=["stage", "stage_since", "id"], name="admissions_candidate_column"),
        ]

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


class CandidateEventQuerySet(LedgerQuerySet):
    def standing(self) -> "CandidateEventQuerySet":
        """The steps that count: neither an annulment nor a step annulled by one."""
        return self.filter(annuls__isnull=True, annulment__isnull=True)


class CandidateEvent(LedgerEntry):
    """One step of the pipeline in the append-only ledger (``chapter.ledger``): never changed,
    never deleted.

    A step recorded by mistake is cancelled by an annulment: a later entry whose ``annuls``
    points at it (``admissions.services.candidate_annul_latest``)."""

    unchangeable = _("A pipeline step cannot be changed.")
    undeletable = _("A pipeline step cannot be deleted.")

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
    # The ledger's fields, with the pipeline's own help text and a recorder always named.
    annuls = annuls_field(_("The step recorded by mistake that this annulment cancels."))
    actor = recorder_field(blank=False)

    objects = CandidateEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("pipeline step")
        verbose_name_plural = _("pipeline steps")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["to_stage", "date"], name="admissions_event_stage_date")]

    def __str__(self) -> str:
        return f"{self.get_to_stage_display()} — {format_date(self.date)}"

    @property
    def moves_stage(self) -> bool:
        return self.from_stage != self.to_stage
