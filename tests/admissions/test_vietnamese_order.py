"""Candidates sort the Vietnamese way (issue 13 §5): given name first, the Vietnamese alphabet,
tones last, from the stored key."""

import pytest

from admissions.models import Candidate
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2019-03-01")]


def test_candidates_order_by_given_name_then_middle_then_family():
    story = PipelineStory.build(officials=3)
    for name in ("Đặng Văn An", "Vũ Bình", "Dương Thị An", "Trần An"):
        story.candidate_at(Candidate.Stage.POOL, full_name=name)
    assert list(Candidate.objects.values_list("full_name", flat=True)) == [
        "Trần An",
        "Dương Thị An",
        "Đặng Văn An",
        "Vũ Bình",
    ]


def test_a_renamed_candidate_moves_to_the_new_place():
    story = PipelineStory.build(officials=3)
    first = story.candidate_at(Candidate.Stage.POOL, full_name="Lê Văn An")
    story.candidate_at(Candidate.Stage.POOL, full_name="Lê Văn Bình")
    first.full_name = "Lê Văn Cường"
    first.save(update_fields=["full_name"])
    assert list(Candidate.objects.values_list("full_name", flat=True)) == [
        "Lê Văn Bình",
        "Lê Văn Cường",
    ]
