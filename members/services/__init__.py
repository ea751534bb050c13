"""Every change of a member's status, cell or flags, and every other multi-row write.

Each public function follows STYLE.md section 2: in one transaction it locks the member row,
checks the move with ``members.checks`` (``MEMBER_TRANSITIONS`` and DOMAIN.md's rules), saves
the row (with the actor and reason handed to django-simple-history) and appends one
``MemberEvent``. A refused move raises ``TransitionNotAllowed`` or ``ValidationError`` with a
translated message and writes nothing. Cost: a handful of queries each, whatever the size of
the chapter.

The package is split by what changes (``registration``, ``movements``, ``probation``,
``annulment``, ``organisation``; ``common`` holds the shared steps); callers use
``from members import services`` and the names below. The import writes many rows at once
through the services' own halves (``unsaved_member``, ``change_details``, ``start_record``,
``event_fields``) and checks the identifiers of a whole batch at once
(``checks.identifier_conflicts``): ``members.importing.write``.
"""

from chapter.documents import Document
from members.checks import TransitionNotAllowed
from members.services.annulment import annul_refusal, latest_entry, member_annul_latest
from members.services.common import (
    CASE_FIELDS,
    CASE_KINDS,
    DETAIL_FIELDS,
    KEY_DATE_FIELDS,
    Kind,
    Movement,
    Status,
    case_of,
    event_fields,
    history_reason,
    prefetch_cases,
    start_record,
    unsaved_member,
)
from members.services.handover import (
    handover_accept,
    handover_cancel,
    handover_issue_letter,
    handover_not_arrived,
    handover_request,
)
from members.services.movements import (
    member_end_exemption,
    member_exempt,
    member_expel,
    member_leave,
    member_move_cell,
    member_record_death,
    member_remove,
    member_temporary_out,
    member_temporary_return,
    member_transfer_out,
)
from members.services.organisation import cell_save, chapter_create, role_assign, role_end
from members.services.probation import (
    member_confirm_official,
    member_remove_from_probationary_list,
)
from members.services.registration import (
    change_details,
    member_admit,
    member_correct_key_date,
    member_readmit,
    member_register,
    member_transfer_in,
    member_update_details,
    refuse_fields,
)

__all__ = [
    "CASE_FIELDS",
    "CASE_KINDS",
    "DETAIL_FIELDS",
    "KEY_DATE_FIELDS",
    "Document",
    "Kind",
    "Movement",
    "Status",
    "TransitionNotAllowed",
    "annul_refusal",
    "case_of",
    "cell_save",
    "change_details",
    "chapter_create",
    "event_fields",
    "handover_accept",
    "handover_cancel",
    "handover_issue_letter",
    "handover_not_arrived",
    "handover_request",
    "history_reason",
    "latest_entry",
    "member_admit",
    "member_annul_latest",
    "member_confirm_official",
    "member_correct_key_date",
    "member_end_exemption",
    "member_exempt",
    "member_expel",
    "member_leave",
    "member_move_cell",
    "member_readmit",
    "member_record_death",
    "member_register",
    "member_remove",
    "member_remove_from_probationary_list",
    "member_temporary_out",
    "member_temporary_return",
    "member_transfer_in",
    "member_transfer_out",
    "member_update_details",
    "prefetch_cases",
    "refuse_fields",
    "role_assign",
    "role_end",
    "start_record",
    "unsaved_member",
]
