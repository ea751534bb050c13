"""The member movements: one registry for the register pages, the member page and the admin.

Each ``Action`` names its URL slug, its title (the button, the page heading and the admin action
say the same), its icon, its form (``members.movement_forms``), the service it calls, when the
member allows it, whether it takes the member off the roll, and whether, for a member admitted
through an admission case, it is recorded on the case instead (one path to each truth: such a
member is confirmed or removed from the probationary list only by the case's steps).

What a form requires, its service checks too (``members.checks``): the registry only says which
form feeds which service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from members import services
from members.models import Member
from members.movement_forms import (
    ConfirmForm,
    DeathForm,
    EndExemptionForm,
    ExemptForm,
    LeaveRollForm,
    MoveCellForm,
    MovementForm,
    RemoveFromProbationaryListForm,
    TemporaryOutForm,
    TemporaryReturnForm,
    TransferOutForm,
)

Status = Member.Status


@dataclass(frozen=True)
class Action:
    """One movement of ``members:member-move``."""

    slug: str
    title: Promise
    icon: str  # a Bootstrap icon, its "bi-" prefix kept (chapter/icons.py finds it so)
    form_class: type[MovementForm]
    service: Callable[..., Member]
    #: does the member allow it now?
    available: Callable[[Member], bool]
    intro: Promise
    #: takes the member off the roll (shown apart, in red)
    leaves_roll: bool = False
    #: for a member admitted through an admission case, recorded by the case's step
    through_case: bool = False
    status_after: str | None = None  # for movements that change the status
    outcome: Promise | str = ""  # what changes otherwise
    #: the admin action standing for it (name, and the message once applied to N members)
    admin_name: str = ""
    admin_done: Promise | str = ""

    @property
    def danger(self) -> bool:
        return self.leaves_roll


ACTIONS_LIST: tuple[Action, ...] = (
    Action(
        "transfer-out",
        _("Transfer out"),
        "bi-box-arrow-right",
        TransferOutForm,
        services.member_transfer_out,
        lambda m: m.can_move_to(Status.TRANSFERRED_OUT),
        _(
            "The member leaves this chapter's roll for another party organisation, with the "
            "transfer letter issued by the committee."
        ),
        leaves_roll=True,
        status_after=Status.TRANSFERRED_OUT,
        admin_name="transfer_out",
        admin_done=ngettext_lazy(
            "%(count)d member transferred out.", "%(count)d members transferred out.", "count"
        ),
    ),
    Action(
        "temporary-out",
        _("Temporary transfer out"),
        "bi-box-arrow-up-right",
        TemporaryOutForm,
        services.member_temporary_out,
        lambda m: m.is_active and not m.is_temporarily_out,
        _(
            "The member stays on this chapter's roll but attends another organisation for a "
            "while (3 months to under a year; study up to 2 years)."
        ),
        outcome=_("Temporarily transferred out: not counted in the vote base until return."),
    ),
    Action(
        "temporary-return",
        _("Return from temporary transfer"),
        "bi-box-arrow-in-down-left",
        TemporaryReturnForm,
        services.member_temporary_return,
        lambda m: m.is_active and m.is_temporarily_out,
        _("The member is back and attends this chapter's meetings again."),
        outcome=_("Back from temporary transfer: counted in the vote base again."),
    ),
    Action(
        "move-cell",
        _("Move to another cell"),
        "bi-arrow-left-right",
        MoveCellForm,
        services.member_move_cell,
        lambda m: m.is_active,
        _("Only cells of this chapter can be chosen."),
        outcome=_("In the new cell from the date given."),
    ),
    Action(
        "exempt",
        _("Exempt from party work and meetings"),
        "bi-pause-circle",
        ExemptForm,
        services.member_exempt,
        lambda m: m.is_active and not m.is_exempted,
        _(
            "The chapter decides on the member's written or spoken request. An exempted "
            "member stays on the roll and is not rated."
        ),
        outcome=_("Exempted from party work and meetings."),
    ),
    Action(
        "end-exemption",
        _("End the exemption"),
        "bi-play-circle",
        EndExemptionForm,
        services.member_end_exemption,
        lambda m: m.is_active and m.is_exempted,
        _("The member takes part in party work and meetings again."),
        outcome=_("No longer exempted."),
        admin_name="end_exemption",
        admin_done=ngettext_lazy(
            "Exemption ended for %(count)d member.",
            "Exemption ended for %(count)d members.",
            "count",
        ),
    ),
    Action(
        "confirm",
        _("Confirm as official member"),
        "bi-patch-check",
        ConfirmForm,
        services.member_confirm_official,
        # A transferred-out member may also become official again, but by a transfer in.
        lambda m: m.is_probationary and m.can_move_to(Status.OFFICIAL),
        _("Record the competent committee's decision recognising the member as official."),
        through_case=True,
        status_after=Status.OFFICIAL,
        admin_name="confirm_official",
        admin_done=ngettext_lazy(
            "%(count)d member confirmed as official.",
            "%(count)d members confirmed as official.",
            "count",
        ),
    ),
    Action(
        "remove-from-probationary-list",
        _("Remove from the probationary list"),
        "bi-x-circle",
        RemoveFromProbationaryListForm,
        services.member_remove_from_probationary_list,
        lambda m: m.can_move_to(Status.REMOVED_FROM_PROBATIONARY_LIST),
        _(
            "The member did not qualify at the end of probation. Probation is never extended; "
            "the competent committee decides."
        ),
        leaves_roll=True,
        through_case=True,
        status_after=Status.REMOVED_FROM_PROBATIONARY_LIST,
    ),
    Action(
        "remove",
        _("Remove from the roll"),
        "bi-person-dash",
        LeaveRollForm,
        services.member_remove,
        lambda m: m.can_move_to(Status.REMOVED),
        _("An administrative removal (xóa tên), decided by the competent committee."),
        leaves_roll=True,
        status_after=Status.REMOVED,
    ),
    Action(
        "expel",
        _("Expel"),
        "bi-person-x",
        LeaveRollForm,
        services.member_expel,
        lambda m: m.can_move_to(Status.EXPELLED),
        _("A disciplinary sanction (khai trừ), decided by the competent committee."),
        leaves_roll=True,
        status_after=Status.EXPELLED,
    ),
    Action(
        "leave",
        _("Record leaving the Party"),
        "bi-door-open",
        LeaveRollForm,
        services.member_leave,
        lambda m: m.can_move_to(Status.LEFT),
        _("The member leaves the Party at their own request."),
        leaves_roll=True,
        status_after=Status.LEFT,
    ),
    Action(
        "death",
        _("Record death"),
        "bi-flower1",
        DeathForm,
        services.member_record_death,
        lambda m: m.can_move_to(Status.DECEASED),
        _("The member passed away. They stay in the register's history."),
        leaves_roll=True,
        status_after=Status.DECEASED,
        admin_name="record_death",
        admin_done=ngettext_lazy(
            "%(count)d member recorded as deceased.",
            "%(count)d members recorded as deceased.",
            "count",
        ),
    ),
)

# slug -> action, in the order the buttons are shown.
ACTIONS: dict[str, Action] = {action.slug: action for action in ACTIONS_LIST}
ACTION_SLUGS: tuple[str, ...] = tuple(ACTIONS)
# The movements the admin offers as list actions, by admin action name.
ADMIN_ACTIONS: dict[str, Action] = {a.admin_name: a for a in ACTIONS_LIST if a.admin_name}


def available_actions(member: Member) -> list[str]:
    """The action slugs ``members:member-move`` accepts for this member now, in button order."""
    return [action.slug for action in ACTIONS_LIST if action.available(member)]


def case_step_url(member: Member, slug: str) -> str | None:
    """The URL of the case's step standing for the movement, or None if the register records it."""
    action = ACTIONS.get(slug)
    case = services.case_of(member) if action is not None and action.through_case else None
    if case is None:
        return None
    if slug == "confirm":
        step = "confirm" if case.stage == "CONFIRMATION_VOTED" else "confirmation-vote"
    else:
        step = "not-confirm"
    return reverse("admissions:candidate-step", args=[case.public_id, step])


def action_url(member: Member, slug: str) -> str:
    """Where a movement button leads: the register's movement, or the case's step."""
    return case_step_url(member, slug) or reverse(
        "members:member-move", args=[member.public_id, slug]
    )


def buttons(member: Member) -> list[tuple[Action, str]]:
    """The member page's movement buttons: each available action with where it leads."""
    return [(ACTIONS[slug], action_url(member, slug)) for slug in available_actions(member)]
