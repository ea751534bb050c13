"""What the dashboard (``/``) shows for the user's scope today, each number with its link.

A fixed number of queries whatever the size of the scope: the roll counts with the roll by
child unit of the committee tree, by chapter or by cell (``queries.roll_and_units``: one grouped
query and the names; never a list of every chapter), this year's movements (one GROUP BY),
admissions per quarter (one aggregate), candidates by stage (one GROUP BY) and the first
due-soon deadlines with their count (``admissions.queries.due_soon``: two queries on the stored
due dates).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from admissions import access as admissions_access
from admissions.forms import BEFORE_CEREMONY
from admissions.models import BOARD_STAGES, Candidate
from admissions.queries import due_soon
from chapter.dates import format_date
from members import access
from members.models import Member
from members.transfers import overstays
from ratings.badges import badge_list
from reports import charts, figures, queries, stored

YEAR_FIGURES = ("admitted", "confirmed", "transferred_in", "transferred_out")


def _people(figure: str, **params: Any) -> str:
    query = {key: str(value) for key, value in params.items()}
    return f"{reverse('reports:people')}?{urlencode({**query, 'figure': figure})}"


def _quarter_label(first: date) -> str:
    return _("Q%(quarter)d %(year)d") % {"quarter": (first.month - 1) // 3 + 1, "year": first.year}


def summary(user, today: date) -> dict[str, Any]:
    scope = access.members_visible_to(user)
    visible = access.chapters_visible_to(user).order_by("name")
    chapters = list(visible[: queries.MAX_LISTED_CHAPTERS + 1])
    chapter_count = len(chapters)
    if chapter_count > queries.MAX_LISTED_CHAPTERS:
        chapter_count = visible.count()
    tops = queries.unit_tops(user)
    # An officer's whole subtrees of many chapters: their stored figures answer
    # (reports.figures); anyone else's scope is counted live.
    many = chapter_count > queries.MAX_LISTED_CHAPTERS
    subtrees = stored.Subtrees(tops) if many and figures.applies(access.reach_of(user)) else None
    counts, units = queries.roll_and_units(
        scope, today, chapter_count=chapter_count, units=tops, stored=subtrees or False
    )
    if subtrees:
        year = subtrees.in_period(date(today.year, 1, 1), today)
        quarters = subtrees.admissions_by_quarter(today)
    else:
        year = queries.in_period(scope, date(today.year, 1, 1), today)
        quarters = queries.admissions_by_quarter(scope, today)
    return {
        "scope_label": _scope_label(user, chapters, chapter_count),
        "today": today,
        "roll": _roll(counts, today),
        **_units(units, today),
        "ages": charts.bars(
            (capfirst(str(label)), counts[f"age:{band}"], _people("age", as_of=today, value=band))
            for band, label in queries.AGE_BAND_CHOICES
        ),
        "sexes": [
            (capfirst(str(label)), counts[f"sex:{value}"], _people("sex", as_of=today, value=value))
            for value, label in Member.Gender.choices
        ],
        "year_start": year.start,
        "year": [
            (
                queries.figure_title(f),
                year.counts[f],
                _people(f, **{"from": year.start, "to": today}),
            )
            for f in YEAR_FIGURES
        ],
        "quarters": _quarters(quarters),
        **_pipeline(user, today, subtrees),
        "deadlines": due_soon(user, today),
        # Temporary transfers past their planned end (R23; members.transfers): one query.
        "overstays": overstays(scope, today),
        "report_url": reverse("reports:report"),
        **_badges(scope, today, count=chapter_count <= queries.MAX_LISTED_CHAPTERS),
    }


def _badges(scope, today: date, *, count: bool) -> dict[str, Any]:
    """Members due a Party badge next year (R26; ``ratings.badges``): two queries, or none and
    only the link for a scope of many chapters (the list computes each member's party age)."""
    year = today.year + 1
    return {
        "badge_year": year,
        "badge_count": badge_list(scope, year).total if count else None,
        "badge_url": f"{reverse('ratings:badges')}?{urlencode({'year': year})}",
    }


def _roll(counts: dict[str, int], today: date) -> list[tuple[str, int, str, str]]:
    """(label, number, link, style) cards for the roll today."""
    styles = {"on_roll": "danger", "official": "success", "probationary": "warning"}
    return [
        (queries.figure_title(f), counts[f], _people(f, as_of=today), styles[f]) for f in styles
    ]


def _scope_label(user, chapters: list, chapter_count: int) -> str:
    if chapter_count > len(chapters) and not access.reach_of(user).is_superuser:
        return ngettext("%(count)d chapter", "%(count)d chapters", chapter_count) % {
            "count": chapter_count
        }
    return access.describe_scope(user, chapters)


UNIT_TITLES = {
    "by_unit": gettext_lazy("Members by unit"),
    "by_chapter": gettext_lazy("Members by chapter"),
    "by_cell": gettext_lazy("Members by cell"),
}


def _units(breakdown: queries.Breakdown, today: date) -> dict[str, Any]:
    """Members by child unit of the officer's committees (each bar links to the unit's page),
    by chapter for a user who sees a few, by cell for one chapter."""
    bars = charts.bars(
        (
            row.label,
            row.count,
            row.url or _people(breakdown.figure, as_of=today, value=row.value),
        )
        for row in breakdown.rows
    )
    return {
        "cells": bars,
        "cells_title": str(UNIT_TITLES[breakdown.figure]),
        "cells_more": breakdown.more,
    }


def _quarters(rows) -> list[charts.Bar]:
    return charts.bars(
        (
            _quarter_label(first),
            count,
            _people("admitted", **{"from": first, "to": last}),
            _("Admitted from %(start)s to %(end)s")
            % {"start": format_date(first), "end": format_date(last)},
        )
        for first, last, count in rows
    )


def _pipeline(user, today: date, subtrees: stored.Subtrees | None = None) -> dict[str, Any]:
    """Open cases before the ceremony, by stage, in the pipeline's order: one GROUP BY query.

    A case past the ceremony (probation, confirmation vote) is a probationary member, already
    counted on the roll's "probationary" card: counting it here too would count it twice.
    """
    if subtrees:
        by_stage = stored.by_stage(subtrees.cases(today).total, "b")
    else:
        rows = (
            admissions_access.candidates_visible_to(user)
            .open()
            .filter(member__isnull=True)
            .order_by()
            .values("stage")
            .annotate(n=Count("pk"))
        )
        by_stage = {row["stage"]: row["n"] for row in rows}
    listing = reverse("admissions:candidate-list")
    stages = charts.bars(
        (
            capfirst(str(Candidate.Stage(stage).label)),
            by_stage[stage],
            f"{listing}?{urlencode({'stage': stage})}",
        )
        for stage in BOARD_STAGES
        if by_stage.get(stage)
    )
    return {
        "stages": stages,
        "candidates_open": sum(by_stage.values()),
        "candidates_url": f"{listing}?{urlencode({'stage': BEFORE_CEREMONY})}",
    }
