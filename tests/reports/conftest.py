import pytest

from tests.reports.story import build_story


@pytest.fixture
def story(chapter, cell, other_cell):
    """The hand-counted chapter of tests/reports/story.py."""
    return build_story(chapter, cell, other_cell)
