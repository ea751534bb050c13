"""Which movements a member currently allows, by URL action slug.

The one rule shared by the detail page (which buttons to show) and the movement views (which
actions to refuse). Status moves read ``MEMBER_TRANSITIONS`` through ``Member.can_move_to``;
the temporary-transfer and exemption actions read the member's flags.
"""

from collections.abc import Callable

from members.models import Member

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
