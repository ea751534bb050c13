"""Annulment of the latest ledger entry, recorded by mistake."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chapter.dates import format_date
from members import checks
from members.checks import TransitionNotAllowed
from members.models import Cell, Chapter, Member, MemberEvent, RoleAssignment
from members.services.common import (
    CASE_KINDS,
    case_of,
    history_reason,
    lock,
)

Kind = MemberEvent.Kind
Status = Member.Status


# Annulment --------------------------------------------------------------------------------


def latest_entry(member: Member) -> MemberEvent | None:
    """The entry an annulment would cancel now: the most recently recorded one still standing
    (annulling goes back one entry at a time, in the order they were recorded)."""
    return member.events.standing().order_by("-id").first()


def annul_refusal(member: Member, event: MemberEvent, *, through_case: bool = False) -> str:
    """Why this entry cannot be annulled from the register ("" if it can). Pure except for
    ``case_of``'s one query; the detail page and the service share it."""
    if event.kind in CASE_KINDS and not through_case and case_of(member) is not None:
        return _(
            "“%(entry)s” was recorded by a step of the admission case: annul that step on the "
            "case, which annuls this entry with it."
        ) % {"entry": event.get_kind_display()}
    if event.kind == Kind.MOVED_CHAPTER:
        return _(
            "This move was made by a reorganisation decision, for every member it named: it is "
            "not annulled one member at a time (a transfer moves one member)."
        )
    return ""


@transaction.atomic
def member_annul_latest(
    *, member_id: int, actor, event_id: int, reason: str, through_case: bool = False
) -> MemberEvent:
    """Annul the member's latest entry, recorded by mistake, with a reason.

    The ledger stays append-only: one ANNULLED entry pointing at the mistaken one. Status,
    cell and flags are derived again from the entries still standing, so they, and every as-of
    figure, are what they would be without it; an annulled confirmation also clears the
    confirmation decision, an annulled correction restores the dates it changed. Annulling the
    entry that put the member on the register leaves the record ANNULLED (never on the roll),
    refused while other rows (cells, roles, cases) name the member. Only the latest standing
    entry (``latest_entry``) can be annulled, never an annulment; entries written by an
    admission case's step are annulled through the case (``through_case``).
    Locks the member row; writes the member (history with the reason) and one event.
    """
    checks.require_reason(reason)
    member = lock(member_id)
    event = member.events.filter(pk=event_id).first()
    if event is None:
        raise ValidationError(_("This entry is not in the member's ledger."), code="not_found")
    _check_annullable(member, event)
    refusal = annul_refusal(member, event, through_case=through_case)
    if refusal:
        raise TransitionNotAllowed(refusal, code="through_case_only")
    return _annul(member, event, actor=actor, reason=reason)


def _check_annullable(member: Member, event: MemberEvent) -> None:
    if event.kind == Kind.ANNULLED:
        raise ValidationError(_("An annulment cannot itself be annulled."), code="annulment")
    if MemberEvent.objects.filter(annuls=event).exists():
        raise ValidationError(_("This entry has already been annulled."), code="annulled")
    latest = latest_entry(member)
    if latest is None or latest.pk != event.pk:
        raise ValidationError(
            _(
                "Only the latest entry can be annulled (now “%(latest)s”): annul it first to go "
                "further back."
            )
            % {"latest": latest},
            code="not_latest",
        )


