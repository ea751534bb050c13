"""Introducers (R6) and the Youth Union path (R7)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from admissions.checks.applicant import statuses_on
from admissions.checks.base import BLOCK, WARN, Violation
from admissions.models import Candidate, Introduction
from admissions.rules import rule
from chapter.dates import add_months, completed_months, format_date
from members.models import Member


def check_introducers(
    candidate: Candidate, introductions: list[Introduction], on: date
) -> list[Violation]:
    """R6 and R7 on ``on`` (the introduction or the vote date): one of the three paths, official
    members only, each official and with 12 months together with the applicant on the date of
    their own letter (a member probationary then does not qualify by being official at the
    vote). R7 counts the applicant's age on ``on``."""
    found: list[Violation] = []
    members = [i for i in introductions if i.kind == Introduction.Kind.MEMBER]
    unions = [i for i in introductions if i.kind != Introduction.Kind.MEMBER]
    statuses = _statuses_on_letters(members)
    for intro in members:
        if statuses.get((intro.introducer_id, intro.date)) != Member.Status.OFFICIAL:
            found.append(_not_official(intro.introducer, intro.date))
        found += check_together(intro)
    distinct = {i.introducer_id for i in members}
    if len(unions) > 1:
        found.append(Violation("R6", _("Only one union resolution may introduce an applicant.")))
    elif unions:
        if len(distinct) != 1 or len(members) != 1:
            found.append(
                Violation(
                    "R6",
                    _("A union resolution introduces together with exactly one official member."),
                )
            )
        for intro in unions:
            if not intro.document_number:
                found.append(Violation("R6", _("Give the number of the union's resolution.")))
    elif len(distinct) != 2 or len(members) != 2:
        found.append(
            Violation("R6", _("Two different official members must introduce the applicant."))
        )
    return found + check_youth_path(candidate, introductions, on)


def check_introduction(candidate: Candidate, intro: Introduction) -> list[Violation]:
    """R6 on one member's letter, on its own date: an official member of the candidate's
    chapter, with 12 months together with the applicant."""
    member = intro.introducer
    status = statuses_on([member.pk], intro.date).get(member.pk)
    found = []
    if status != Member.Status.OFFICIAL or member.chapter_id != candidate.chapter_id:
        found.append(_not_official(member, intro.date))
    return found + check_together(intro)


def _not_official(member: Member, on: date) -> Violation:
    return Violation(
        "R6",
        _("%(name)s is not an official member on %(date)s: probationary members cannot introduce.")
        % {"name": member, "date": format_date(on)},
    )


def check_together(intro: Introduction) -> list[Violation]:
    """R6: the introducer has worked or lived with the applicant for 12 months on the letter's
    date."""
    months = rule("INTRODUCER_TOGETHER_MONTHS", intro.date)
    if intro.together_since is None:
        return [
            Violation(
                "R6",
                _("Give since when %(name)s has worked or lived with the applicant.")
                % {"name": intro.introducer},
            )
        ]
    if add_months(intro.together_since, months) > intro.date:
        return [
            Violation(
                "R6",
                _(
                    "%(name)s has been with the applicant for less than %(months)d months on "
                    "%(date)s."
                )
                % {"name": intro.introducer, "months": months, "date": format_date(intro.date)},
            )
        ]
    return []


def _statuses_on_letters(members: list[Introduction]) -> dict[tuple[int, date], str]:
    """Each introducer's status on the date of their letter: one query per distinct date."""
    found: dict[tuple[int, date], str] = {}
    for day in {i.date for i in members}:
        ids = [i.introducer_id for i in members if i.date == day]
        found.update({(pk, day): status for pk, status in statuses_on(ids, day).items()})
    return found


def introducers_complete(introductions: list[Introduction]) -> bool:
    """Enough introducers for one of R6's paths (the page's next step is the summary)."""
    members = {r.introducer_id for r in introductions if r.kind == Introduction.Kind.MEMBER}
    unions = [r for r in introductions if r.kind != Introduction.Kind.MEMBER]
    return len(members) >= 2 or (len(members) >= 1 and len(unions) >= 1)


def check_youth_path(
    candidate: Candidate, introductions: list[Introduction], on: date
) -> list[Violation]:
    """R7: a Youth Union member of Youth Union age is introduced by the Youth Union executive."""
    young = completed_months(candidate.date_of_birth, on) < 12 * (rule("YOUTH_MAX_AGE", on) + 1)
    if not (candidate.is_youth_union_member and young):
        return []
    if any(i.kind == Introduction.Kind.YOUTH_UNION for i in introductions):
        return []
    return [
        Violation(
            "R7",
            _(
                "The applicant is a Youth Union member of Youth Union age: the Youth Union "
                "executive should introduce them (4-KNĐ)."
            ),
            severity=BLOCK if rule("YOUTH_PATH_BLOCKS", on) else WARN,
        )
    ]
