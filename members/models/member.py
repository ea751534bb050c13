"""The member and the movement ledger.

Member.status and the current flags (exempted, temporarily out, cell) are kept by
``members.services`` only; the ``MemberEvent`` ledger is the record they are derived from, so any
past day can be asked "who was what" (``MemberQuerySet.as_of``).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chapter.dates import add_months, completed_months
from chapter.ledger import LedgerEntry, LedgerQuerySet
from chapter.models import SearchKeyMixin
from chapter.text import fold
from members.models.organisation import Cell, Chapter, PublicIdModel
from members.models.party_age import PartyAge
from members.models.party_age import compute as compute_party_age
from members.models.party_age import describe as describe_party_age
from members.models.scopes import ALL_CHAPTERS, ChapterScopeMixin  # noqa: F401 (re-exported)

PROBATION_MONTHS = 12  # DOMAIN.md R14: official date = ceremony date + 12 months

citizen_id_validator = RegexValidator(
    r"^[0-9]{12}$", _("A citizen ID (CCCD) has exactly 12 digits.")
)


class MemberQuerySet(ChapterScopeMixin, models.QuerySet):
    def active(self) -> MemberQuerySet:
        """On the roll now: probationary or official."""
        return self.filter(status__in=Member.ACTIVE_STATUSES)

    def official(self) -> MemberQuerySet:
        return self.filter(status=Member.Status.OFFICIAL)

    def probationary(self) -> MemberQuerySet:
        return self.filter(status=Member.Status.PROBATIONARY)

    def search(self, query: str) -> MemberQuerySet:
        """Names without diacritics or case: "nguyen van" finds "Nguyễn Văn …"."""
        key = fold(query)
        if not key:
            return self
        return self.filter(search_key__contains=key)

    def as_of(self, day: date) -> MemberQuerySet:
        """Annotate ``status_on``, ``chapter_on_id``, ``cell_on_id``, ``temporary_kind_on`` and
        ``exemption_kind_on`` as the ledger had them at the end of ``day``.

        Members with no event by then get ``status_on`` None (not yet on the roll). Annulled
        entries and the annulments themselves are not read (``MemberEventQuerySet.standing``).
        """
        events = MemberEvent.objects.standing().filter(
            member=models.OuterRef("pk"), effective_date__lte=day
        )
        latest = ("-effective_date", "-id")
        return self.annotate(
            status_on=models.Subquery(
                events.filter(status__isnull=False).order_by(*latest).values("status")[:1]
            ),
            cell_on_id=models.Subquery(
                events.filter(kind__in=MemberEvent.CELL_KINDS).order_by(*latest).values("cell")[:1]
            ),
            # Whose ledger the latest entry is in: the member's chapter that day.
            chapter_on_id=models.Subquery(
                events.exclude(kind__in=MemberEvent.UNPLACED_KINDS)
                .order_by(*latest)
                .values("chapter")[:1]
            ),
            # The latest flag movement's kind tells whether the flag was up on that day.
            temporary_kind_on=models.Subquery(
                events.filter(kind__in=MemberEvent.TEMPORARY_KINDS)
                .order_by(*latest)
                .values("kind")[:1]
            ),
            exemption_kind_on=models.Subquery(
                events.filter(kind__in=MemberEvent.EXEMPTION_KINDS)
                .order_by(*latest)
                .values("kind")[:1]
            ),
        )

    def on_roll_as_of(self, day: date) -> MemberQuerySet:
        return self.as_of(day).filter(status_on__in=Member.ACTIVE_STATUSES)

    def for_register(self) -> MemberQuerySet:
        return self.select_related("chapter", "cell")

    def with_party_age(self) -> MemberQuerySet:
        """Prefetch what ``Member.party_age_months`` reads (one query for the whole list)."""
        return self.prefetch_related(party_age_prefetch())


class Member(SearchKeyMixin, PublicIdModel):
    class Status(models.TextChoices):
        PROBATIONARY = "PROBATIONARY", _("probationary")
        OFFICIAL = "OFFICIAL", _("official")
        TRANSFERRED_OUT = "TRANSFERRED_OUT", _("transferred out")
        REMOVED_FROM_PROBATIONARY_LIST = (
            "REMOVED_FROM_PROBATIONARY_LIST",
            _("removed from the probationary list"),
        )
        REMOVED = "REMOVED", _("removed from the roll")
        EXPELLED = "EXPELLED", _("expelled")
        LEFT = "LEFT", _("left the Party")
        DECEASED = "DECEASED", _("deceased")
        # Its only entry on the register was annulled (entered by mistake): never on the roll.
        ANNULLED = "ANNULLED", _("record annulled (entered by mistake)")

    class Gender(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class PoliticalTheory(models.TextChoices):
        NONE = "", _("none")
        ELEMENTARY = "ELEMENTARY", _("elementary")
        INTERMEDIATE = "INTERMEDIATE", _("intermediate")
        ADVANCED = "ADVANCED", _("advanced")
        BACHELOR = "BACHELOR", _("bachelor")

    class Service(models.TextChoices):
        NONE = "", _("—")
        ARMY = "ARMY", _("army")
        POLICE = "POLICE", _("police")
        RETIRED = "RETIRED", _("retired")

    ACTIVE_STATUSES = (Status.PROBATIONARY, Status.OFFICIAL)
    # Exits after which the person may be admitted again on the same record (R20: those who
    # were removed, expelled, left or removed from the probationary list; whether they may is
    # the admission case's check).
    READMISSION_STATUSES = (
        Status.REMOVED_FROM_PROBATIONARY_LIST,
        Status.REMOVED,
        Status.EXPELLED,
        Status.LEFT,
    )
    # Fields a cell leader may change for the members of their own cell (DESIGN.md).
    CELL_LEADER_FIELDS = (
        "phone",
        "email",
        "current_address",
        "occupation",
        "workplace",
        "job_title",
        "note",
    )

    chapter = models.ForeignKey(
        Chapter, verbose_name=_("chapter"), on_delete=models.PROTECT, related_name="members"
    )
    cell = models.ForeignKey(
        Cell,
        verbose_name=_("cell"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    status = models.CharField(_("status"), max_length=40, choices=Status.choices, editable=False)
    is_exempted = models.BooleanField(
        _("exempted from party work and meetings"), default=False, editable=False
    )
    is_temporarily_out = models.BooleanField(
        _("temporarily transferred out"), default=False, editable=False
    )

    # Identity (7-HSĐV columns 2-4)
    full_name = models.CharField(_("full name"), max_length=120)
    other_names = models.CharField(_("birth name / other names"), max_length=120, blank=True)
    search_key = models.CharField(max_length=250, editable=False, db_index=True)
    # Lists sort by given name, the Vietnamese alphabet, then tones (chapter.collation).
    sort_key = models.CharField(max_length=400, editable=False, default="")
    gender = models.CharField(_("sex"), max_length=1, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"))
    ethnicity = models.CharField(_("ethnicity"), max_length=50, default="Kinh")
    religion = models.CharField(_("religion"), max_length=50, default="Không", blank=True)
    hometown = models.CharField(_("home town"), max_length=200, blank=True)
    birthplace = models.CharField(_("place of birth"), max_length=200, blank=True)
    permanent_address = models.CharField(_("permanent residence"), max_length=250, blank=True)
    citizen_id = models.CharField(
        _("citizen ID (CCCD)"), max_length=12, blank=True, validators=[citizen_id_validator]
    )
    # Contact
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    current_address = models.CharField(_("current address"), max_length=250, blank=True)
    # Education (column 5)
    general_education = models.CharField(
        _("general education"), max_length=20, blank=True, help_text=_("e.g. 12/12")
    )
    qualification = models.CharField(_("professional qualification"), max_length=200, blank=True)
    political_theory = models.CharField(
        _("political theory"), max_length=20, choices=PoliticalTheory.choices, blank=True
    )
    foreign_language = models.CharField(_("foreign language"), max_length=100, blank=True)
    # Occupation (column 6, 9)
    occupation_before = models.CharField(_("occupation before joining"), max_length=200, blank=True)
    occupation = models.CharField(_("occupation now"), max_length=200, blank=True)
    workplace = models.CharField(_("workplace"), max_length=200, blank=True)
    job_title = models.CharField(_("post"), max_length=200, blank=True)
    service = models.CharField(
        _("army / police / retired"), max_length=10, choices=Service.choices, blank=True
    )
    # Identifiers (column 8)
    card_number = models.CharField(_("party card number"), max_length=20, blank=True)
    dossier_number = models.CharField(_("dossier number"), max_length=20, blank=True)
    badge_number = models.CharField(_("badge number"), max_length=30, blank=True)
    # Key dates (column 7; DOMAIN.md §4 "Member dates")
    youth_union_date = models.DateField(_("joined the Youth Union on"), null=True, blank=True)
    admission_decision_date = models.DateField(_("admission decision date"), null=True, blank=True)
    admission_decision_number = models.CharField(
        _("admission decision number"), max_length=50, blank=True
    )
    ceremony_date = models.DateField(_("date of joining (ceremony)"), null=True, blank=True)
    official_date = models.DateField(_("official date"), null=True, blank=True)
    confirmation_decision_date = models.DateField(
        _("confirmation decision date"), null=True, blank=True
    )
    confirmation_decision_number = models.CharField(
        _("confirmation decision number"), max_length=50, blank=True
    )
    first_admission_decision_date = models.DateField(
        _("first admission decision date"),
        null=True,
        blank=True,
        help_text=_(
            "Only for a re-admitted member: the date of the first admission decision, from "
            "which party age counts (Charter, Art. 5(4)). Declared by the member, verified by "
            "the chapter; filled in by the re-admission ceremony."
        ),
    )
    earlier_interruption_months = models.PositiveIntegerField(
        _("months of interruption before the register"),
        default=0,
        help_text=_(
            "A manual adjustment, only for interruptions before this register kept the "
            "member's movements, as verified by the chapter. Time off the roll recorded here "
            "(an exit, then a re-admission) is left out of party age automatically: do not "
            "enter it again."
        ),
    )
    note = models.TextField(_("notes"), blank=True)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_key", "sort_key"])

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["sort_key", "id"]
        constraints = [
            # One active member per citizen ID and per card: a transferred-out row may share them.
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=Q(status__in=["PROBATIONARY", "OFFICIAL"]) & ~Q(citizen_id=""),
                name="members_member_unique_active_citizen_id",
            ),
            models.UniqueConstraint(
                fields=["card_number"],
                condition=Q(status__in=["PROBATIONARY", "OFFICIAL"]) & ~Q(card_number=""),
                name="members_member_unique_active_card_number",
            ),
            models.CheckConstraint(
                condition=~Q(status="OFFICIAL") | Q(official_date__isnull=False),
                name="members_member_official_has_official_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="PROBATIONARY") | Q(confirmation_decision_date__isnull=True),
                name="members_member_probationary_not_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(official_date__isnull=True)
                | Q(ceremony_date__isnull=True)
                | Q(official_date__gt=F("ceremony_date")),
                name="members_member_official_after_ceremony",
            ),
            models.CheckConstraint(
                condition=Q(ceremony_date__isnull=True)
                | Q(admission_decision_date__isnull=True)
                | Q(ceremony_date__gte=F("admission_decision_date")),
                name="members_member_ceremony_after_decision",
            ),
        ]
        indexes = [
            # The register filters by chapter and status, then sorts by name.
            models.Index(
                fields=["chapter", "status", "sort_key"], name="members_member_register_vi"
            ),
            # A committee's register walks its members in name order, the first page stopping
            # after 50 (without it, a province's members were sorted for each page); the columns
            # it filters on are in the index, so a search ("nguyen van") is read from it alone
            # (an index-only scan on PostgreSQL; SQLite ignores INCLUDE).
            models.Index(
                fields=["sort_key", "id"],
                include=["search_key", "status", "chapter"],
                name="members_member_by_name",
            ),
            # The dashboard's temporary transfers past their planned end start from the few
            # members away now (members.transfers.overstays), not from a scan of them all.
            models.Index(
                fields=["chapter"],
                condition=models.Q(is_temporarily_out=True),
                name="members_member_away",
            ),
            # Duplicate checks and import matching look members up by these identifiers.
            models.Index(fields=["citizen_id"], name="members_member_citizen_id"),
            models.Index(fields=["card_number"], name="members_member_card_number"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("members:member-detail", args=[self.public_id])

    def clean(self) -> None:
        super().clean()
        if self.cell_id and self.chapter_id and self.cell.chapter_id != self.chapter_id:
            raise ValidationError({"cell": _("This cell belongs to another chapter.")})

    # Answers about this row -------------------------------------------------------------

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_probationary(self) -> bool:
        return self.status == self.Status.PROBATIONARY

    @property
    def is_official(self) -> bool:
        return self.status == self.Status.OFFICIAL

    @staticmethod
    def official_date_for(ceremony_date: date) -> date:
        """DOMAIN.md R15: official date = ceremony + 12 months exactly (clamped to month end)."""
        return add_months(ceremony_date, PROBATION_MONTHS)

    def probation_days_left(self, today: date | None = None) -> int | None:
        if not self.is_probationary or not self.official_date:
            return None
        return (self.official_date - (today or timezone.localdate())).days

    def status_events(self) -> list[MemberEvent]:
        """The standing ledger entries that changed the status, in date order: prefetched by
        ``MemberQuerySet.with_party_age``, else read (one query)."""
        prefetched = getattr(self, PARTY_AGE_EVENTS, None)
        if prefetched is not None:
            return prefetched
        if self.pk is None:
            return []
        return list(party_age_events().filter(member=self))

    def party_age(self, as_of: date | None = None, *, events=None) -> PartyAge | None:
        """DOMAIN.md R16, with what it counts from (``members.models.party_age``). ``events``:
        the member's standing entries when the caller has them loaded already."""
        if events is None:
            events = self.status_events()
        return compute_party_age(self, events, as_of or timezone.localdate())

    @property
    def party_age_display(self) -> str:
        """Party age today as "N years M months", "" when there is none (lists, exports)."""
        return describe_party_age(self.party_age_months())

    def party_age_months(self, as_of: date | None = None) -> int | None:
        """Party age in whole months at the end of ``as_of`` (today by default), or None when
        the member has none (not official on the roll that day): the one answer every page,
        export, report and badge list reads."""
        age = self.party_age(as_of)
        return None if age is None else age.months

    def age(self, today: date | None = None) -> int:
        return completed_months(self.date_of_birth, today or timezone.localdate()) // 12

    def can_move_to(self, status: str) -> bool:
        return status in MEMBER_TRANSITIONS.get(self.status, set())


