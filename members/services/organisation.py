"""The chapter's organisation: chapters, cells and role assignments."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chapter.errors import field_error
from members.models import Cell, Chapter, Committee, Member, MemberEvent, RoleAssignment

Kind = MemberEvent.Kind
Status = Member.Status


# Organisation -----------------------------------------------------------------------------


@transaction.atomic
def chapter_create(
    *, committee: Committee, name: str, founded_on: date, actor, **extra: Any
) -> Chapter:
    chapter = Chapter(committee=committee, name=name, founded_on=founded_on, **extra)
    chapter.full_clean()
    chapter._history_user = actor
    chapter.save()
    return chapter


@transaction.atomic
def cell_save(
    *,
    chapter: Chapter,
    name: str,
    actor,
    cell: Cell | None = None,
    leader: Member | None = None,
    deputy_leader: Member | None = None,
) -> Cell:
    """Create or rename a cell and set its leader and deputy (members of its chapter)."""
    for role, person in (("leader", leader), ("deputy_leader", deputy_leader)):
        if person is not None and (person.chapter_id != chapter.pk or not person.is_active):
            raise field_error(
                {role: _("The cell leader must be a member on this chapter's roll.")},
                code="leader_not_member",
            )
    if leader is not None and leader == deputy_leader:
        raise field_error(
            {"deputy_leader": _("The deputy cannot be the leader too.")}, code="same_person"
        )
    if cell is None:
        cell = Cell(chapter=chapter)
    elif cell.chapter_id != chapter.pk:
        raise ValidationError(_("This cell belongs to another chapter."), code="cell_chapter")
    cell.name, cell.leader, cell.deputy_leader = name.strip(), leader, deputy_leader
    if Cell.objects.filter(chapter=chapter, name__iexact=cell.name).exclude(pk=cell.pk).exists():
        raise field_error(
            {"name": _("The chapter already has a cell with this name.")}, code="duplicate"
        )
    cell._history_user = actor
    cell.save()
    return cell


@transaction.atomic
def role_assign(
    *,
    user,
    role: str,
    start_date: date,
    actor,
    chapter: Chapter | None = None,
    cell: Cell | None = None,
    committee: Committee | None = None,
    member: Member | None = None,
) -> RoleAssignment:
    """Give a user a role in one unit from a date. A cell leader role also makes the member the
    cell's leader."""
    assignment = RoleAssignment(
        user=user,
        role=role,
        start_date=start_date,
        chapter=chapter,
        cell=cell,
        committee=committee,
        member=member,
    )
    assignment.full_clean()
    current = RoleAssignment.objects.filter(
        user=user, role=role, chapter=chapter, cell=cell, committee=committee, end_date__isnull=True
    )
    if current.exists():
        raise ValidationError(_("This user already holds this role here."), code="duplicate")
    assignment._history_user = actor
    assignment.save()
    if (
        role == RoleAssignment.Role.CELL_LEADER
        and member is not None
        and cell.leader_id != member.pk
    ):
        cell_save(
            chapter=cell.chapter,
            cell=cell,
            name=cell.name,
            actor=actor,
            leader=member,
            deputy_leader=None if cell.deputy_leader_id == member.pk else cell.deputy_leader,
        )
    return assignment


@transaction.atomic
def role_end(*, assignment_id: int, end_date: date, actor) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment_id)
    if assignment.end_date is not None:
        raise ValidationError(_("This role has already ended."), code="already_ended")
    if end_date < assignment.start_date:
        raise field_error({"end_date": _("The end must be after the start.")}, code="dates_order")
    assignment.end_date = end_date
    assignment._history_user = actor
    assignment.save(update_fields=["end_date", "updated_at"])
    return assignment
