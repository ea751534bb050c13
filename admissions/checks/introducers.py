"""Introducers (R6), their replacement, and the Youth Union path (R7)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from admissions.checks.applicant import years_months
from admissions.checks.base import BLOCK, WARN, Violation
from admissions.models import Candidate, ChapterAdmissionSettings, Introduction
from admissions.rules import rule
from chapter.dates import add_months, completed_months, format_date
from members.models import Member, MemberEvent

Kind = Introduction.Kind
Reason = Introduction.ReplacementReason


# The register on several days at once ----------------------------------------------------------


def statuses_on_days(member_ids: set[int], days: set[date]) -> dict[tuple[int, date], str | None]:
    """Each member's status at the end of each day, from the standing entries of the ledger
    (the same reading as ``Member.objects.as_of``): one query whatever the number of days."""
    if not member_ids or not days:
        return {}
    rows = (
        MemberEvent.objects.standing()
        .filter(member__in=member_ids, status__isnull=False, effective_date__lte=max(days))
        .order_by("effective_date", "id")
        .values_list("member_id", "effective_date", "status")
    )
    by_member: dict[int, list[tuple[date, str]]] = {}
    for member_id, effective, status in rows:
        by_member.setdefault(member_id, []).append((effective, status))
    found: dict[tuple[int, date], str | None] = {}
    for member_id in member_ids:
        entries = by_member.get(member_id, [])
        for day in days:
            on_day = [status for effective, status in entries if effective <= day]
            found[(member_id, day)] = on_day[-1] if on_day else None
    return found


def standing_introductions(introductions: list[Introduction]) -> list[Introduction]:
    """The introductions that count: a replaced one stays on file but no longer introduces."""
    replaced = {i.replaces_id for i in introductions if i.replaces_id}
    return [i for i in introductions if i.pk is None or i.pk not in replaced]


# R6 --------------------------------------------------------------------------------------------


def check_introducers(
    candidate: Candidate, introductions: list[Introduction], on: date
) -> list[Violation]:
    """R6 and R7 on ``on`` (the summary of opinions or the vote date), over the introductions
    that stand (a replaced one does not): one of the three paths; each member introducer an
    official member on the date of their own letter (a member probationary then does not
    qualify by being official at the vote) and still an official member of the chapter, not
    disciplined, on ``on``; 12 months together with the applicant on the letter's date, except
    for a replacement assigned by the chapter. R7 counts the applicant's age on ``on``."""
    # R3: only a letter, and a replacement's resolution, dated on or before ``on`` counts.
    dated = [
        i
        for i in introductions
        if i.date <= on and (i.assignment_date is None or i.assignment_date <= on)
    ]
    standing = standing_introductions(dated)
    members = [i for i in standing if i.kind == Kind.MEMBER]
    unions = [i for i in standing if i.kind != Kind.MEMBER]
    statuses = statuses_on_days(
        {i.introducer_id for i in members}, {i.date for i in members} | {on}
    )
    found: list[Violation] = []
    for intro in members:
        found += _introducer_on(candidate, intro, statuses, on)
        found += check_replacement_letter(intro) if intro.replaces_id else check_together(intro)
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
    return found + check_youth_path(candidate, standing, on)


def _introducer_on(
    candidate: Candidate, intro: Introduction, statuses: dict, on: date
) -> list[Violation]:
    """One member introducer: official on the letter's date; on ``on`` still an official
    member of the applicant's chapter and not disciplined."""
    member = intro.introducer
    if statuses.get((member.pk, intro.date)) != Member.Status.OFFICIAL:
        return [_not_official(member, intro.date)]
    found = []
    other_chapter = candidate.chapter_id is not None and member.chapter_id != candidate.chapter_id
    if statuses.get((member.pk, on)) != Member.Status.OFFICIAL or other_chapter:
        found.append(
            Violation(
                "R6",
                _(
                    "%(name)s is no longer an official member of the chapter on %(date)s: the "
                    "chapter assigns another official member by resolution to replace them."
                )
                % {"name": member, "date": format_date(on)},
            )
        )
    if intro.introducer_disciplined_on and intro.introducer_disciplined_on <= on:
        found.append(
            Violation(
                "R6",
                _(
                    "%(name)s was disciplined on %(disciplined)s: on %(date)s they cannot "
                    "introduce; the chapter assigns another official member by resolution to "
                    "replace them."
                )
                % {
                    "name": member,
                    "disciplined": format_date(intro.introducer_disciplined_on),
                    "date": format_date(on),
                },
            )
        )
    return found


def check_introduction(candidate: Candidate, intro: Introduction) -> list[Violation]:
    """R6 on one member's letter, on its own date: an official member of the candidate's
    chapter, with 12 months together with the applicant (not asked of a replacement)."""
    member = intro.introducer
    status = statuses_on_days({member.pk}, {intro.date}).get((member.pk, intro.date))
    found = []
    if status != Member.Status.OFFICIAL or member.chapter_id != candidate.chapter_id:
        found.append(_not_official(member, intro.date))
    # A replacement's resolution is checked with the replacement (``check_replacement``).
    return found + ([] if intro.replaces_id else check_together(intro))


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


