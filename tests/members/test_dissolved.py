"""After a reorganisation: a closed cell and a dissolved chapter take nothing new (the services
refuse it, with the reason), while their past stays readable."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from members import services
from tests.members.factories import CellFactory, ChapterFactory, register_member

D = datetime.date
pytestmark = pytest.mark.freeze_time("2026-03-20")


def test_a_closed_cell_takes_no_member(db):
    chapter = ChapterFactory()
    closed = CellFactory(chapter=chapter, closed_on=D(2026, 3, 1))
    with pytest.raises(ValidationError) as refused:
        register_member(cell=closed, effective_date=D(2026, 3, 10))
    assert refused.value.error_dict["cell"][0].code == "cell_closed"
    assert "01/03/2026" in refused.value.message_dict["cell"][0]
    member = register_member(cell=CellFactory(chapter=chapter))
    with pytest.raises(ValidationError):
        services.member_move_cell(
            member_id=member.pk, actor=None, effective_date=D(2026, 3, 10), cell=closed
        )
    member.refresh_from_db()
    assert member.cell != closed


def test_a_dissolved_chapter_records_nothing_from_its_dissolution(db):
    chapter = ChapterFactory(dissolved_on=D(2026, 3, 1))
    with pytest.raises(ValidationError) as refused:
        register_member(chapter, effective_date=D(2026, 3, 1))
    assert refused.value.code == "dissolved" and "01/03/2026" in refused.value.messages[0]
    assert register_member(chapter, effective_date=D(2026, 2, 28)).is_active  # the day before
