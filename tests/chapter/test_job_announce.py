"""A background job's page (templates/jobs/): its progress is polled every 2 s and swapped in, so
the live region is outside the swapped part (a region replaced with its text is not reliably
said); the fragment carries the state in words ([data-announce-changes]), which static/js/app.js
says only when it changes, not the percentage at each poll."""

import re

import pytest
from django.urls import reverse

from tests.chapter.test_jobs import immediate, make_user, readable_test_files, start  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_job_page_says_its_state_from_one_region_outside_the_poll(client, immediate):  # noqa: F811
    owner = make_user("owner")
    job = start(owner)
    client.force_login(owner)
    page = client.get(job.get_absolute_url()).text
    (region,) = re.findall(r"<p [^>]*data-live-status[^>]*>", page)
    assert 'role="status"' in region and 'aria-live="polite"' in region
    progress = page[page.index('id="job-progress"') :]
    assert "aria-live" not in progress and 'role="status"' not in progress
    fragment = client.get(reverse("job-progress", args=[job.public_id])).text
    assert re.findall(r"data-announce data-announce-changes>([^<]*)<", fragment) == ["Đã xong."]
