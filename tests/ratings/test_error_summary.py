"""The ratings pages' forms are not rendered by crispy: their error summaries are included by hand
(templates/_error_summary.html, issue 16): the yearly rating's formset (a bad level links to its
select, which is marked invalid), the service's refusal (a summary too), the badges' bad year."""

import datetime
import re

import pytest

from tests.chapter.test_error_summary import HEADING, linked_ids, summary_of
from tests.ratings.conftest import exempt
from tests.ratings.test_views import login, post_data, url

pytestmark = pytest.mark.freeze_time("2026-03-15")


def test_a_bad_level_links_to_its_select(client, secretary, chapter, roll):
    response = login(client, secretary, "vi").post(url(chapter), post_data([(roll[0], "X")]))
    page = response.content.decode()
    summary = summary_of(page)
    assert HEADING in summary
    assert linked_ids(summary) == ["id_form-0-level"]
    select = re.search(r'<select [^>]*id="id_form-0-level"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in select
    assert 'aria-describedby="id_form-0-level_error"' in select
    assert 'id="id_form-0-level_error"' in page


def test_a_refusal_of_the_service_is_the_summary(client, secretary, chapter, roll):
    exempt(roll[0], datetime.date(2025, 11, 1))
    response = login(client, secretary, "vi").post(url(chapter), post_data([(roll[0], "HTTNV")]))
    summary = summary_of(response.content.decode())
    assert HEADING in summary and "Quy định 366-QĐ/TW" in summary


def test_a_bad_year_of_the_badges(client, secretary):
    page = login(client, secretary, "vi").get("/ratings/badges/?year=abc").content.decode()
    assert linked_ids(summary_of(page)) == ["id_year"]
