"""Reorganising chapters by a committee's decision (issue #15 item 3; Điều lệ Đảng, Điều 10 and 11):
merge chapters, split one, move cells to another chapter, move chapters to another committee.

Each operation is ONE transaction and writes in bulk (a fixed number of queries whatever the
number of members): the ``Reorganisation`` row, one ``MOVED_CHAPTER`` entry per member who moves
(in the new chapter's ledger, dated the decision date, the decision as its document, the chapter
left as its counterpart), the members' rows with their history, the cells, the chapters, the
roles ended and the open admission cases that follow their chapter. Only records ON THE ROLL
(probationary or official) move: a record off the roll (transferred out, removed, deceased…)
stays in the chapter it left, whose ledger and reports keep it. A report of a day before the
decision still shows the old structure, since the chapter of a member on a day is the one whose
ledger held their latest entry (``MemberQuerySet.as_of``).

A transfer under way (a letter to issue, an arrival not yet accepted) is refused: the user
settles it first. A temporary stay under way follows the member (home chapter) or the host.

``preview=True`` runs the whole operation and rolls it back: the summary says exactly what
would move (the confirmation page).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from members.models import Cell, Chapter, Committee
from members.services.reorganisation_steps import (
    Decision,
    Kind,
    Run,
    active_members,
    check_authority,
    check_chapters,
    check_decision,
    check_handovers,
    check_latest_movements,
    cite,
    locked_chapters,
    open_cells,
    refuse,
    run_once,
)

__all__ = [
    "Decision",
    "reorganise_merge",
    "reorganise_move_cells",
    "reorganise_move_chapters",
    "reorganise_split",
]


# Merge ------------------------------------------------------------------------------------------


def reorganise_merge(
    decision: Decision, *, sources: Sequence[Chapter], target: Chapter, actor, preview=False
):
    """Merge ``sources`` into ``target`` (sáp nhập chi bộ): every member ON THE ROLL of the
    sources moves to the target with one MOVED_CHAPTER entry (records off the roll stay where
    they are); each open cell of a source becomes a new cell of the target with the same name
    (suffixed with the old chapter's name when taken), its members in it; the old cells close;
    the sources are dissolved, their roles and their cells' roles end on the decision date;
    their open admission cases move to the target. Returns the ``Reorganisation`` (or, with
    ``preview``, its summary, nothing written)."""
    return run_once(_merge, decision, sources=sources, target=target, actor=actor, preview=preview)


def _merge(decision, *, sources, target, actor, preview):
    check_decision(decision)
    if not sources:
        raise refuse(_("Choose the chapters to merge."), "required", "sources")
    if target.pk in {s.pk for s in sources}:
        raise refuse(
            cite(_("The chapter they merge into cannot be one of the merged chapters.")),
            "target_is_source",
            "target",
        )
    if len({s.pk for s in sources}) != len(sources):
        raise refuse(_("A chapter is chosen twice."), "duplicate", "sources")
    sources = locked_chapters(sources)
    (target,) = locked_chapters([target])
    check_authority(actor, decision, [*sources, target])
    check_chapters(decision, sources, role="sources")
    check_chapters(decision, [target], role="target")
    members = active_members(Q(chapter__in=sources))
    check_latest_movements(decision, members)
    check_handovers(sources, members, dissolved=sources)
    run = Run(Kind.MERGE, decision, actor)
    run.touch(*sources, target)
    run.summary["chapters"] = [s.name for s in sources]
    run.summary["target"] = target.name
    cells = open_cells(sources)
    new = run.new_cells([(cell, target) for cell in cells], {m.pk: target.pk for m in members})
    run.move_members([(m, target, new.get(m.cell_id)) for m in members])
    run.end_roles(chapters=sources, cells=cells)
    for source in sources:
        run.move_cases(source, target, new, every=True)
    run.move_stays({m.pk: target for m in members}, {s.pk: target for s in sources})
    run.dissolve(sources)
    return run.finish(preview)


# Move cells ------------------------------------------------------------------------------------


def reorganise_move_cells(
    decision: Decision, *, cells: Sequence[Cell], target: Chapter, actor, preview=False
):
    """Move chosen cells of one or more chapters to ``target`` (điều chuyển tổ đảng), as a merge
    does for those cells only: their members on the roll move with one MOVED_CHAPTER entry each
    into a new cell of the same name, the old cells close, their leaders' roles end, their open
    admission cases follow. The chapters they leave stay."""
    return run_once(_move_cells, decision, cells=cells, target=target, actor=actor, preview=preview)


def _move_cells(decision, *, cells, target, actor, preview):
    check_decision(decision)
    if not cells:
        raise refuse(_("Choose the cells to move."), "required", "cells")
    cells = list(
        Cell.objects.select_related("chapter__committee").filter(pk__in=[c.pk for c in cells])
    )
    (target,) = locked_chapters([target])
    sources = locked_chapters({cell.chapter_id: cell.chapter for cell in cells}.values())
    if target.pk in {s.pk for s in sources}:
        raise refuse(
            cite(_("These cells are in this chapter already.")), "target_is_source", "target"
        )
    closed = [cell.name for cell in cells if cell.closed_on is not None]
    if closed:
        raise refuse(
            _("These cells are closed: %(names)s.") % {"names": ", ".join(closed)},
            "cell_closed",
            "cells",
        )
    check_authority(actor, decision, [*sources, target])
    check_chapters(decision, sources, role="cells")
    check_chapters(decision, [target], role="target")
    members = active_members(Q(cell__in=cells))
    check_latest_movements(decision, members)
    check_handovers(sources, members)
    run = Run(Kind.MOVE_CELLS, decision, actor)
    run.touch(*sources, target)
    run.summary["chapters"] = [s.name for s in sources]
    run.summary["target"] = target.name
    new = run.new_cells([(cell, target) for cell in cells], {m.pk: target.pk for m in members})
    run.move_members([(m, target, new[m.cell_id]) for m in members])
    run.end_roles(cells=cells)
    for source in sources:
        run.move_cases(source, target, new, every=False)
    run.move_stays({m.pk: target for m in members}, {})
    return run.finish(preview)


# Split -----------------------------------------------------------------------------------------


def reorganise_split(
    decision: Decision,
    *,
    source: Chapter,
    parts: Sequence[tuple[str, Sequence[Cell]]],
    keep_source: bool,
    no_cell_part: int | None = None,
    actor,
    preview=False,
):
    """Split ``source`` (chia tách chi bộ): each part is a new chapter under the source's
    committee (founded on the decision date by the decision) with the chosen cells, whose
    members on the roll move as in a merge. Members without a cell go to part ``no_cell_part``
    (an index into ``parts``) when one is named. Without ``keep_source`` every open cell must be
    given away (and, if it has members without a cell, a part named for them): the source is
    then dissolved."""
    return run_once(
        _split,
        decision,
        source=source,
        parts=parts,
        keep_source=keep_source,
        no_cell_part=no_cell_part,
        actor=actor,
        preview=preview,
    )


def _split(decision, *, source, parts, keep_source, no_cell_part, actor, preview):
    check_decision(decision)
    parts = [(name.strip(), list(cells)) for name, cells in parts if name.strip()]
    if not parts:
        raise refuse(_("Name at least one new chapter."), "required", "parts")
    (source,) = locked_chapters([source])
    check_authority(actor, decision, [source])
    check_chapters(decision, [source], role="source")
    available = {cell.pk: cell for cell in open_cells([source])}
    given: dict[int, int] = {}
    for index, (_name, cells) in enumerate(parts):
        for cell in cells:
            if cell.pk not in available:
                raise refuse(
                    _("%(cell)s is not an open cell of %(chapter)s.")
                    % {"cell": cell.name, "chapter": source.name},
                    "cell_chapter",
                    "parts",
                )
            if cell.pk in given:
                raise refuse(
                    _("%(cell)s is given to two new chapters.") % {"cell": cell.name},
                    "duplicate",
                    "parts",
                )
            given[cell.pk] = index
    if no_cell_part is not None and not 0 <= no_cell_part < len(parts):
        raise refuse(_("Choose a new chapter for the members without a cell."), "invalid", "parts")
    members = active_members(Q(chapter=source))
    cases = Chapter._meta.get_field("candidates").related_model._default_manager
    without_cell = any(m.cell_id is None for m in members) or (
        cases.filter(chapter=source, cell__isnull=True).open().exists()
    )
    if not keep_source:
        kept = [cell.name for pk, cell in available.items() if pk not in given]
        if kept:
            raise refuse(
                cite(
                    _("To dissolve %(chapter)s, give every cell to a new chapter: %(names)s.")
                    % {"chapter": source.name, "names": ", ".join(kept)}
                ),
                "cells_left",
                "parts",
            )
        if without_cell and no_cell_part is None:
            raise refuse(
                cite(
                    _(
                        "%(chapter)s has members or cases without a cell: choose the new "
                        "chapter they go to."
                    )
                    % {"chapter": source.name}
                ),
                "no_cell_part",
                "parts",
            )
    moving = [
        m for m in members if m.cell_id in given or (m.cell_id is None and no_cell_part is not None)
    ]
    check_latest_movements(decision, moving)
    check_handovers([source], moving, dissolved=[] if keep_source else [source])
    run = Run(Kind.SPLIT, decision, actor)
    chapters = []
    for name, _cells in parts:
        chapter = Chapter(
            committee=source.committee,
            name=name,
            kind=source.kind,
            founded_on=decision.date,
            founding_decision_number=decision.number.strip(),
            founding_decision_date=decision.date,
            founding_body=decision.issuing_body.strip(),
        )
        chapter.full_clean()
        chapter._history_user = actor
        chapter._change_reason = run.reason
        chapter.save()
        chapters.append(chapter)
        run.summary["founded"].append(name)
    run.touch(source, *chapters)
    run.summary["chapters"] = [source.name]
    going = {m.pk: chapters[given.get(m.cell_id, no_cell_part)] for m in moving}
    cells = [(available[pk], chapters[index]) for pk, index in given.items()]
    new = run.new_cells(cells, {pk: chapter.pk for pk, chapter in going.items()})
    moves = [(member, going[member.pk], new.get(member.cell_id)) for member in moving]
    run.move_members(moves)
    run.end_roles(cells=[available[pk] for pk in given])
    for index, chapter in enumerate(chapters):
        mine = {old: cell for old, cell in new.items() if given[old] == index}
        run.move_cases(source, chapter, mine, every=index == no_cell_part)
    homes = {member.pk: chapter for member, chapter, _cell in moves}
    run.move_stays(homes, {} if keep_source else {source.pk: chapters[0]})
    if not keep_source:
        run.end_roles(chapters=[source])
        run.dissolve([source])
    return run.finish(preview)


# Move chapters -----------------------------------------------------------------------------------


def reorganise_move_chapters(
    decision: Decision,
    *,
    chapters: Sequence[Chapter],
    target_committee: Committee,
    actor,
    preview=False,
):
    """Move whole chapters under another committee (chuyển chi bộ trực thuộc đảng ủy khác):
    ``Chapter.committee`` changes, with a history row giving the decision as its reason. No
    member entries: the members stay in their chapter, whose figures on any day are unchanged.
    A committee-level report of a day before the decision reads the tree as it is now (the
    chapter counts under its new committee); the chapter's own figures are right."""
    return run_once(
        _move_chapters,
        decision,
        chapters=chapters,
        target_committee=target_committee,
        actor=actor,
        preview=preview,
    )


def _move_chapters(decision, *, chapters, target_committee, actor, preview):
    check_decision(decision)
    if not chapters:
        raise refuse(_("Choose the chapters to move."), "required", "chapters")
    chapters = locked_chapters(chapters)
    check_authority(actor, decision, chapters, [target_committee])
    check_chapters(decision, chapters, role="chapters")
    already = [c.name for c in chapters if c.committee_id == target_committee.pk]
    if already:
        raise refuse(
            _("Already under %(committee)s: %(names)s.")
            % {"committee": target_committee.name, "names": ", ".join(already)},
            "same_committee",
            "target_committee",
        )
    run = Run(Kind.MOVE_CHAPTERS, decision, actor)
    run.touch(*chapters)
    now = timezone.now()
    for chapter in chapters:
        run.summary["moved_chapters"].append(
            {"chapter": chapter.name, "from": chapter.committee.name, "to": target_committee.name}
        )
        chapter.committee, chapter.updated_at = target_committee, now
    run.summary["chapters"] = [c.name for c in chapters]
    run.summary["target"] = target_committee.name
    bulk_update_with_history(
        chapters,
        Chapter,
        ["committee", "updated_at"],
        default_user=actor,
        default_change_reason=run.reason,
    )
    return run.finish(preview)
