"""Who may see and change what: the one place each role's reach is decided (DESIGN.md).

Every list, detail, export, report, htmx fragment and admin queryset starts from a function
here. Out of scope → 404; in scope but read-only → 403 (``get_member_for_user``).
"""

from dataclasses import dataclass, field
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import (
    ALL_CHAPTERS,
    Cell,
    Chapter,
    Committee,
    Handover,
    Member,
    Reorganisation,
    RoleAssignment,
)
from members.services import DETAIL_FIELDS

Role = RoleAssignment.Role


@dataclass(frozen=True)
class Reach:
    """The units a user holds a current role in, read once per request."""

    is_superuser: bool = False
    chapter_ids: frozenset[int] = field(default_factory=frozenset)  # secretary or deputy
    cell_ids: frozenset[int] = field(default_factory=frozenset)  # cell leader
    committee_ids: frozenset[int] = field(default_factory=frozenset)  # committee officer
    #: the tree paths of those committees, none under another: the officer reads each subtree
    committee_paths: tuple[str, ...] = ()
    #: every one of those committees' paths, one under another included
    own_committee_paths: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_secretary(self) -> bool:
        return bool(self.chapter_ids)

    @property
    def is_cell_leader(self) -> bool:
        return bool(self.cell_ids)

    @property
    def is_committee_officer(self) -> bool:
        return bool(self.committee_ids)

    @property
    def has_any_role(self) -> bool:
        return self.is_superuser or bool(self.chapter_ids or self.cell_ids or self.committee_ids)

    def manages(self, chapter_id: int) -> bool:
        """Secretary or deputy of the chapter (or superuser): may change all its records."""
        return self.is_superuser or chapter_id in self.chapter_ids

    def oversees(self, committee: Committee) -> bool:
        """Whether ``committee`` is one of the officer's committees or anywhere under one: the
        officer reads its chapters."""
        return committee.path.startswith(self.committee_paths) if self.committee_paths else False

    def decides_for(self, committee: Committee) -> bool:
        """Whether the officer records the committee's decisions on the cases of chapters hanging
        on ``committee`` (admission, rejection, confirmation, removal, extension): an officer of
        that committee itself, or of the committee directly above it — the directly superior
        committee (Điều lệ Đảng, Điều 4), or the committee above a grassroots committee — never
        one further up, who only reads."""
        parent_path = committee.path[: -Committee.steplen]
        return committee.pk in self.committee_ids or parent_path in self.own_committee_paths