def _annul(member: Member, event: MemberEvent, *, actor, reason: str) -> MemberEvent:
    before = member.status
    changed = {"status", "chapter", "cell", "is_exempted", "is_temporarily_out"}
    if event.kind == Kind.CONFIRMED:
        member.confirmation_decision_date, member.confirmation_decision_number = None, ""
        changed |= {"confirmation_decision_date", "confirmation_decision_number"}
    if event.kind == Kind.CORRECTED:
        for name, (old, _new) in event.data.items():
            setattr(member, name, date.fromisoformat(old) if old else None)
            changed.add(name)
    if event.kind == Kind.READMITTED:  # the earlier admission's dates and numbers come back
        for name, old in event.data.get("earlier_admission", {}).items():
            is_date = isinstance(Member._meta.get_field(name), models.DateField)
            setattr(member, name, (date.fromisoformat(old) if old else None) if is_date else old)
            changed.add(name)
    annulment = MemberEvent.objects.create(
        member=member,
        chapter_id=event.chapter_id,
        kind=Kind.ANNULLED,
        annuls=event,
        effective_date=timezone.localdate(),
        from_status=before or "",
        note=reason,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    _derive_from_ledger(member)
    _refuse_a_closed_place(member)
    if member.status == Status.ANNULLED:
        _check_not_referenced(member)
    else:
        checks.check_key_dates(member)
        if member.is_active:
            checks.check_unique_identifiers(member)
    member._history_user = actor
    member._change_reason = history_reason(
        _("Annulled “%(entry)s”: %(reason)s")
        % {"entry": event.get_kind_display(), "reason": reason}
    )
    member.save(update_fields=[*sorted(changed), "updated_at"])
    from members.services.handover import after_annulment  # it annuls through this module

    after_annulment(event)
    return annulment


def _derive_from_ledger(member: Member) -> None:
    """Status, cell and flags as the standing entries have them at the end of time."""
    state = (
        Member.objects.filter(pk=member.pk)
        .as_of(date.max)
        .values(
            "status_on", "cell_on_id", "temporary_kind_on", "exemption_kind_on", "chapter_on_id"
        )
        .get()
    )
    if state["status_on"] is None:  # the entry that put the member on the register is gone
        member.status, member.is_temporarily_out, member.is_exempted = Status.ANNULLED, False, False
        return
    member.status = state["status_on"]
    member.chapter_id = state["chapter_on_id"]  # an annulled arrival goes back where it was
    member.cell_id = state["cell_on_id"]
    member.is_temporarily_out = state["temporary_kind_on"] == Kind.TEMPORARY_OUT
    member.is_exempted = state["exemption_kind_on"] == Kind.EXEMPTED


def _refuse_a_closed_place(member: Member) -> None:
    """An annulment must not put a member back on the roll of a chapter dissolved since, or in a
    cell closed since, by a reorganisation decision (no one there could manage the record)."""
    if not member.is_active:
        return
    chapter = Chapter.objects.get(pk=member.chapter_id)
    cell = Cell.objects.filter(pk=member.cell_id).first() if member.cell_id else None
    closed = chapter.dissolved_on or (cell.closed_on if cell else None)
    if closed is not None:
        raise TransitionNotAllowed(
            _(
                "This would put %(name)s back on the roll of %(place)s, closed on %(day)s by a "
                "reorganisation decision."
            )
            % {
                "name": member.full_name,
                "place": chapter.name if chapter.dissolved_on else cell.name,
                "day": format_date(closed),
            },
            code="closed_place",
        )


def _check_not_referenced(member: Member) -> None:
    """A record annulled as a whole must not leave a cell, a role or a case pointing at it."""
    uses = [
        (
            Cell.objects.filter(models.Q(leader=member) | models.Q(deputy_leader=member)),
            _("leads a cell"),
        ),
        (RoleAssignment.objects.filter(member=member), _("holds a role")),
        (member.helped_candidates.all(), _("helps a candidate")),
        (member.introductions.all(), _("introduced a candidate")),
        (member.mentorships.all(), _("mentors a probationary member")),
        (member.readmission_candidates.all(), _("is the former record of a re-admission case")),
    ]
    found = [str(label) for rows, label in uses if rows.exists()]
    if found:
        raise ValidationError(
            _(
                "The entry that put %(name)s on the register cannot be annulled while the record "
                "is in use: %(uses)s."
            )
            % {"name": member.full_name, "uses": ", ".join(found)},
            code="in_use",
        )
