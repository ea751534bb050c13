"""The board's cards and the deadline badge as HTML, built in Python (issue 14).

A column of the board renders up to CARDS_PER_COLUMN cards, a chapter's board about a hundred:
through the template engine (an include and about twenty variable lookups, filters and
translations a card) they took half of the largest chapter's board. These functions write the
same markup as templates/admissions/_deadline_badge.html and the card of
templates/admissions/_board_cards.html (a test keeps them in step); ``format_html`` escapes
every value, nothing a user typed is marked safe. Each address differs by the case's public id
only: one ``reverse()`` a page.
"""

from __future__ import annotations

import html
from uuid import UUID

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from admissions.deadlines import Deadline
from admissions.queries import CaseRow
from chapter.dates import format_date
from chapter.icons import icon_html

_PLACEHOLDER = UUID(int=0)
_BADGE_TONES = {
    "overdue": "text-bg-danger",
    "soon": "text-bg-warning",
}
_MUTED = "bg-body-secondary text-body-secondary border"


def _esc(value) -> str:
    return html.escape(str(value))


def deadline_badge(deadline: Deadline | None, state: str, days: int | None) -> SafeString:
    """The next deadline, coloured (as _deadline_badge.html): overdue = danger, due soon =
    warning, else muted; "" without a deadline."""
    if not deadline:
        return SafeString("")
    label = capfirst(str(deadline.label))
    title = f"{label} ({deadline.source})" if deadline.source else label
    icon = icon_html("bi-exclamation-triangle-fill" if state == "overdue" else "bi-alarm")
    if state == "overdue":
        if days is None:
            late = _("overdue")
        else:
            n = abs(days)
            late = ngettext(
                "overdue by %(days)s working day", "overdue by %(days)s working days", n
            ) % {"days": n}
        after = f"· {_esc(late)}"
    elif state == "soon":
        after = "· " + _esc(
            ngettext("%(days)s working day left", "%(days)s working days left", days)
            % {"days": days}
        )
    else:
        after = ""
    consent = f"· {_esc(_('consent recorded'))}" if deadline.excused else ""
    return SafeString(
        f'<span class="badge adm-deadline {_BADGE_TONES.get(state, _MUTED)}" '
        f'title="{_esc(title)}">\n'
        f"  {icon}\n"
        f"  {_esc(label)}: {format_date(deadline.due)}\n"
        f"  {after}\n"
        f"  {consent}\n"
        f"</span>"
    )


class CardWriter:
    """The cards of one page: the texts every card shares translated and escaped once."""

    def __init__(self, *, several_chapters: bool) -> None:
        self.several_chapters = several_chapters
        self.detail = reverse("admissions:candidate-detail", args=[_PLACEHOLDER])
        self.no_cell = _esc(_("no cell"))
        self.since = _esc(_("since"))
        self.escalate = format_html(
            '\n    <div class="mt-1"><span class="badge text-bg-danger">{} {}</span></div>',
            icon_html("bi-flag-fill"),
            _("Three failed votes: escalate to the superior committee"),
        )
        self.cell_icon = icon_html("bi-diagram-2")
        self.stale = format_html(
            '\n    <div class="mt-1"><span class="badge text-bg-warning text-wrap text-start '
            'adm-stale">{} {}</span></div>',
            icon_html("bi-hourglass-bottom"),
            _("Dossier over 12 months old: redo 3-, 4-, 5-KNĐ and a supplementary check"),
        )

    def card(self, row: CaseRow, *, focus: bool = False) -> str:
        candidate = row.candidate
        classes = "card shadow-sm adm-card"
        if row.state == "overdue":
            classes += " adm-overdue"
        elif row.state == "soon":
            classes += " adm-soon"
        if row.escalate:
            classes += " adm-escalate"
        url = self.detail.replace(str(_PLACEHOLDER), str(candidate.public_id))
        cell = candidate.cell.name if candidate.cell_id else ""
        chapter = (
            f'<div class="text-truncate">{_esc(candidate.chapter.name)}</div>'
            if self.several_chapters
            else ""
        )
        badge = (
            f'<div class="mt-1">{deadline_badge(row.deadline, row.state, row.days_left)}</div>'
            if row.deadline
            else ""
        )
        return (
            f'<li class="{classes}">\n'
            f'  <div class="card-body">\n'
            f'    <a class="fw-semibold stretched-link text-decoration-none" href="{_esc(url)}"'
            f"{' autofocus' if focus else ''}>{_esc(candidate.full_name)}</a>\n"
            f'    <div class="small text-body-secondary">\n'
            f"      {self.cell_icon} "
            f"{_esc(cell) if cell else self.no_cell}\n"
            f"      {chapter}\n"
            f"    </div>\n"
            f'    <div class="small text-body-tertiary">{self.since} '
            f"{format_date(candidate.stage_since)}</div>\n"
            f"    {badge}"
            f"{self.escalate if row.escalate else ''}"
            f"{self.stale if row.stale else ''}\n"
            f"  </div>\n"
            f"</li>"
        )

    def cards(self, rows: list[CaseRow], *, focus_first: bool = False) -> SafeString:
        """The ``<li>`` of each row; the first takes the focus when asked (a "more" page)."""
        return SafeString(
            "\n".join(
                self.card(row, focus=focus_first and index == 0) for index, row in enumerate(rows)
            )
        )