def reach_of(user) -> Reach:
    """The user's current roles (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return Reach()
    cached = getattr(user, "_members_reach", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    rows = RoleAssignment.objects.filter(user=user, start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    chapters, cells, committees, paths = set(), set(), set(), set()
    for role, chapter_id, cell_id, committee_id, path in rows.values_list(
        "role", "chapter_id", "cell_id", "committee_id", "committee__path"
    ):
        if role in RoleAssignment.CHAPTER_ROLES:
            chapters.add(chapter_id)
        elif role == Role.CELL_LEADER:
            cells.add(cell_id)
        elif role == Role.COMMITTEE_OFFICER:
            committees.add(committee_id)
            paths.add(path)
    reach = Reach(
        user.is_superuser,
        frozenset(chapters),
        frozenset(cells),
        frozenset(committees),
        subtree_tops(paths),
        frozenset(paths),
    )
    user._members_reach = reach
    return reach


def subtree_tops(paths) -> tuple[str, ...]:
    """The paths that are not under another of them, sorted: one subtree each."""
    tops: list[str] = []
    for path in sorted(paths):
        if not tops or not path.startswith(tops[-1]):
            tops.append(path)
    return tuple(tops)


def in_subtrees(paths: tuple[str, ...], lookup: str = "path") -> Q:
    """Rows whose committee path (``lookup``) lies in one of the subtrees; none without any."""
    if not paths:
        return Q(pk__in=[])
    query = Q()
    for path in paths:
        query |= Q(**{f"{lookup}__startswith": path})
    return query


def committee_chapters(reach: Reach) -> Q:
    """Chapters anywhere under the officer's committees, at any depth (``Reach.oversees`` as a
    query on Chapter)."""
    return in_subtrees(reach.committee_paths, "committee__path")


def in_reach(reach: Reach) -> Q:
    """Rows that belong to a chapter and maybe a cell (members, candidates) the user reads:
    in their chapters, in the cells they lead, or in a chapter under their committees."""
    return (
        Q(chapter_id__in=reach.chapter_ids)
        | Q(cell_id__in=reach.cell_ids)
        | Q(chapter__in=Chapter.objects.filter(committee_chapters(reach)))
    )


def has_reach(user) -> bool:
    """Whether the user holds any role (or is a superuser): else there is nothing to show."""
    return reach_of(user).has_any_role


def chapters_visible_to(user) -> QuerySet[Chapter]:
    reach = reach_of(user)
    if reach.is_superuser:
        return Chapter.objects.all()
    # A subquery for a cell leader's chapter, not a join: no duplicates, so no DISTINCT, which
    # made the planner sort every chapter of a province before a LIMIT.
    cell_chapters = Cell.objects.filter(pk__in=reach.cell_ids).values("chapter_id")
    return Chapter.objects.filter(
        Q(pk__in=reach.chapter_ids) | committee_chapters(reach) | Q(pk__in=cell_chapters)
    )


def chapters_managed_by(user) -> QuerySet[Chapter]:
    """Chapters whose records the user may change in full: secretary or deputy (or superuser)."""
    reach = reach_of(user)
    if reach.is_superuser:
        return Chapter.objects.all()
    return Chapter.objects.filter(pk__in=reach.chapter_ids)


def cells_visible_to(user) -> QuerySet[Cell]:
    reach = reach_of(user)
    if reach.is_superuser:
        return Cell.objects.all()
    return Cell.objects.filter(
        Q(pk__in=reach.cell_ids)
        | Q(chapter_id__in=reach.chapter_ids)
        | Q(chapter__in=Chapter.objects.filter(committee_chapters(reach)))
    )


def committees_visible_to(user) -> QuerySet[Committee]:
    """Committees a user may read: a committee officer's own committees and every committee
    under them, and the committee of every chapter the user sees."""
    reach = reach_of(user)
    if reach.is_superuser:
        return Committee.objects.all()
    return Committee.objects.filter(
        in_subtrees(reach.committee_paths)
        | Q(pk__in=chapters_visible_to(user).values("committee_id"))
    )


def roles_visible_to(user) -> QuerySet[RoleAssignment]:
    """Role assignments a user may read: those held in the chapters and cells they see, and the
    officers of their own committees. Only a superuser changes them (members/admin.py)."""
    reach = reach_of(user)
    if reach.is_superuser:
        return RoleAssignment.objects.all()
    return RoleAssignment.objects.filter(
        Q(chapter__in=chapters_visible_to(user).values("pk"))
        | Q(cell__in=cells_visible_to(user).values("pk"))
        | Q(committee_id__in=reach.committee_ids)
    )


def members_visible_to(user) -> QuerySet[Member]:
    """Members whose records the user may read: secretary → their chapter, committee officer →
    chapters under the committee, cell leader → their own cell."""
    reach = reach_of(user)
    if reach.is_superuser:
        return Member.objects.in_chapters(ALL_CHAPTERS)
    members = Member.objects.filter(in_reach(reach))
    if not (reach.chapter_ids or reach.committee_paths):  # a cell leader's scope is a cell
        return members
    chapters = Chapter.objects.filter(Q(pk__in=reach.chapter_ids) | committee_chapters(reach))
    # A secretary or officer who also leads a cell: the chapters, when the cells are in them.
    outside = Cell.objects.filter(pk__in=reach.cell_ids).exclude(chapter__in=chapters)
    if reach.cell_ids and outside.exists():
        return members  # a cell elsewhere too: no chapters named (counted where held now)
    return members.in_chapters(chapters, filtered=True)


def member_names_visible_to(user) -> QuerySet[Member]:
    """Names for context (e.g. choosing a mentor): a cell leader also sees the whole chapter's."""
    reach = reach_of(user)
    if reach.is_superuser:
        return Member.objects.all()
    cell_chapters = Cell.objects.filter(pk__in=reach.cell_ids).values("chapter_id")
    return members_visible_to(user) | Member.objects.filter(chapter_id__in=cell_chapters)


