"""A small chapter whose figures are counted by hand, built through the members services
(the ``story`` fixture of tests/reports and the dashboard's tests).

Cells: ``cell`` (A) and ``other_cell`` (B) of the shared ``chapter`` fixture.

    m1  F 15/03/1980  A  official from the founding (14/05/2018); 12/12, intermediate theory
    m2  M 01/01/1955  B  official; Tày, Phật giáo, advanced theory; exempted from 01/06/2019
    m3  F 01/06/1995  A  probationary (ceremony 14/04/2018), confirmed: official from 14/04/2019
    m4  M 05/02/1998  A  admitted 08/03/2019; removed from the probationary list 20/03/2020
    m5  M 05/02/1970  A  transferred out 10/01/2019, back on the same row 01/09/2019 into B
    m6  F 01/01/1960  A  died 11/11/2019
    m7  F 06/02/1990  B  temporarily transferred out from 01/10/2019
    m8  M 01/01/1975  —  transferred in (new row) 15/07/2019, no cell
"""

import datetime
from types import SimpleNamespace

from members import services
from members.models import Member
from tests.members.factories import FOUNDED, member_details, register_member

D = datetime.date
Status = Member.Status
AS_OF = D(2020, 2, 5)


def _letter(day):
    return services.Document(kind="TRANSFER_LETTER", number="12-GGT/ĐUK", date=day)


def build_story(chapter, cell, other_cell) -> SimpleNamespace:
    m1 = register_member(
        cell=cell,
        gender="F",
        date_of_birth=D(1980, 3, 15),
        general_education="12/12",
        political_theory="INTERMEDIATE",
    )
    m2 = register_member(
        cell=other_cell,
        gender="M",
        date_of_birth=D(1955, 1, 1),
        ethnicity="Tày",
        religion="Phật giáo",
        political_theory="ADVANCED",
    )
    services.member_exempt(
        member_id=m2.pk, actor=None, effective_date=D(2019, 6, 1), reason="Tuổi cao, sức yếu"
    )
    m3 = register_member(
        cell=cell,
        status=Status.PROBATIONARY,
        ceremony_date=D(2018, 4, 14),
        gender="F",
        date_of_birth=D(1995, 6, 1),
    )
    services.member_confirm_official(
        member_id=m3.pk,
        actor=None,
        decision=services.Document(kind="DECISION", number="16-QĐ/ĐUK", date=D(2019, 5, 1)),
    )
    details = member_details(gender="M", date_of_birth=D(1998, 2, 5))
    details.pop("official_date")
    m4 = services.member_admit(
        chapter=chapter,
        actor=None,
        cell=cell,
        details=details,
        decision=services.Document(kind="DECISION", number="9-QĐ/ĐUK", date=D(2019, 2, 20)),
        ceremony_date=D(2019, 3, 8),
    )
    services.member_remove_from_probationary_list(
        member_id=m4.pk,
        actor=None,
        decision=services.Document(kind="DECISION", number="21-QĐ/ĐUK", date=D(2020, 3, 20)),
        reason="Không đủ tư cách",
    )
    m5 = register_member(cell=cell, gender="M", date_of_birth=D(1970, 2, 5))
    services.member_transfer_out(
        member_id=m5.pk,
        actor=None,
        effective_date=D(2019, 1, 10),
        to_organisation="Chi bộ Sở Y tế",
        letter=_letter(D(2019, 1, 8)),
    )
    services.member_transfer_in(
        chapter=chapter,
        actor=None,
        effective_date=D(2019, 9, 1),
        status=Status.OFFICIAL,
        from_organisation="Chi bộ Sở Y tế",
        letter=_letter(D(2019, 8, 28)),
        cell=other_cell,
        member_id=m5.pk,
    )
    m6 = register_member(cell=cell, gender="F", date_of_birth=D(1960, 1, 1))
    services.member_record_death(member_id=m6.pk, actor=None, effective_date=D(2019, 11, 11))
    m7 = register_member(cell=other_cell, gender="F", date_of_birth=D(1990, 2, 6))
    services.member_temporary_out(
        member_id=m7.pk,
        actor=None,
        effective_date=D(2019, 10, 1),
        to_organisation="Chi bộ Trường Chính trị tỉnh",
    )
    m8 = services.member_transfer_in(
        chapter=chapter,
        actor=None,
        effective_date=D(2019, 7, 15),
        status=Status.OFFICIAL,
        from_organisation="Chi bộ Sở Công Thương",
        letter=_letter(D(2019, 7, 10)),
        details=member_details(gender="M", date_of_birth=D(1975, 1, 1)),
    )
    members = [Member.objects.get(pk=m.pk) for m in (m1, m2, m3, m4, m5, m6, m7, m8)]
    return SimpleNamespace(
        chapter=chapter,
        cell=cell,
        other_cell=other_cell,
        founded=FOUNDED,
        members=members,
        **{f"m{i}": m for i, m in enumerate(members, start=1)},
    )
