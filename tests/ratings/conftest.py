import datetime

import pytest

from members import services as member_services
from tests.members.factories import register_member

D = datetime.date


@pytest.fixture
def roll(cell, other_cell):
    """Four members on the roll at the end of 2025: two in each cell (one probationary)."""
    return [
        register_member(cell=cell, full_name="Nguyễn Văn An", gender="M"),
        register_member(cell=cell, full_name="Lê Thị Bích", gender="F"),
        register_member(cell=other_cell, full_name="Trần Văn Cường", gender="M"),
        register_member(
            cell=other_cell,
            full_name="Phạm Thị Dung",
            gender="F",
            status="PROBATIONARY",
            effective_date=D(2025, 6, 1),
            ceremony_date=D(2025, 6, 1),
        ),
    ]


def exempt(member, day, actor=None):
    return member_services.member_exempt(
        member_id=member.pk, actor=actor, effective_date=day, reason="Tuổi cao, sức khỏe yếu"
    )