def check_replacement_letter(intro: Introduction, *, fields: bool = False) -> list[Violation]:
    """R6, a replacement introducer: assigned by the chapter's resolution (number and date), and
    the letter dated on or after it. The 12 months together are not asked of them. ``fields``:
    the violations name the replacement form's fields."""
    found = []
    if not intro.assignment_number.strip():
        found.append(
            Violation(
                "R6",
                _("Give the number of the chapter's resolution assigning the replacement."),
                field="assignment_number" if fields else None,
                code="required",
            )
        )
    if intro.assignment_date is None:
        found.append(
            Violation(
                "R6",
                _("Give the date of the chapter's resolution assigning the replacement."),
                field="assignment_date" if fields else None,
                code="required",
            )
        )
    elif intro.assignment_date > intro.date:
        found.append(
            Violation(
                "R6",
                _(
                    "The replacement's letter (%(letter)s) is dated before the chapter's "
                    "resolution assigning them (%(resolution)s)."
                )
                % {
                    "letter": format_date(intro.date),
                    "resolution": format_date(intro.assignment_date),
                },
                field="date" if fields else None,
            )
        )
    return found


def check_replacement(
    replaced: Introduction,
    intro: Introduction,
    introductions: list[Introduction],
    *,
    reason: str,
    disciplined_on: date | None,
) -> list[Violation]:
    """R6: a replacement introducer takes the place of a member introducer who moved away or was
    disciplined (the discipline dated, on or before the chapter's resolution); the new member is
    not one of the introducers already standing."""
    found = []
    if replaced.kind != Kind.MEMBER or replaced.pk not in {
        i.pk for i in standing_introductions(introductions)
    }:
        found.append(
            Violation(
                "R6",
                _("Only a member introducer who still stands can be replaced."),
                field="replaced",
                code="not_replaceable",
            )
        )
    if reason not in (Reason.MOVED_AWAY, Reason.DISCIPLINED):
        found.append(
            Violation(
                "R6",
                _("A replacement is assigned when an introducer moves away or is disciplined."),
                field="reason",
                code="required",
            )
        )
    if reason == Reason.DISCIPLINED:
        if disciplined_on is None:
            found.append(
                Violation(
                    "R6",
                    _("Give the date the introducer was disciplined."),
                    field="disciplined_on",
                    code="required",
                )
            )
        elif intro.assignment_date and disciplined_on > intro.assignment_date:
            found.append(
                Violation(
                    "R6",
                    _("The discipline is dated after the chapter's resolution replacing them."),
                    field="disciplined_on",
                )
            )
    standing = {
        i.introducer_id for i in standing_introductions(introductions) if i.kind == Kind.MEMBER
    }
    if intro.introducer_id in standing:
        found.append(
            Violation(
                "R6",
                _("This member already introduces the applicant."),
                field="introducer",
                code="duplicate",
            )
        )
    return found + check_replacement_letter(intro, fields=True)


def introducers_complete(introductions: list[Introduction]) -> bool:
    """Enough introducers for one of R6's paths (the page's next step is the summary)."""
    standing = standing_introductions(introductions)
    members = {r.introducer_id for r in standing if r.kind == Kind.MEMBER}
    unions = [r for r in standing if r.kind != Kind.MEMBER]
    return len(members) >= 2 or (len(members) >= 1 and len(unions) >= 1)


# R7 --------------------------------------------------------------------------------------------


def youth_union_exists(candidate: Candidate) -> bool:
    """Whether a Youth Union organisation exists where the applicant is (the chapter's setting;
    yes unless the chapter says otherwise). Read only for a youth-age applicant."""
    if candidate.chapter_id is None:
        return True
    try:
        return candidate.chapter.admission_settings.youth_union_exists
    except ChapterAdmissionSettings.DoesNotExist:
        return True


def is_youth_age(candidate: Candidate, on: date) -> bool:
    """Of youth age (độ tuổi thanh niên) on ``on``: up to the age limit in full years."""
    return completed_months(candidate.date_of_birth, on) < 12 * (rule("YOUTH_MAX_AGE", on) + 1)


def check_youth_path(
    candidate: Candidate, introductions: list[Introduction], on: date
) -> list[Violation]:
    """R7 (Điều lệ Đảng, Điều 4): where a Youth Union exists, an applicant of youth age must be
    a Youth Union member, introduced by the Youth Union grassroots executive and one official
    member. Blocks unless the rule value YOUTH_PATH_BLOCKS says 0 (then a warning)."""
    if not is_youth_age(candidate, on) or not youth_union_exists(candidate):
        return []
    severity = BLOCK if rule("YOUTH_PATH_BLOCKS", on) else WARN
    age = {
        "date": format_date(on),
        "age": years_months(completed_months(candidate.date_of_birth, on)),
        "max": rule("YOUTH_MAX_AGE", on),
    }
    if not candidate.is_youth_union_member:
        message = _(
            "On %(date)s the applicant is %(age)s old, of youth age (up to %(max)d): where a "
            "Youth Union exists they must be a Youth Union member to join the Party."
        )
        return [Violation("R7", message % age, severity=severity, code="not_youth_union_member")]
    if any(i.kind == Kind.YOUTH_UNION for i in standing_introductions(introductions)):
        return []
    message = _(
        "On %(date)s the applicant is %(age)s old, a Youth Union member of youth age (up to "
        "%(max)d): the Youth Union grassroots executive (4-KNĐ) and one official member "
        "introduce them."
    )
    return [Violation("R7", message % age, severity=severity, code="youth_path")]