S = Member.Status
# The one table of allowed status changes; services, buttons and tests read it.
MEMBER_TRANSITIONS: dict[str | None, set[str]] = {
    None: {S.PROBATIONARY, S.OFFICIAL},
    S.PROBATIONARY: {S.OFFICIAL, S.REMOVED_FROM_PROBATIONARY_LIST, S.TRANSFERRED_OUT, S.DECEASED},
    S.OFFICIAL: {S.TRANSFERRED_OUT, S.REMOVED, S.EXPELLED, S.LEFT, S.DECEASED},
    S.TRANSFERRED_OUT: {S.PROBATIONARY, S.OFFICIAL},
    # Re-admission (R20) on the same record, probationary again; only by the ceremony of a
    # re-admission case (members.services.member_readmit).
    S.REMOVED_FROM_PROBATIONARY_LIST: {S.PROBATIONARY},
    S.REMOVED: {S.PROBATIONARY},
    S.EXPELLED: {S.PROBATIONARY},
    S.LEFT: {S.PROBATIONARY},
    S.DECEASED: set(),
    S.ANNULLED: set(),
}


class MemberEventQuerySet(LedgerQuerySet):
    def standing(self) -> MemberEventQuerySet:
        """The entries that count: neither an annulment nor an entry annulled by one. Every
        reading of the ledger for figures, status or dates goes through this."""
        return self.exclude(kind=MemberEvent.Kind.ANNULLED).filter(annulment__isnull=True)


