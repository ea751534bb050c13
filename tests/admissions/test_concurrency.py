"""Two secretaries confirm the same probationary member at the same moment.

On PostgreSQL the candidate row lock (``select_for_update``) makes the second confirmation wait
for the first and then see the case already closed: one wins, the other gets a clear
``StepNotAllowed``. On SQLite the IMMEDIATE transactions serialise the writers instead; that
needs a file-based test database (two connections to Django's default in-memory test database
share a cache whose table locks fail at once rather than wait), so on the default in-memory
SQLite this test is skipped (it passes with ``DATABASES["default"]["TEST"]["NAME"]`` set to a
file). CI runs the suite on PostgreSQL, where it always runs.
"""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.utils import translation

from admissions import services
from admissions.models import Candidate, CandidateEvent, Decision, Form
from chapter.documents import Document
from members import services as member_services
from members.models import Member, MemberEvent
from members.services import TransitionNotAllowed
from tests.admissions.factories import PipelineStory

pytestmark = pytest.mark.django_db(transaction=True)
St = Candidate.Stage
D = datetime.date
DECIDED = D(2020, 6, 25)


@pytest.fixture(autouse=True)
def real_concurrency():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("concurrent writers need PostgreSQL or a file-based SQLite test database")
    if connection.vendor not in ("postgresql", "sqlite"):
        pytest.skip(f"not written for {connection.vendor}")


def race(calls):
    """Run each call in its own thread, released together; (outcome, value) per call."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):
                try:
                    results[index] = ("ok", call())
                except Exception as exc:  # the loser's error is the point of the test
                    results[index] = ("error", exc)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def confirmation_voted() -> Candidate:
    story = PipelineStory.build(officials=6)
    candidate = story.candidate_at(St.ADMITTED)
    for form in (
        Form.SELF_REVIEW,
        Form.MENTOR_ASSESSMENT,
        Form.MEMBER_OPINIONS,
        Form.NEW_MEMBER_COURSE,
    ):
        services.candidate_add_document(
            candidate_id=candidate.pk,
            actor=None,
            form=form,
            paper=Document(number="", date=D(2020, 5, 20)),
        )
    vote = services.Vote(D(2020, 6, 2), "05-NQ/CB", present=6, votes_for=6, votes_against=0)
    candidate, _ = services.candidate_confirmation_vote(
        candidate_id=candidate.pk, actor=None, vote=vote
    )
    return candidate


@pytest.mark.freeze_time(D(2020, 7, 15))
def test_two_confirmations_at_once_one_wins_and_the_other_is_refused(monkeypatch):
    candidate = confirmation_voted()
    real_confirm = member_services.member_confirm_official

    def slow_confirm(**kwargs):
        # Hold the locks a moment, so the other thread is surely waiting on them.
        member = real_confirm(**kwargs)
        time.sleep(0.3)
        return member

    monkeypatch.setattr(member_services, "member_confirm_official", slow_confirm)

    def confirm(number):
        return lambda: services.candidate_confirm(
            candidate_id=candidate.pk,
            actor=None,
            decision=Document(
                number=number, date=DECIDED, issuing_body="Ban Thường vụ Đảng ủy Khối"
            ),
        )

    results = race([confirm("16-QĐ/1"), confirm("16-QĐ/2")])

    outcomes = sorted(result[0] for result in results)
    assert outcomes == ["error", "ok"], results
    _, error = next(result for result in results if result[0] == "error")
    # The candidate's lock made the loser wait and then read the closed case: a StepNotAllowed
    # (without it, the member's lock would still refuse with a TransitionNotAllowed).
    assert isinstance(error, services.StepNotAllowed), error
    assert not isinstance(error, TransitionNotAllowed)
    assert error.messages == [
        "A candidate at the stage “official member” cannot move to “official member”."
    ]
    member = Member.objects.get(pk=candidate.member_id)
    assert member.status == Member.Status.OFFICIAL
    assert member.events.filter(kind=MemberEvent.Kind.CONFIRMED).count() == 1
    assert (
        Decision.objects.filter(candidate=candidate, kind=Decision.Kind.CONFIRMATION).count() == 1
    )
    assert CandidateEvent.objects.filter(candidate=candidate, to_stage=St.OFFICIAL).count() == 1
    winner = next(result[1] for result in results if result[0] == "ok")
    assert member.confirmation_decision_number == winner.decisions.get(kind="CONFIRMATION").number
