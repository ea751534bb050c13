"""Committees, chapters, cells, members, their roles and positions, and the movement ledger.

``organisation`` (committees, chapters, cells), ``member`` (the member and the ledger its status
is derived from), ``roles`` (role assignments, positions), ``imports`` (uploaded registers).
Import them from here: ``from members.models import Member``.
"""

from members.models.handover import Handover
from members.models.imports import ImportBatch
from members.models.member import (
    ALL_CHAPTERS,
    MEMBER_TRANSITIONS,
    PROBATION_MONTHS,
    Member,
    MemberEvent,
    MemberEventQuerySet,
    MemberQuerySet,
    citizen_id_validator,
)
from members.models.organisation import Cell, Chapter, Committee, PublicIdModel
from members.models.reorganisation import Reorganisation
from members.models.roles import Position, RoleAssignment

__all__ = [
    "ALL_CHAPTERS",
    "MEMBER_TRANSITIONS",
    "PROBATION_MONTHS",
    "Cell",
    "Chapter",
    "Committee",
    "Handover",
    "ImportBatch",
    "Member",
    "MemberEvent",
    "MemberEventQuerySet",
    "MemberQuerySet",
    "Position",
    "PublicIdModel",
    "Reorganisation",
    "RoleAssignment",
    "citizen_id_validator",
]
