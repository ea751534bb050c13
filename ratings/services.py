"""Entering the yearly rating for a whole chapter (DOMAIN.md R25): one transaction.

``rate_chapter`` takes the level chosen for each member (or none), checks every one against the
roll at the end of the year, and writes the new ratings, the changed ones (who changed them and
when: the row history) and removes the ratings cleared, all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from admissions.checks.base import RuleViolated, Violation
from chapter.dates import format_date
from members.models import Chapter, Member
from ratings import queries
from ratings.models import AnnualRating, Level
from ratings.rules import RATING_SOURCE


@dataclass
class Saved:
    created: int = 0
    changed: int = 0
    cleared: int = 0
    unchanged: int = 0


def exempted_violation(member: Member, year: int) -> Violation:
    return Violation(
        "R25",
        _(
            "%(name)s was exempted from party work and meetings on %(day)s: an exempted member "
            "is not rated (%(source)s)."
        )
        % {"name": member.full_name, "day": format_date(queries.year_end(year)),
           "source": RATING_SOURCE},
        code="exempted_not_rated",
    )  # fmt: skip


def not_on_roll_violation(member: Member, year: int) -> Violation:
    return Violation(
        "R25",
        _("%(name)s was not on the chapter's roll on %(day)s: only they are rated (%(source)s).")
        % {"name": member.full_name, "day": format_date(queries.year_end(year)),
           "source": RATING_SOURCE},
        code="not_on_roll",
    )  # fmt: skip


@transaction.atomic
def rate_chapter(*, chapter_id: int, year: int, levels: dict[int, str | None], actor) -> Saved:
    """Record ``levels`` ({member id: level code, or None to clear}) for ``year``.

    Preconditions: the year has begun (not a future year); every member was on the chapter's
    roll at the end of that year and was not exempted then (else ``RuleViolated``, nothing is
    written). Locks the chapter row so that two secretaries saving at once do not interleave.
    """
    if not queries.year_allowed(year):
        raise ValidationError(_("Ratings are entered for a year that has begun."), code="year")
    Chapter.objects.select_for_update().filter(pk=chapter_id).first()
    roll = {m.pk: m for m in queries.roll_at_year_end(Member.objects.all(), year, chapter_id)}
    members = Member.objects.in_bulk(list(levels))
    violations = []
    for member_id, level in levels.items():
        if level is not None and level not in Level.values:
            raise ValidationError(_("Unknown rating."), code="level")
        member = roll.get(member_id)
        if member is None:
            if level is not None and member_id in members:
                violations.append(not_on_roll_violation(members[member_id], year))
            elif member_id not in members:
                raise ValidationError(_("Unknown member."), code="member")
            continue
        if level is not None and queries.exempted_on(member):
            violations.append(exempted_violation(member, year))
    if violations:
        raise RuleViolated(violations)
    existing = {
        r.member_id: r
        for r in AnnualRating.objects.select_for_update().filter(member__in=list(roll), year=year)
    }
    saved = Saved()
    for member_id, level in levels.items():
        if member_id not in roll:
            continue
        rating = existing.get(member_id)
        if rating is None and level is None:
            continue
        if rating is None:
            rating = AnnualRating(member_id=member_id, year=year, level=level, recorded_by=actor)
            rating._history_user = actor
            rating.save()
            saved.created += 1
        elif level is None:
            rating._history_user = actor
            rating._change_reason = _("rating cleared")
            rating.delete()
            saved.cleared += 1
        elif rating.level != level:
            rating.level, rating.changed_by = level, actor
            rating.changed_at = timezone.now()
            rating._history_user = actor
            rating.save(update_fields=["level", "changed_by", "changed_at"])
            saved.changed += 1
        else:
            saved.unchanged += 1
    return saved
