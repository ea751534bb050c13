"""The register's rows as HTML, built in Python (templates/members/_member_results.html).

One ``<tr>`` per member: a table on a screen, a card on a phone (static/css/app.css,
``.reg-table``: each cell shows its ``data-label``). The template engine took three quarters of
the page's time for 50 rows of twelve columns (about 40 variable lookups, filters and an include
a row), four times a bare list of the same rows; ``format_html`` escapes every value the same
way, so nothing here is marked safe that a user typed. The status badges are those of
templates/members/_status_badge.html (the member's page), kept in step by a test.
"""

from __future__ import annotations

import html
from uuid import UUID

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from chapter.dates import format_date
from chapter.icons import icon_html
from members.models import Member

DASH = "—"
_PLACEHOLDER = UUID(int=0)

# The register's sort keys (members.filters.SORTS), each way, as the phone's sort control offers
# them (templates/members/_sort_select.html): a phone shows cards, without the column headers
# that sort. "-key" is descending; a test keeps these in step with the filter's choices.
SORT_LABELS = {
    "name": gettext_lazy("Full name, A to Z"),
    "-name": gettext_lazy("Full name, Z to A"),
    "date_of_birth": gettext_lazy("Born, oldest first"),
    "-date_of_birth": gettext_lazy("Born, youngest first"),
    "ceremony_date": gettext_lazy("Joined, earliest first"),
    "-ceremony_date": gettext_lazy("Joined, latest first"),
    "official_date": gettext_lazy("Official date, earliest first"),
    "-official_date": gettext_lazy("Official date, latest first"),
    "cell": gettext_lazy("Cell, A to Z"),
    "-cell": gettext_lazy("Cell, Z to A"),
    "status": gettext_lazy("Status, probationary first"),
    "-status": gettext_lazy("Status, reversed"),
}


def _esc(value) -> SafeString:
    """``django.utils.html.escape`` without its wrapper for lazy text, which took a third of the
    rows' time: the values here are plain strings (or are made so)."""
    return SafeString(html.escape(str(value)))


def _sub(value) -> SafeString | str:
    """A second line under a value (inline after a dot on a phone)."""
    return format_html('<div class="reg-sub">{}</div>', _esc(value)) if value else ""


def _labels(choices) -> dict[str, str]:
    """Choice labels, capitalised and translated once for the page (``get_FOO_display`` rebuilt
    its lookup table for every call)."""
    return {value: capfirst(str(label)) for value, label in choices}


def status_badges(member: Member, statuses: dict[str, str] | None = None) -> SafeString:
    """The member's status, days left of probation and flags (as _status_badge.html)."""
    status = (statuses or _labels(Member.Status.choices))[member.status]
    if member.is_probationary:
        badges = [format_html('<span class="badge text-bg-warning">{}</span>', status)]
        days = member.probation_days_left()
        if days is not None and days > 0:
            left = ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days}
            badges.append(
                format_html(
                    '<span class="badge rounded-pill bg-warning-subtle text-warning-emphasis '
                    'border border-warning-subtle" title="{}">{} {}</span>',
                    _("Days left of probation"),
                    icon_html("bi-hourglass-split"),
                    left,
                )
            )
        elif days is not None:
            badges.append(
                format_html(
                    '<span class="badge rounded-pill text-bg-danger">{} {}</span>',
                    icon_html("bi-bell"),
                    _("due for confirmation"),
                )
            )
    elif member.is_official:
        badges = [format_html('<span class="badge text-bg-success">{}</span>', status)]
    else:
        badges = [format_html('<span class="badge text-bg-secondary">{}</span>', status)]
    if member.is_temporarily_out:
        badges.append(
            format_html(
                '<span class="badge rounded-pill text-bg-info">{} {}</span>',
                icon_html("bi-box-arrow-up-right"),
                _("temporarily transferred out"),
            )
        )
    if member.is_exempted:
        badges.append(
            format_html(
                '<span class="badge rounded-pill text-bg-light border">{} {}</span>',
                icon_html("bi-pause-circle"),
                _("exempted from party meetings"),
            )
        )
    return format_html_join(" ", "{}", ((badge,) for badge in badges))


