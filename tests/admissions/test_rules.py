"""admissions.rules: the Party's numbers as dated data (DOMAIN.md §1 "Numbers are data").

A record is judged by the numbers in force on its own date; the per-process rule book is
dropped whenever a RuleValue is saved or deleted; only known keys may be recorded.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save

from admissions import checks, rules, services
from admissions.models import Candidate
from admissions.rules import DEFAULTS, rule
from chapter.models import RuleValue
from tests.admissions.factories import PipelineStory

pytestmark = pytest.mark.django_db
St = Candidate.Stage
D = datetime.date
IN_FORCE = D(2025, 7, 1)  # say, a new regulation raises the chapter minimum from this day


def new_minimum(value=5) -> RuleValue:
    return RuleValue.objects.create(
        key="MIN_OFFICIAL_MEMBERS", value=value, effective_from=IN_FORCE, source="Quy định mới"
    )


def test_without_rows_every_rule_has_its_default():
    for key, default in DEFAULTS.items():
        assert rule(key, D(2019, 1, 1)) == default.value, key


def test_a_value_applies_from_its_date_and_not_before():
    new_minimum()
    assert rule("MIN_OFFICIAL_MEMBERS", IN_FORCE - datetime.timedelta(days=1)) == 3
    assert rule("MIN_OFFICIAL_MEMBERS", IN_FORCE) == 5
    assert rule("MIN_OFFICIAL_MEMBERS", D(2030, 1, 1)) == 5


def test_the_latest_value_in_force_wins():
    new_minimum()
    RuleValue.objects.create(
        key="MIN_OFFICIAL_MEMBERS", value=4, effective_from=D(2027, 1, 1), source="Sửa đổi"
    )
    assert [rule("MIN_OFFICIAL_MEMBERS", D(y, 6, 1)) for y in (2024, 2026, 2028)] == [3, 5, 4]


def test_a_check_uses_the_numbers_in_force_on_the_records_date():
    new_minimum()
    three = checks.VoteBase(official=3, temporarily_out=0, exempted=0, exempted_present=0)
    assert checks.check_chapter_size(three, D(2019, 4, 27)) == []
    assert [v.rule for v in checks.check_chapter_size(three, D(2025, 8, 1))] == ["R9"]


def test_an_age_limit_changed_later_does_not_rejudge_an_earlier_vote():
    RuleValue.objects.create(
        key="MIN_AGE_MONTHS", value=228, effective_from=IN_FORCE, source="Quy định mới"
    )
    nineteen = Candidate(date_of_birth=D(2000, 6, 1))
    assert checks.check_age(nineteen, D(2019, 6, 1)) == []  # 19 years, 216 needed then
    eighteen_and_a_half = Candidate(date_of_birth=D(2007, 2, 1))
    assert [v.rule for v in checks.check_age(eighteen_and_a_half, D(2025, 8, 1))] == ["R1"]


@time_machine.travel(D(2025, 9, 1), tick=False)
def test_a_2019_vote_recorded_today_is_judged_by_2019_numbers():
    new_minimum()
    story = PipelineStory.build(officials=3)
    candidate = story.candidate_at(St.INTRODUCED)
    vote = services.Vote(story.day("vote"), "01-NQ/CB", present=3, votes_for=3, votes_against=0)
    candidate, resolution = services.candidate_chapter_vote(
        candidate_id=candidate.pk, actor=None, vote=vote
    )
    assert resolution.passed and candidate.stage == St.CHAPTER_APPROVED


@time_machine.travel(D(2025, 9, 1), tick=False)
def test_a_vote_after_the_change_is_judged_by_the_new_numbers():
    new_minimum()
    story = PipelineStory.build(officials=3)
    story.start = D(2025, 1, 6)
    candidate = story.candidate_at(St.INTRODUCED)
    vote = services.Vote(D(2025, 8, 5), "01-NQ/CB", present=3, votes_for=3, votes_against=0)
    with pytest.raises(ValidationError) as raised:
        services.candidate_chapter_vote(candidate_id=candidate.pk, actor=None, vote=vote)
    assert [m.split(":")[0] for m in raised.value.messages] == ["R9"]


# The cache -------------------------------------------------------------------------------------


def test_the_rule_book_is_loaded_once(django_assert_num_queries):
    with django_assert_num_queries(1):
        rule("MIN_AGE_MONTHS", D(2020, 1, 1))
        rule("MAX_AGE_MONTHS", D(2020, 1, 1))
        rule("DUE_SOON_WD", D(2030, 1, 1))


def test_saving_a_rule_value_drops_the_cache():
    assert rule("MIN_OFFICIAL_MEMBERS", D(2026, 1, 1)) == 3  # cached now
    row = new_minimum()
    assert rule("MIN_OFFICIAL_MEMBERS", D(2026, 1, 1)) == 5
    row.value = 7
    row.save()
    assert rule("MIN_OFFICIAL_MEMBERS", D(2026, 1, 1)) == 7


def test_deleting_a_rule_value_drops_the_cache():
    row = new_minimum()
    assert rule("MIN_OFFICIAL_MEMBERS", D(2026, 1, 1)) == 5
    row.delete()
    assert rule("MIN_OFFICIAL_MEMBERS", D(2026, 1, 1)) == 3


def test_the_cache_receiver_is_connected_to_rule_value_saves_and_deletes():
    for signal in (post_save, post_delete):
        receivers = signal._live_receivers(RuleValue)
        flat = receivers[0] if isinstance(receivers, tuple) else receivers
        assert rules.rule_value_changed in flat


def test_the_cache_is_dropped_again_when_the_change_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new_minimum()
    assert rules.forget_rules in callbacks


# Validation ------------------------------------------------------------------------------------


def test_an_unknown_key_is_refused():
    row = RuleValue(key="MAX_CANDIDATES", value=1, effective_from=IN_FORCE, source="—")
    with pytest.raises(ValidationError) as raised:
        row.full_clean()
    assert "key" in raised.value.error_dict


def test_a_known_key_is_accepted():
    RuleValue(
        key="CEREMONY_WD", value=45, effective_from=IN_FORCE, source="Quy định mới"
    ).full_clean()