def members_changeable_by(user) -> QuerySet[Member]:
    """Members whose records the user may change at all (which fields: ``fields_editable_by``)."""
    reach = reach_of(user)
    if reach.is_superuser:
        return Member.objects.all()
    # A cell leader changes the members on the roll in their cell, not those who have left it.
    return Member.objects.filter(
        Q(chapter_id__in=reach.chapter_ids)
        | Q(cell_id__in=reach.cell_ids, status__in=Member.ACTIVE_STATUSES)
    )


def can_manage_member(user, member: Member) -> bool:
    """Movements, key dates and every detail: the chapter's secretary or deputy."""
    return reach_of(user).manages(member.chapter_id)


def fields_editable_by(user, member: Member) -> tuple[str, ...]:
    if can_manage_member(user, member):
        return DETAIL_FIELDS
    if member.cell_id in reach_of(user).cell_ids and member.is_active:
        return Member.CELL_LEADER_FIELDS
    return ()


def get_member_for_user(
    user, public_id: UUID, *, change: bool = False, manage: bool = False
) -> Member:
    """The member, or 404 when out of the user's scope, or 403 when the user may only read it.

    ``change``: some fields (a cell leader's contact fields count); ``manage``: movements.
    """
    queryset = members_visible_to(user).select_related("chapter", "chapter__committee", "cell")
    member = get_object_or_404(queryset, public_id=public_id)
    if manage and not can_manage_member(user, member):
        raise PermissionDenied
    if change and not fields_editable_by(user, member):
        raise PermissionDenied
    return member


def _managed(user, chapter_id: int, manage: bool) -> None:
    """403 when ``manage`` asks for a change in a chapter the user does not manage."""
    if manage and not reach_of(user).manages(chapter_id):
        raise PermissionDenied


def get_chapter_for_user(user, public_id: UUID, *, manage: bool = False) -> Chapter:
    chapter = get_object_or_404(
        chapters_visible_to(user).select_related("committee"), public_id=public_id
    )
    _managed(user, chapter.pk, manage)
    return chapter


def get_cell_for_user(user, public_id: UUID, *, manage: bool = False) -> Cell:
    """The cell, 404 outside ``cells_visible_to`` (a cell leader: another cell, even of their own
    chapter), 403 with ``manage`` for a user who may only read it."""
    cell = get_object_or_404(cells_visible_to(user).select_related("chapter"), public_id=public_id)
    _managed(user, cell.chapter_id, manage)
    return cell


def get_role_for_user(user, pk: int, *, manage: bool = False) -> RoleAssignment:
    """A chapter's or a cell's role assignment: 404 unless the user sees its unit (a cell leader
    sees the chapter's roles, not another cell's) and for a committee officer's role (the
    administrator's business); 403 with ``manage`` for a user who may only read it."""
    visible = RoleAssignment.objects.filter(
        Q(chapter__in=chapters_visible_to(user).values("pk"))
        | Q(cell__in=cells_visible_to(user).values("pk"))
    )
    role = get_object_or_404(
        visible.select_related("user", "member", "cell__chapter", "chapter"), pk=pk
    )
    _managed(user, role.chapter_id or role.cell.chapter_id, manage)
    return role


def describe_scope(user, chapters: list[Chapter]) -> str:
    """Whose figures these are, in a few words: a chapter, a cell, or how many chapters."""
    reach = reach_of(user)
    if reach.is_superuser:
        return str(_("All chapters"))
    if reach.is_cell_leader and not (reach.is_secretary or reach.is_committee_officer):
        cells = cells_visible_to(user).select_related("chapter").order_by("name")
        return ", ".join(f"{cell.name} · {cell.chapter.name}" for cell in cells)
    if len(chapters) == 1:
        return chapters[0].name
    return ngettext("%(count)d chapter", "%(count)d chapters", len(chapters)) % {
        "count": len(chapters)
    }


def ancestors_in_reach(node: Committee, reach: Reach) -> list[Committee]:
    """The committees above ``node`` that the user reads, top first (breadcrumbs); one query,
    none at a root."""
    paths = [node.path[:end] for end in range(node.steplen, len(node.path), node.steplen)]
    if not paths:
        return []
    above = Committee.objects.filter(path__in=paths).order_by("depth")
    return [c for c in above if reach.is_superuser or reach.oversees(c)]


