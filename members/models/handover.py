"""A transfer between two chapters that both keep their records here, as one handover
(DOMAIN.md R22, R23; Quy định 294-QĐ/TW, mục 6): one row from the sending chapter's request to
the receiving chapter's acceptance, on the member's one record.

- **Permanent** (chuyển sinh hoạt đảng chính thức): the sending secretary asks
  (``REQUESTED``: a transfer letter for the committee to issue) or records the letter already
  issued; from the letter's date the member is off the sending roll (a ``TRANSFERRED_OUT``
  entry in the sending chapter's ledger) and an **arrival awaiting acceptance** at the receiving
  chapter (``SENT``), with 30 working days to present the letter. The receiving secretary
  accepts (``ACCEPTED``: the same record joins the roll and a cell there, a ``TRANSFERRED_IN``
  entry in the receiving chapter's ledger) or reports that the member has not arrived
  (``NOT_ARRIVED``: the handover goes back to the sending chapter, which decides).
- **Temporary** (chuyển sinh hoạt đảng tạm thời): the member stays on the sending (home)
  roll, temporarily away (``TEMPORARY_OUT``); the host chapter acknowledges the arrival
  (``ACCEPTED``) and lists the member apart from its own roll until the return (``ENDED``, the
  home chapter's ``TEMPORARY_RETURN``), flagged once the planned end has passed.

The state changes only through ``members.services.handover``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models.member import Member, MemberEvent
from members.models.organisation import Cell, Chapter, PublicIdModel


class HandoverQuerySet(models.QuerySet):
    def open(self) -> HandoverQuerySet:
        return self.filter(Handover.OPEN)

    def arriving_at(self, chapter_ids) -> HandoverQuerySet:
        """Permanent arrivals addressed to these chapters, not yet accepted or refused."""
        return self.filter(
            to_chapter_id__in=chapter_ids, state=Handover.State.SENT, kind=Handover.Kind.PERMANENT
        )


class Handover(PublicIdModel):
    class Kind(models.TextChoices):
        PERMANENT = "PERMANENT", _("permanent transfer")
        TEMPORARY = "TEMPORARY", _("temporary transfer")

    class State(models.TextChoices):
        REQUESTED = "REQUESTED", _("transfer letter to issue")
        SENT = "SENT", _("awaiting acceptance")
        ACCEPTED = "ACCEPTED", _("accepted")
        NOT_ARRIVED = "NOT_ARRIVED", _("not arrived, returned to the sending chapter")
        ENDED = "ENDED", _("returned to the home chapter")
        CANCELLED = "CANCELLED", _("cancelled")

    # A member has at most one handover under way: a letter to issue or to present, or a
    # temporary stay not yet ended.
    OPEN = Q(state__in=["REQUESTED", "SENT"]) | Q(kind="TEMPORARY", state="ACCEPTED")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="handovers"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    from_chapter = models.ForeignKey(
        Chapter,
        verbose_name=_("sending chapter"),
        on_delete=models.PROTECT,
        related_name="departures",
    )
    to_chapter = models.ForeignKey(
        Chapter,
        verbose_name=_("receiving chapter"),
        on_delete=models.PROTECT,
        related_name="arrivals",
    )
    requested_on = models.DateField(_("requested on"))
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    change_date = models.DateField(
        _("date of the change of job or residence"), null=True, blank=True
    )
    temporary_kind = models.CharField(_("kind of temporary transfer"), max_length=10, blank=True)
    until = models.DateField(_("planned end"), null=True, blank=True)
    letter_number = models.CharField(_("transfer letter number"), max_length=50, blank=True)
    letter_date = models.DateField(_("transfer letter date"), null=True, blank=True)
    issuing_body = models.CharField(_("issued by"), max_length=200, blank=True)
    presented_on = models.DateField(_("letter presented on"), null=True, blank=True)
    cell = models.ForeignKey(
        Cell,
        verbose_name=_("cell at the receiving chapter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    note = models.TextField(_("notes"), blank=True)
    out_event = models.ForeignKey(
        MemberEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    in_event = models.ForeignKey(
        MemberEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = HandoverQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transfer between chapters")
        verbose_name_plural = _("transfers between chapters")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(state__in=["REQUESTED", "SENT"])
                | Q(kind="TEMPORARY", state="ACCEPTED"),
                name="members_handover_one_open",
            ),
            models.CheckConstraint(
                condition=~Q(from_chapter=models.F("to_chapter")),
                name="members_handover_two_chapters",
            ),
        ]
        indexes = [
            models.Index(fields=["to_chapter", "state"], name="members_handover_to"),
            models.Index(fields=["from_chapter", "state"], name="members_handover_from"),
            models.Index(fields=["state", "kind"], name="members_handover_state"),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.to_chapter}"
