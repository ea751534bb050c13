"""Which movements a member currently allows, by URL action slug.

The one rule shared by the detail page (which buttons to show) and the movement views (which
actions to refuse). Status moves read ``MEMBER_TRANSITIONS`` through ``Member.can_move_to``;
the temporary-transfer and exemption actions read the member's flags.
"""

from collections.abc import Callable

from django.urls import reverse

from members.models import Member, MemberEvent
from members.services import annul_refusal, case_of

Status = Member.Status

# slug -> does the member allow it now? In the order the buttons are shown.
_RULES: tuple[tuple[str, Callable[[Member], bool]], ...] = (
    ("transfer-out", lambda m: m.can_move_to(Status.TRANSFERRED_OUT)),
    ("temporary-out", lambda m: m.is_active and not m.is_temporarily_out),
    ("temporary-return", lambda m: m.is_active and m.is_temporarily_out),
    ("move-cell", lambda m: m.is_active),
    ("exempt", lambda m: m.is_active and not m.is_exempted),
    ("end-exemption", lambda m: m.is_active and m.is_exempted),
    # A transferred-out member may also become official again, but by a transfer in.
    ("confirm", lambda m: m.is_probationary and m.can_move_to(Status.OFFICIAL)),
    (
        "remove-from-probationary-list",
        lambda m: m.can_move_to(Status.REMOVED_FROM_PROBATIONARY_LIST),
    ),
    ("remove", lambda m: m.can_move_to(Status.REMOVED)),
    ("expel", lambda m: m.can_move_to(Status.EXPELLED)),
    ("leave", lambda m: m.can_move_to(Status.LEFT)),
    ("death", lambda m: m.can_move_to(Status.DECEASED)),
)

ACTION_SLUGS: tuple[str, ...] = tuple(slug for slug, _rule in _RULES)


def available_actions(member: Member) -> list[str]:
    """The action slugs ``members:member-move`` accepts for this member now, in button order."""
    return [slug for slug, allows in _RULES if allows(member)]


# One path to each truth: for a member admitted through an admission case, probation ends on the
# case. These actions lead to the case's step instead (by the case's stage for confirmation).
CASE_ACTIONS = ("confirm", "remove-from-probationary-list")


def case_step_url(member: Member, action: str) -> str | None:
    """The URL of the case's step standing for ``action``, or None if the register records it."""
    case = case_of(member) if action in CASE_ACTIONS else None
    if case is None:
        return None
    if action == "confirm":
        step = "confirm" if case.stage == "CONFIRMATION_VOTED" else "confirmation-vote"
    else:
        step = "not-confirm"
    return reverse("admissions:candidate-step", args=[case.public_id, step])


def action_url(member: Member, action: str) -> str:
    """Where a movement button leads: the register's movement, or the case's step."""
    return case_step_url(member, action) or reverse(
        "members:member-move", args=[member.public_id, action]
    )


def timeline(member: Member) -> list[MemberEvent]:
    """The member's ledger, newest first, each entry with what annuls it or what it annuls
    (one query)."""
    return list(
        member.events.select_related("actor", "cell", "annuls", "annulment").order_by(
            "-effective_date", "-id"
        )
    )


def annullable_entry(member: Member, events: list[MemberEvent]) -> MemberEvent | None:
    """The entry of ``timeline(member)`` the register may annul now (services.latest_entry,
    read from the loaded list), or None when there is none or only the case may annul it."""
    standing = [e for e in events if not e.is_annulment and getattr(e, "annulment", None) is None]
    latest = max(standing, key=lambda e: e.pk, default=None)
    if latest is None or annul_refusal(member, latest):
        return None
    return latest
