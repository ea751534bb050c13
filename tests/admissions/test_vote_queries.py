"""A chapter vote POST computes the voting base once: its query count is pinned (issue 11)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admissions.models import Candidate, Resolution
from tests.admissions.factories import PipelineStory
from tests.members.factories import register_member

pytestmark = pytest.mark.django_db
St = Candidate.Stage
D = datetime.date
# Session, user and role; the case through its access helper; under the lock (savepoint, the
# locked case): the voting base (once), the papers, the introducers and their status on the
# letters' dates; the resolution, the paper, the event, the stage and their history rows; the
# session saved. It was 25 when the page ran the checks once more before the service did. The
# stored next deadline (admissions.due) adds 5: the case, its votes and its extensions, the
# working-day calendar (cached per process; this test starts with empty caches) and the update.
# +1: the stored deadline reads the calendar fresh (chapter/freshness.py); +1: the vote base
# finds the records the chapter held that day and has let go since (MemberQuerySet.of_chapter_on)
VOTE_POST_QUERIES = 28


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(D(2020, 6, 30), tick=False):
        yield


def test_a_chapter_vote_post_runs_a_fixed_number_of_queries(client, chapter, cell, secretary):
    officials = [register_member(cell=cell) for _ in range(6)]
    candidate = PipelineStory(chapter=chapter, cell=cell, officials=officials).candidate_at(
        St.INTRODUCED
    )
    client.force_login(secretary)
    url = reverse("admissions:candidate-step", args=[candidate.public_id, "vote"])
    data = {"date": "27/04/2019", "number": "01", "present": 6, "votes_for": 5, "votes_against": 1}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 302
    assert Resolution.objects.get().passed
    base_queries = [q for q in queries.captured_queries if "exemption_kind_on" in q["sql"]]
    assert len(base_queries) == 1, "the voting base is read once"
    assert len(queries.captured_queries) == VOTE_POST_QUERIES