def rows(members, *, start: int, several_chapters: bool) -> SafeString:
    """The ``<tr>`` of each member of the page, numbered from ``start``."""
    # One reverse() for the page: each member's address differs by its public id only.
    detail = reverse("members:member-detail", args=[_PLACEHOLDER])
    labels = {  # escaped once for the page
        "born": _("Sex, born"),
        "ethnicity": _("Ethnicity, religion"),
        "home": _("Home town"),
        "education": _("Education"),
        "job": _("Occupation, workplace"),
        "joined": _("Joined, official"),
        "age": _("Party age"),
        "card": _("Card no., dossier no."),
        "cell": _("Cell"),
    }
    labels = {key: _esc(label) for key, label in labels.items()}
    choices = {
        "status": _labels(Member.Status.choices),
        "gender": _labels(Member.Gender.choices),
        "theory": _labels(Member.PoliticalTheory.choices),
    }
    return format_html_join(
        "\n",
        "{}",
        (
            (_row(m, number, detail, labels, choices, several_chapters),)
            for number, m in enumerate(members, start)
        ),
    )


def _row(
    m: Member, number: int, detail: str, labels: dict, choices: dict, several_chapters: bool
) -> SafeString:
    education = m.general_education or DASH
    if m.qualification:
        education = f"{education}, {m.qualification}"
    theory = choices["theory"].get(m.political_theory, "") if m.political_theory else ""
    return format_html(
        '<tr role="row">'
        '<td role="cell" class="reg-no text-end text-body-secondary">{number}</td>'
        '<td role="cell" class="reg-name">'
        '<a class="fw-semibold" href="{url}">{name}</a>{other}</td>'
        '<td role="cell" class="text-nowrap" data-label="{l_born}">{gender}<div>{born}</div></td>'
        '<td role="cell" class="reg-wide" data-label="{l_ethnicity}">{ethnicity}{religion}</td>'
        '<td role="cell" class="reg-wide" data-label="{l_home}">{home}</td>'
        '<td role="cell" class="reg-wide" data-label="{l_education}">{education}{theory}</td>'
        '<td role="cell" class="reg-wide" data-label="{l_job}">{job}{workplace}</td>'
        '<td role="cell" class="text-nowrap" data-label="{l_joined}">{joined}{official}</td>'
        '<td role="cell" class="text-nowrap" data-label="{l_age}">{age}</td>'
        '<td role="cell" class="reg-wide text-nowrap" data-label="{l_card}">{card}{dossier}</td>'
        '<td role="cell" data-label="{l_cell}">{cell}{chapter}</td>'
        '<td role="cell" class="reg-status">{status}</td>'
        "</tr>",
        number=number,
        url=_esc(detail.replace(str(_PLACEHOLDER), str(m.public_id))),
        name=_esc(m.full_name),
        other=_sub(m.other_names),
        gender=_esc(choices["gender"].get(m.gender, m.gender)),
        born=_esc(format_date(m.date_of_birth)),
        ethnicity=_esc(m.ethnicity),
        religion=_sub(m.religion),
        home=_esc(m.hometown or DASH),
        education=_esc(education),
        theory=_sub(theory),
        job=_esc(m.occupation or DASH),
        workplace=_sub(m.workplace),
        joined=_esc(format_date(m.ceremony_date, DASH)),
        official=_sub(format_date(m.official_date, DASH)),
        age=_esc(m.party_age_display or DASH),
        card=_esc(m.card_number or DASH),
        dossier=_sub(m.dossier_number or DASH),
        cell=_esc(m.cell.name if m.cell_id else DASH),
        chapter=_sub(m.chapter.name) if several_chapters else "",
        status=status_badges(m, choices["status"]),
        **{f"l_{key}": label for key, label in labels.items()},
    )
