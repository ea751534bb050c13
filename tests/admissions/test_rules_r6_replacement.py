"""R6: a replacement introducer assigned by the chapter (Quy định 24-QĐ/TW, mục 3.2.2, kept by
Quy định 294-QĐ/TW), and every introducer checked again on the vote date: still an official
member of the chapter, not disciplined."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from admissions import checks, services
from admissions.models import Candidate, Introduction, Resolution
from chapter.documents import Document
from members import services as member_services
from tests.admissions.factories import PipelineStory
from tests.members.factories import register_member

pytestmark = pytest.mark.django_db
D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
St = Candidate.Stage
Reason = Introduction.ReplacementReason
TODAY = D(2020, 7, 15)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def story(chapter, cell):
    return PipelineStory(
        chapter=chapter, cell=cell, officials=[register_member(cell=cell) for _ in range(7)]
    )


def vote_on(story, candidate, day):
    base = checks.vote_base(story.chapter, day).base
    vote = services.Vote(date=day, number="01-NQ/CB", present=base, votes_for=base, votes_against=0)
    return services.candidate_chapter_vote(candidate_id=candidate.pk, actor=None, vote=vote)


def first_introduction(candidate) -> Introduction:
    return candidate.introductions.order_by("pk").first()


def replace(story, candidate, *, reason=Reason.MOVED_AWAY, day=None, **overrides):
    day = day or story.day("opinions") + 2 * ONE_DAY
    values = {
        "candidate_id": candidate.pk,
        "actor": None,
        "replaced_id": first_introduction(candidate).pk,
        "reason": reason,
        "introducer": story.officials[5],
        "day": day,
        "resolution": Document(number="07-NQ/CB", date=day - ONE_DAY),
        "document_number": "3-KNĐ/9",
    }
    return services.candidate_replace_introducer(**{**values, **overrides})


def transfer_out(member, day):
    member_services.member_transfer_out(
        member_id=member.pk,
        actor=None,
        effective_date=day,
        to_organisation="Chi bộ Phòng Tài chính",
        letter=Document(kind="TRANSFER_LETTER", number="12-GGT", date=day),
    )


# The replacement ---------------------------------------------------------------------------------


def test_a_replacement_needs_no_twelve_months_together_and_the_vote_passes(story):
    candidate = story.candidate_at(St.INTRODUCED)
    moved = first_introduction(candidate).introducer
    transfer_out(moved, story.day("opinions") + ONE_DAY)
    new = replace(story, candidate)
    assert new.together_since is None  # never asked of a replacement
    assert new.replaces.introducer == moved
    old = Introduction.objects.get(pk=new.replaces_id)
    assert old.is_replaced  # the replaced introduction stays, linked to its replacement
    candidate, resolution = vote_on(story, candidate, story.day("vote"))
    assert resolution.passed
    assert candidate.stage == St.CHAPTER_APPROVED


def test_without_the_replacement_an_introducer_who_moved_away_fails_the_vote(story):
    candidate = story.candidate_at(St.INTRODUCED)
    moved = first_introduction(candidate).introducer
    vote_day = story.day("vote")
    # Moved away the day after the vote: still in the chapter on the vote date.
    intros = list(candidate.introductions.select_related("introducer"))
    transfer_out(moved, vote_day + ONE_DAY)
    assert checks.check_introducers(candidate, intros, vote_day) == []
    found = checks.check_introducers(candidate, intros, vote_day + ONE_DAY)
    assert [v.rule for v in found] == ["R6"]


def test_an_introducer_who_moved_away_on_the_vote_day_refuses_the_vote(story):
    candidate = story.candidate_at(St.INTRODUCED)
    transfer_out(first_introduction(candidate).introducer, story.day("vote"))
    with pytest.raises(ValidationError) as raised:
        vote_on(story, candidate, story.day("vote"))
    assert [v.rule for v in raised.value.refused] == ["R6"]
    assert not Resolution.objects.exists()


def test_discipline_counts_from_its_date(story):
    candidate = story.candidate_at(St.INTRODUCED)
    intro = first_introduction(candidate)
    vote_day = story.day("vote")
    intro.introducer_disciplined_on = vote_day + ONE_DAY
    intro.save()
    intros = list(candidate.introductions.select_related("introducer"))
    assert checks.check_introducers(candidate, intros, vote_day) == []
    intro.introducer_disciplined_on = vote_day
    intro.save()
    intros = list(candidate.introductions.select_related("introducer"))
    [violation] = checks.check_introducers(candidate, intros, vote_day)
    assert violation.rule == "R6"
    assert "Quy định 294-QĐ/TW" in violation.source


def test_replacing_a_disciplined_introducer_records_the_discipline(story):
    candidate = story.candidate_at(St.INTRODUCED)
    day = story.day("opinions") + 3 * ONE_DAY
    replace(story, candidate, reason=Reason.DISCIPLINED, disciplined_on=day - 2 * ONE_DAY, day=day)
    old = first_introduction(candidate)
    assert old.introducer_disciplined_on == day - 2 * ONE_DAY
    # The replaced (disciplined) introducer no longer counts; the vote passes.
    _candidate, resolution = vote_on(story, candidate, story.day("vote"))
    assert resolution.passed


def test_a_disciplined_replacement_needs_the_date_of_the_discipline(story):
    candidate = story.candidate_at(St.INTRODUCED)
    with pytest.raises(ValidationError) as raised:
        replace(story, candidate, reason=Reason.DISCIPLINED)
    assert "disciplined_on" in raised.value.error_dict


def test_a_replacement_needs_the_chapter_resolution_and_its_letter_comes_after_it(story):
    candidate = story.candidate_at(St.INTRODUCED)
    day = story.day("opinions") + 2 * ONE_DAY
    with pytest.raises(ValidationError) as raised:
        replace(story, candidate, resolution=Document(number="", date=day))
    assert "assignment_number" in raised.value.error_dict
    with pytest.raises(ValidationError) as raised:
        replace(story, candidate, resolution=Document(number="07-NQ/CB", date=day + ONE_DAY))
    assert "date" in raised.value.error_dict
    # The letter on the resolution's own day is accepted.
    assert replace(story, candidate, resolution=Document(number="07-NQ/CB", date=day)).pk


def test_a_replacement_must_be_an_official_member(story, chapter):
    candidate = story.candidate_at(St.INTRODUCED)
    probationary = register_member(chapter, status="PROBATIONARY", effective_date=story.day("pool"))
    with pytest.raises(ValidationError) as raised:
        replace(story, candidate, introducer=probationary)
    assert [v.rule for v in raised.value.refused] == ["R6"]


def test_a_standing_introducer_cannot_be_the_replacement(story):
    candidate = story.candidate_at(St.INTRODUCED)
    second = candidate.introductions.order_by("pk")[1].introducer
    with pytest.raises(ValidationError) as raised:
        replace(story, candidate, introducer=second)
    assert "introducer" in raised.value.error_dict


def test_a_replaced_introduction_cannot_be_replaced_again(story):
    candidate = story.candidate_at(St.INTRODUCED)
    replace(story, candidate)
    with pytest.raises(ValidationError) as raised:
        replace(story, candidate, introducer=story.officials[4])
    assert "replaced" in raised.value.error_dict


def test_the_replacement_step_page(client, secretary, story):
    candidate = story.candidate_at(St.INTRODUCED)
    client.force_login(secretary)
    url = reverse("admissions:candidate-step", args=[candidate.public_id, "replace-introducer"])
    assert client.get(url).status_code == 200
    day = story.day("opinions") + 2 * ONE_DAY
    data = {
        "replaced": first_introduction(candidate).pk,
        "reason": Reason.DISCIPLINED,
        "assignment_number": "07-NQ/CB",
        "assignment_date": day.strftime("%d/%m/%Y"),
        "introducer": story.officials[5].pk,
        "date": day.strftime("%d/%m/%Y"),
    }
    # Without the discipline's date: refused beside the box, nothing written.
    response = client.post(url, data)
    assert response.status_code == 200
    assert candidate.introductions.count() == 2
    data["disciplined_on"] = (day - ONE_DAY).strftime("%d/%m/%Y")
    response = client.post(url, data)
    assert response.status_code == 302
    assert candidate.introductions.count() == 3
    page = client.get(candidate.get_absolute_url())
    assert "07-NQ/CB" in page.text