# Transfers between chapters (members.models.handover) -------------------------------------

# What the receiving side sees: nothing until the letter is issued (the arrival is addressed).
ADDRESSED = ("SENT", "ACCEPTED", "NOT_ARRIVED", "ENDED")


def _reach_chapters(reach: Reach) -> QuerySet[Chapter]:
    return Chapter.objects.filter(Q(pk__in=reach.chapter_ids) | committee_chapters(reach))


def handovers_visible_to(user) -> QuerySet[Handover]:
    """Transfers a user may read: from a chapter they read (its secretary, a committee officer
    above it), or addressed to one once the letter is issued. A cell leader reads none."""
    reach = reach_of(user)
    if reach.is_superuser:
        return Handover.objects.all()
    chapters = _reach_chapters(reach)
    return Handover.objects.filter(
        Q(from_chapter__in=chapters) | Q(to_chapter__in=chapters, state__in=ADDRESSED)
    )


def can_issue_letter(user, handover: Handover) -> bool:
    """The transfer letter is the committee's: an officer of the sending chapter's committee or
    of the one above it (``Reach.decides_for``); the sending secretary enters a letter issued on
    paper."""
    reach = reach_of(user)
    return (
        reach.is_superuser
        or reach.manages(handover.from_chapter_id)
        or reach.decides_for(handover.from_chapter.committee)
    )


def can_receive(user, handover: Handover) -> bool:
    """Accept the member, or say they have not come: the receiving chapter's secretary."""
    return handover.state in ADDRESSED and reach_of(user).manages(handover.to_chapter_id)


def can_withdraw(user, handover: Handover) -> bool:
    """Withdraw the transfer: the sending chapter's secretary."""
    return reach_of(user).manages(handover.from_chapter_id)


def get_handover_for_user(user, public_id: UUID) -> Handover:
    """The transfer, or 404 outside ``handovers_visible_to``."""
    queryset = handovers_visible_to(user).select_related(
        "member", "from_chapter__committee", "to_chapter__committee", "cell"
    )
    return get_object_or_404(queryset, public_id=public_id)


# Reorganisation decisions (members.models.reorganisation) ---------------------------------


def can_record_reorganisation(user) -> bool:
    """A committee officer records the decisions of their committees; a superuser any."""
    reach = reach_of(user)
    return reach.is_superuser or reach.is_committee_officer


def _prefixes(paths) -> set[str]:
    step = Committee.steplen
    return {path[:end] for path in paths for end in range(step, len(path) + 1, step)}


def reorganisations_visible_to(user) -> QuerySet[Reorganisation]:
    """Decisions a user may read: those of a committee the officer reads (their committees and
    those under them), and those of a committee above that touched a chapter the user reads
    (a secretary reads the decisions that touched their chapter; the summary lists the chapters
    touched). One query for the few decisions above, one for their chapters."""
    reach = reach_of(user)
    if reach.is_superuser:
        return Reorganisation.objects.all()
    own = Chapter.objects.filter(pk__in=reach.chapter_ids).values_list("committee__path", flat=True)
    above = (_prefixes(reach.committee_paths) - set(reach.committee_paths)) | _prefixes(own)
    touched: dict[int, set[int]] = {}
    if above:
        for pk, summary in Reorganisation.objects.filter(committee__path__in=above).values_list(
            "pk", "summary"
        ):
            touched[pk] = set((summary or {}).get("chapter_ids") or ())
    chapters = set().union(*touched.values()) if touched else set()
    if chapters:
        readable = Chapter.objects.filter(pk__in=chapters).filter(
            Q(pk__in=reach.chapter_ids) | committee_chapters(reach)
        )
        chapters = set(readable.values_list("pk", flat=True))
    shown = [pk for pk, ids in touched.items() if ids & chapters]
    return Reorganisation.objects.filter(
        in_subtrees(reach.committee_paths, "committee__path") | Q(pk__in=shown)
    )


def get_reorganisation_for_user(user, public_id: UUID) -> Reorganisation:
    """The decision, or 404 outside ``reorganisations_visible_to``."""
    queryset = reorganisations_visible_to(user).select_related("committee", "actor")
    return get_object_or_404(queryset, public_id=public_id)
