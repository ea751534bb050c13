"""The yearly rating (DOMAIN.md R25): one per member and year, the roll at 31 December, exempted
members not rated, one transaction, changes kept with who and when."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from admissions.checks.base import RuleViolated
from chapter.documents import Document
from members import services as member_services
from ratings.models import AnnualRating, Level
from ratings.services import rate_chapter
from tests.ratings.conftest import exempt

pytestmark = pytest.mark.freeze_time("2026-03-15")
D = datetime.date


def levels_of(chapter, year=2025):
    return dict(
        AnnualRating.objects.filter(member__chapter=chapter, year=year).values_list(
            "member__full_name", "level"
        )
    )


def test_one_rating_per_member_and_year_is_a_database_constraint(roll):
    AnnualRating.objects.create(member=roll[0], year=2025, level=Level.GOOD)
    AnnualRating.objects.create(member=roll[0], year=2024, level=Level.GOOD)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualRating.objects.create(member=roll[0], year=2025, level=Level.EXCELLENT)


def test_an_unknown_level_is_refused_by_the_database(roll):
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualRating.objects.create(member=roll[0], year=2025, level="XYZ")


def test_rating_the_chapter_creates_changes_and_clears(chapter, roll, secretary):
    a, b, c, d = roll
    saved = rate_chapter(
        chapter_id=chapter.pk,
        year=2025,
        levels={a.pk: Level.EXCELLENT, b.pk: Level.GOOD, c.pk: None, d.pk: Level.COMPLETED},
        actor=secretary,
    )
    assert (saved.created, saved.changed, saved.cleared) == (3, 0, 0)
    saved = rate_chapter(
        chapter_id=chapter.pk,
        year=2025,
        levels={a.pk: Level.GOOD, b.pk: Level.GOOD, c.pk: Level.NOT_COMPLETED, d.pk: None},
        actor=secretary,
    )
    assert (saved.created, saved.changed, saved.cleared, saved.unchanged) == (1, 1, 1, 1)
    assert levels_of(chapter) == {
        a.full_name: Level.GOOD,
        b.full_name: Level.GOOD,
        c.full_name: Level.NOT_COMPLETED,
    }


def test_a_changed_rating_records_who_and_when(chapter, roll, secretary, admin_user):
    member = roll[0]
    rate_chapter(chapter_id=chapter.pk, year=2025, levels={member.pk: "HTTNV"}, actor=secretary)
    rating = AnnualRating.objects.get(member=member, year=2025)
    assert rating.recorded_by == secretary and not rating.was_changed
    rate_chapter(chapter_id=chapter.pk, year=2025, levels={member.pk: "HTXSNV"}, actor=admin_user)
    rating.refresh_from_db()
    assert rating.changed_by == admin_user and rating.was_changed
    versions = list(rating.history.order_by("history_id"))
    assert [(v.level, v.history_user) for v in versions] == [
        ("HTTNV", secretary),
        ("HTXSNV", admin_user),
    ]


def test_a_probationary_member_on_the_roll_is_rated(chapter, roll, secretary):
    probationary = roll[3]
    assert probationary.is_probationary
    rate_chapter(chapter_id=chapter.pk, year=2025, levels={probationary.pk: "HTNV"}, actor=None)
    assert levels_of(chapter) == {probationary.full_name: "HTNV"}


@pytest.mark.parametrize(
    ("exempted_on", "refused"),
    [(D(2025, 12, 30), True), (D(2025, 12, 31), True), (D(2026, 1, 1), False)],
)
def test_a_member_exempted_on_31_december_is_not_rated(chapter, roll, exempted_on, refused):
    member = roll[0]
    exempt(member, exempted_on)
    levels = {member.pk: "HTTNV", roll[1].pk: "HTTNV"}
    if not refused:
        rate_chapter(chapter_id=chapter.pk, year=2025, levels=levels, actor=None)
        assert len(levels_of(chapter)) == 2
        return
    with pytest.raises(RuleViolated) as refusal:
        rate_chapter(chapter_id=chapter.pk, year=2025, levels=levels, actor=None)
    (violation,) = refusal.value.violations
    assert violation.rule == "R25" and violation.code == "exempted_not_rated"
    assert "Quy định 366-QĐ/TW" in violation.message
    assert member.full_name in violation.message
    assert levels_of(chapter) == {}  # one transaction: the other member's rating is not kept


def test_the_refusal_reads_in_vietnamese(chapter, roll):
    from django.utils import translation

    exempt(roll[0], D(2025, 3, 1))
    with translation.override("vi"), pytest.raises(RuleViolated) as refusal:
        rate_chapter(chapter_id=chapter.pk, year=2025, levels={roll[0].pk: "HTTNV"}, actor=None)
    message = refusal.value.violations[0].message
    assert "miễn công tác và sinh hoạt đảng" in message and "Quy định 366-QĐ/TW" in message


def test_an_exemption_ended_before_the_year_end_is_rated(chapter, roll):
    exempt(roll[0], D(2025, 3, 1))
    member_services.member_end_exemption(
        member_id=roll[0].pk, actor=None, effective_date=D(2025, 12, 31)
    )
    rate_chapter(chapter_id=chapter.pk, year=2025, levels={roll[0].pk: "HTTNV"}, actor=None)
    assert levels_of(chapter) == {roll[0].full_name: "HTTNV"}


def test_an_exempted_member_may_have_a_saved_rating_cleared(chapter, roll):
    AnnualRating.objects.create(member=roll[0], year=2025, level=Level.GOOD)
    exempt(roll[0], D(2025, 6, 1))
    saved = rate_chapter(chapter_id=chapter.pk, year=2025, levels={roll[0].pk: None}, actor=None)
    assert saved.cleared == 1


@pytest.mark.parametrize(("left_on", "on_roll"), [(D(2025, 12, 31), False), (D(2026, 1, 1), True)])
def test_only_the_roll_at_31_december_is_rated(chapter, roll, left_on, on_roll):
    member = roll[0]
    member_services.member_transfer_out(
        member_id=member.pk,
        actor=None,
        effective_date=left_on,
        to_organisation="Chi bộ Sở Y tế",
        letter=Document(kind="TRANSFER_LETTER", number="12-GGT/ĐUK", date=left_on),
    )
    if on_roll:
        rate_chapter(chapter_id=chapter.pk, year=2025, levels={member.pk: "HTTNV"}, actor=None)
        assert levels_of(chapter) == {member.full_name: "HTTNV"}
    else:
        with pytest.raises(RuleViolated) as refusal:
            rate_chapter(chapter_id=chapter.pk, year=2025, levels={member.pk: "HTTNV"}, actor=None)
        assert refusal.value.violations[0].code == "not_on_roll"


def test_a_future_year_is_refused(chapter, roll):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        rate_chapter(chapter_id=chapter.pk, year=2027, levels={roll[0].pk: "HTTNV"}, actor=None)