class MemberEvent(LedgerEntry):
    """One movement (biến động) in the append-only ledger (``chapter.ledger``): never changed,
    never deleted; note, details, annulment, recorder and time are the ledger's."""

    unchangeable = _("A movement in the ledger cannot be changed.")
    undeletable = _("A movement in the ledger cannot be deleted.")

    class Kind(models.TextChoices):
        REGISTERED = "REGISTERED", _("registered in the chapter")
        IMPORTED = "IMPORTED", _("imported from a spreadsheet")
        ADMITTED = "ADMITTED", _("admitted (ceremony)")
        READMITTED = "READMITTED", _("re-admitted (ceremony)")
        CONFIRMED = "CONFIRMED", _("confirmed as official member")
        REMOVED_FROM_PROBATIONARY_LIST = (
            "REMOVED_FROM_PROBATIONARY_LIST",
            _("removed from the probationary list"),
        )
        TRANSFERRED_IN = "TRANSFERRED_IN", _("transferred in")
        TRANSFERRED_OUT = "TRANSFERRED_OUT", _("transferred out")
        TEMPORARY_OUT = "TEMPORARY_OUT", _("temporarily transferred out")
        TEMPORARY_RETURN = "TEMPORARY_RETURN", _("returned from temporary transfer")
        MOVED_CELL = "MOVED_CELL", _("moved to another cell")
        MOVED_CHAPTER = "MOVED_CHAPTER", _("moved to another chapter by a reorganisation decision")
        EXEMPTED = "EXEMPTED", _("exempted from party work and meetings")
        EXEMPTION_ENDED = "EXEMPTION_ENDED", _("exemption ended")
        REMOVED = "REMOVED", _("removed from the roll")
        EXPELLED = "EXPELLED", _("expelled")
        LEFT = "LEFT", _("left the Party")
        DECEASED = "DECEASED", _("deceased")
        CORRECTED = "CORRECTED", _("key date corrected")
        ANNULLED = "ANNULLED", _("annulment of an entry recorded by mistake")

    class DocumentKind(models.TextChoices):
        NONE = "", _("—")
        DECISION = "DECISION", _("decision")
        RESOLUTION = "RESOLUTION", _("resolution")
        TRANSFER_LETTER = "TRANSFER_LETTER", _("transfer letter")
        CERTIFICATE = "CERTIFICATE", _("certificate")
        OTHER = "OTHER", _("other document")

    # Kinds that put a member in a cell (or none): the as-of cell is the latest of these.
    CELL_KINDS = (
        "REGISTERED",
        "IMPORTED",
        "ADMITTED",
        "READMITTED",
        "TRANSFERRED_IN",
        "MOVED_CELL",
        "MOVED_CHAPTER",
    )
    # Leaving the roll lowers both flags (services.common.leave_roll), so a member who comes
    # back by a transfer in is not still "temporarily out" or "exempted" as of a later day.
    LEAVING_KINDS = (
        "TRANSFERRED_OUT",
        "REMOVED_FROM_PROBATIONARY_LIST",
        "REMOVED",
        "EXPELLED",
        "LEFT",
        "DECEASED",
    )
    # Kinds that raise or lower a flag; the as-of flag is whether the latest one raised it.
    TEMPORARY_KINDS = ("TEMPORARY_OUT", "TEMPORARY_RETURN", *LEAVING_KINDS)
    EXEMPTION_KINDS = ("EXEMPTED", "EXEMPTION_ENDED", *LEAVING_KINDS)
    # Entries that place the record nowhere: a correction is dated the day it is typed, so a
    # transfer accepted or a merge decided later but dated before it must still decide which
    # chapter held the record (its chapter on a day is that of its latest other entry).
    UNPLACED_KINDS = ("CORRECTED",)

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="events"
    )
    # Whose ledger the entry is in: the member's chapter after it (the one left, for an exit or
    # a transfer out). The chapter of the latest entry up to a day is the member's chapter that
    # day (``MemberQuerySet.as_of``), so a transfer or a reorganisation moves one record without
    # changing what the chapters' reports of the days before say.
    chapter = models.ForeignKey(
        Chapter, verbose_name=_("chapter"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("movement"), max_length=40, choices=Kind.choices)
    effective_date = models.DateField(_("effective date"))
    from_status = models.CharField(
        _("status before"), max_length=40, choices=Member.Status.choices, blank=True
    )
    status = models.CharField(
        _("status after"),
        max_length=40,
        choices=Member.Status.choices,
        null=True,
        blank=True,
        help_text=_("Set only on movements that change the status."),
    )
    cell = models.ForeignKey(
        Cell,
        verbose_name=_("cell"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_kind = models.CharField(
        _("document"), max_length=20, choices=DocumentKind.choices, blank=True
    )
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    issuing_body = models.CharField(_("issued by"), max_length=200, blank=True)
    counterpart = models.CharField(
        _("other organisation"),
        max_length=250,
        blank=True,
        help_text=_("Where the member came from or went to."),
    )

    objects = MemberEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["effective_date", "id"]
        indexes = [
            # as_of(): the latest event of a member up to a day.
            models.Index(fields=["member", "effective_date"], name="members_event_member_date"),
            # reports: movements of a kind in a period.
            models.Index(fields=["kind", "effective_date"], name="members_event_kind_date"),
            # reports.roll: the members with an entry dated after a day (read from the ledger;
            # the others from their rows' stored state), an index-only range scan.
            models.Index(fields=["effective_date", "member"], name="members_event_after_day"),
            # reports.roll: the members who were in a chapter on a day and have left it since.
            models.Index(fields=["chapter", "member"], name="members_event_chapter"),
        ]
        constraints = [
            # An annulment points at the entry it cancels; nothing else points anywhere.
            models.CheckConstraint(
                condition=Q(kind="ANNULLED", annuls__isnull=False)
                | (~Q(kind="ANNULLED") & Q(annuls__isnull=True)),
                name="members_event_annulment_points_at_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.effective_date:%d/%m/%Y}"

    def save(self, *args, **kwargs) -> None:
        if self.chapter_id is None and self.member_id is not None:
            self.chapter_id = self.member.chapter_id
        super().save(*args, **kwargs)


# Party age reads these (members.models.party_age) -----------------------------------------

PARTY_AGE_EVENTS = "party_age_events"


def party_age_events() -> MemberEventQuerySet:
    """The standing entries that changed a status, in date order: what party age reads."""
    return (
        MemberEvent.objects.standing().filter(status__isnull=False).order_by("effective_date", "id")
    )


def party_age_prefetch() -> models.Prefetch:
    return models.Prefetch("events", queryset=party_age_events(), to_attr=PARTY_AGE_EVENTS)
