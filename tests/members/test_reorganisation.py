"""Reorganisation by decision (members/services/reorganisation.py; issue #15 item 3): a merge of
two chapters with their figures before and after, splits, cells and chapters moved, the roles
ended, the cells closed, the refusals that write nothing and the number of queries.

The tree:  Đảng ủy xã (X) ─┬─ chapters A, B, T
                           └─ Đảng ủy khác (Y) ── chapter Y1
           Elsewhere (E) ── chapter E1
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from admissions.models import Candidate
from members import services
from members.models import Cell, Chapter, Handover, Member, MemberEvent, Reorganisation
from members.models import RoleAssignment as RA
from members.services.reorganisation import (
    Decision,
    reorganise_merge,
    reorganise_move_cells,
    reorganise_move_chapters,
    reorganise_split,
)
from reports import queries
from reports.stored import Subtrees
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
    register_member,
)
from tests.reports.test_unit_pages import candidate

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-16")]
D = datetime.date
DAY = D(2026, 3, 2)  # the decision
BEFORE = DAY - datetime.timedelta(days=1)
St = Candidate.Stage
Kind = MemberEvent.Kind


@pytest.fixture
def world():
    x = CommitteeFactory(name="Đảng ủy xã X")
    y = CommitteeFactory(name="Đảng ủy Y", parent=x)
    e = CommitteeFactory(name="Đảng ủy E")
    a = ChapterFactory(name="Chi bộ A", committee=x)
    b = ChapterFactory(name="Chi bộ B", committee=x)
    t = ChapterFactory(name="Chi bộ T", committee=x)
    y1 = ChapterFactory(name="Chi bộ Y1", committee=y)
    e1 = ChapterFactory(name="Chi bộ E1", committee=e)
    cells = {
        "a1": CellFactory(chapter=a, name="Tổ 1"),
        "a2": CellFactory(chapter=a, name="Tổ 2"),
        "b1": CellFactory(chapter=b, name="Tổ 1"),
        "t1": CellFactory(chapter=t, name="Tổ 1"),
    }
    officer = UserFactory(username="officer_x")
    give_role(officer, RA.Role.COMMITTEE_OFFICER, committee=x)
    return {
        "x": x, "y": y, "e": e, "a": a, "b": b, "t": t, "y1": y1, "e1": e1,
        "cells": cells, "officer": officer,
    }  # fmt: skip


def decision(w, committee=None, day=DAY, **extra) -> Decision:
    return Decision(
        committee=committee or w["x"],
        number="15-QĐ/ĐU",
        date=day,
        issuing_body="Đảng ủy xã X",
        **extra,
    )


def scope(*chapters):
    return Member.objects.in_chapters(Chapter.objects.filter(pk__in=[c.pk for c in chapters]))


def populate(w):
    cells = w["cells"]
    members = {
        "a": [register_member(w["a"], cell=cells["a1"]) for _ in range(3)]
        + [register_member(w["a"], cell=cells["a2"])],
        "b": [register_member(w["b"], cell=cells["b1"]) for _ in range(2)]
        + [register_member(w["b"], status=Member.Status.PROBATIONARY)],
        "t": [register_member(w["t"], cell=cells["t1"])],
    }
    return members


# Merge ---------------------------------------------------------------------------------------


def test_a_merge_moves_every_member_on_the_roll_with_one_entry_and_keeps_the_past(world):
    w = world
    members = populate(w)
    gone = register_member(w["a"], cell=w["cells"]["a1"])
    services.member_record_death(member_id=gone.pk, actor=None, effective_date=D(2025, 1, 10))
    secretary = UserFactory(username="sec_a")
    role = give_role(secretary, RA.Role.SECRETARY, chapter=w["a"])
    leader = give_role(UserFactory(username="lead_b1"), RA.Role.CELL_LEADER, cell=w["cells"]["b1"])
    case = candidate(w["a"], St.DOSSIER_OPEN)
    closed_case = candidate(w["b"], St.REJECTED)

    record = reorganise_merge(
        decision(w, note="Theo đề án"), sources=[w["a"], w["b"]], target=w["t"], actor=w["officer"]
    )

    # The members on the roll: in T, one MOVED_CHAPTER entry each, dated the decision date.
    moved = members["a"] + members["b"]
    for member in moved:
        member.refresh_from_db()
        assert member.chapter_id == w["t"].pk
        (entry,) = member.events.filter(kind=Kind.MOVED_CHAPTER)
        assert entry.chapter_id == w["t"].pk
        assert entry.effective_date == DAY
        assert (entry.document_kind, entry.document_number) == ("DECISION", "15-QĐ/ĐU")
        assert entry.document_date == DAY and entry.issuing_body == "Đảng ủy xã X"
        assert entry.counterpart in {"Chi bộ A", "Chi bộ B"}
        assert entry.cell_id == member.cell_id
    gone.refresh_from_db()
    assert gone.chapter_id == w["a"].pk  # off the roll: stays in the chapter it left
    # Cells: the sources' cells become cells of T, the taken name suffixed, the old ones closed.
    names = set(Cell.objects.filter(chapter=w["t"]).values_list("name", flat=True))
    assert names == {"Tổ 1", "Tổ 1 (Chi bộ A)", "Tổ 2", "Tổ 1 (Chi bộ B)"}
    assert {m.cell.name for m in members["a"][:3]} == {"Tổ 1 (Chi bộ A)"}
    assert members["b"][2].cell_id is None
    for key in ("a1", "a2", "b1"):
        w["cells"][key].refresh_from_db()
        assert w["cells"][key].closed_on == DAY
    # The sources dissolved by the decision, their roles ended on its date.
    for chapter in (w["a"], w["b"]):
        chapter.refresh_from_db()
        assert (chapter.dissolved_on, chapter.dissolved_by_id) == (DAY, record.pk)
    role.refresh_from_db()
    leader.refresh_from_db()
    assert role.end_date == DAY and leader.end_date == DAY
    assert role.history.first().history_change_reason.count("15-QĐ/ĐU") == 1
    # The open case follows, the closed one stays.
    case.refresh_from_db()
    closed_case.refresh_from_db()
    assert case.chapter_id == w["t"].pk and closed_case.chapter_id == w["b"].pk
    assert record.summary["members"] == 7
    assert record.summary["roles_ended"] == 2
    assert record.summary["cases_moved"] == 1
    assert sorted(record.summary["dissolved"]) == ["Chi bộ A", "Chi bộ B"]


def test_a_merges_figures_show_the_old_structure_before_and_the_merged_one_from_the_day(world):
    w = world
    populate(w)
    candidate(w["a"], St.POOL)
    # Stored before the decision: the decision's writes make these rows stale.
    assert Subtrees([w["x"].path]).roll_total(BEFORE) == 8
    reorganise_merge(decision(w), sources=[w["a"], w["b"]], target=w["t"], actor=w["officer"])

    # Each chapter's own figures: the day before, its own members; on the day, the merged ones.
    assert queries.roll_count(scope(w["a"]), BEFORE) == 4
    assert queries.roll_count(scope(w["b"]), BEFORE) == 3
    assert queries.roll_count(scope(w["t"]), BEFORE) == 1
    assert queries.roll_count(scope(w["a"]), DAY) == 0
    assert queries.roll_count(scope(w["b"]), DAY) == 0
    assert queries.roll_count(scope(w["t"]), DAY) == 8
    # The committee's total is the same on both days, by chapter as the ledger held it.
    committee = Member.objects.in_chapters(Chapter.objects.filter(committee=w["x"]))
    assert queries.roll_count(committee, BEFORE) == queries.roll_count(committee, DAY) == 8
    by_chapter = queries.by_chapter(committee, BEFORE)
    assert {row.label: row.count for row in by_chapter.rows if row.count} == {
        "Chi bộ A": 4,
        "Chi bộ B": 3,
        "Chi bộ T": 1,
    }
    after = queries.by_chapter(committee, DAY)
    assert {row.label: row.count for row in after.rows if row.count} == {"Chi bộ T": 8}
    # The stored figures (reports.stored) agree with the live ones on both days.
    for day in (BEFORE, DAY):
        stored = Subtrees([w["x"].path])
        assert stored.roll_total(day) == queries.roll_count(committee, day) == 8
        marginals = stored.marginals(day)
        assert marginals.count() == 8
    # The period report of the decision's quarter: moved in by the decision in T, moved out in
    # A and B; no transfer, admission or exit.
    quarter = (D(2026, 1, 1), D(2026, 3, 31))
    counts = queries.in_period(scope(w["t"]), *quarter).counts
    assert {k: n for k, n in counts.items() if n} == {"moved_in": 7}
    counts = queries.in_period(scope(w["a"]), *quarter).counts
    assert {k: n for k, n in counts.items() if n} == {"moved_out": 4}
    counts = queries.in_period(scope(w["t"]), D(2026, 1, 1), BEFORE).counts
    assert not any(counts.values())
    stored_period = Subtrees([w["x"].path]).in_period(D(2026, 1, 1), DAY).counts
    assert stored_period == queries.in_period(committee, D(2026, 1, 1), DAY).counts


FIXED_QUERIES = 19  # two sources: one query for the open cases of each


def test_a_merge_of_300_members_is_a_fixed_number_of_queries(world):
    w = world
    for n in range(300):
        register_member(w["a"], cell=w["cells"]["a1" if n % 2 else "a2"])
    register_member(w["b"], cell=w["cells"]["b1"])
    for n in range(3):
        give_role(UserFactory(username=f"s{n}"), RA.Role.SECRETARY, chapter=w["a"])
    with CaptureQueriesContext(connection) as captured:
        record = reorganise_merge(
            decision(w), sources=[w["a"], w["b"]], target=w["t"], actor=w["officer"]
        )
    assert record.summary["members"] == 301
    # The rows' INSERTs and UPDATEs are split only by the database's limit on bound parameters
    # (SQLite: a few dozen rows a statement); every other query is made once.
    batched = ("INSERT INTO", 'UPDATE "members_member"')
    fixed = [q["sql"] for q in captured if not q["sql"].startswith(batched)]
    assert len(fixed) == FIXED_QUERIES, "\n".join(sql[:120] for sql in fixed)
    assert len(captured) <= 60
    assert MemberEvent.objects.filter(kind=Kind.MOVED_CHAPTER).count() == 301


def test_the_decision_day_and_the_day_before_a_members_latest_movement(world):
    w = world
    member = register_member(w["a"], cell=w["cells"]["a1"], effective_date=DAY)
    with pytest.raises(ValidationError) as refused:
        reorganise_merge(
            decision(w, day=BEFORE), sources=[w["a"]], target=w["t"], actor=w["officer"]
        )
    assert refused.value.error_dict["decision_date"][0].code == "before_latest_movement"
    reorganise_merge(decision(w), sources=[w["a"]], target=w["t"], actor=w["officer"])
    member.refresh_from_db()
    assert member.chapter_id == w["t"].pk


def _nothing_written(w, members, dissolved=0):
    assert not Reorganisation.objects.exists()
    assert not MemberEvent.objects.filter(kind=Kind.MOVED_CHAPTER).exists()
    for member in members:
        member.refresh_from_db()
        assert member.chapter_id == w["a"].pk
    assert Chapter.objects.filter(dissolved_on__isnull=False).count() == dissolved
    assert not Cell.objects.filter(closed_on__isnull=False).exists()


@pytest.mark.parametrize(
    "case",
    ["future", "target dissolved", "target is a source", "outside reach", "not the officer's",
     "open transfer", "before founding", "source dissolved"],
)  # fmt: skip
def test_bad_input_is_refused_with_a_message_and_writes_nothing(world, case):
    w = world
    members = [register_member(w["a"], cell=w["cells"]["a1"]) for _ in range(2)]
    paper, sources, target, actor = decision(w), [w["a"]], w["t"], w["officer"]
    if case == "future":
        paper = decision(w, day=D(2026, 3, 17))
    elif case == "target dissolved":
        Chapter.objects.filter(pk=w["t"].pk).update(dissolved_on=D(2026, 1, 1))
        w["t"].refresh_from_db()
    elif case == "source dissolved":
        Chapter.objects.filter(pk=w["b"].pk).update(dissolved_on=D(2026, 1, 1))
        w["b"].refresh_from_db()
        sources = [w["a"], w["b"]]
    elif case == "target is a source":
        sources = [w["a"], w["t"]]
    elif case == "outside reach":
        target = w["e1"]
    elif case == "not the officer's":
        paper = decision(w, committee=w["e"])
    elif case == "before founding":
        paper = decision(w, day=D(2018, 5, 13))
    elif case == "open transfer":
        Handover.objects.create(
            member=members[0],
            kind=Handover.Kind.PERMANENT,
            state=Handover.State.REQUESTED,
            from_chapter=w["a"],
            to_chapter=w["e1"],
            requested_on=D(2026, 2, 1),
        )
    with pytest.raises(ValidationError) as refused:
        reorganise_merge(paper, sources=sources, target=target, actor=actor)
    text = " ".join(refused.value.messages)
    assert "R1" not in text
    if case == "open transfer":
        assert members[0].full_name in text
    if case in {"target dissolved", "target is a source", "not the officer's", "outside reach"}:
        assert "Điều lệ Đảng, Điều 10–11" in text  # noqa: RUF001
    _nothing_written(w, members, dissolved=1 if "dissolved" in case else 0)


def test_a_superuser_may_record_any_committees_decision(world):
    w = world
    admin = UserFactory(username="root", is_superuser=True)
    register_member(w["e1"])
    below = w["e"].add_child(name="Đảng ủy E con")
    paper = decision(w, committee=w["e"])
    reorganise_move_chapters(paper, chapters=[w["e1"]], target_committee=below, actor=admin)
    w["e1"].refresh_from_db()
    assert w["e1"].committee_id == below.pk


@pytest.mark.parametrize(
    "day, accepted",
    [(D(2026, 3, 16), True), (D(2026, 3, 17), False), (D(2018, 5, 14), True),
     (D(2018, 5, 13), False)],
)  # fmt: skip
def test_the_decision_date_at_its_boundaries(world, day, accepted):
    """Today and the chapters' founding day (FOUNDED) are accepted; tomorrow and the day
    before the founding are refused."""
    w = world
    register_member(w["a"], cell=w["cells"]["a1"], effective_date=D(2018, 5, 14))
    call = lambda: reorganise_merge(  # noqa: E731
        decision(w, day=day), sources=[w["a"]], target=w["t"], actor=w["officer"]
    )
    if accepted:
        assert call().decision_date == day
    else:
        with pytest.raises(ValidationError) as refused:
            call()
        assert "decision_date" in refused.value.error_dict
        assert not Reorganisation.objects.exists()


def test_a_preview_says_what_would_move_and_writes_nothing(world):
    w = world
    members = [register_member(w["a"], cell=w["cells"]["a1"]) for _ in range(2)]
    summary = reorganise_merge(
        decision(w), sources=[w["a"]], target=w["t"], actor=w["officer"], preview=True
    )
    assert summary["members"] == 2 and summary["dissolved"] == ["Chi bộ A"]
    assert len(summary["cells"]) == 2
    _nothing_written(w, members)


# Move cells, split, move chapters ------------------------------------------------------------


def test_moving_a_cell_moves_its_members_and_leaves_the_chapter(world):
    w = world
    members = populate(w)
    leader = give_role(UserFactory(username="lead"), RA.Role.CELL_LEADER, cell=w["cells"]["a2"])
    secretary = give_role(UserFactory(username="sec"), RA.Role.SECRETARY, chapter=w["a"])
    # The cell's leader moves with it; its deputy, of another cell, stays behind.
    services.cell_save(
        chapter=w["a"],
        cell=w["cells"]["a2"],
        name="Tổ 2",
        actor=None,
        leader=members["a"][3],
        deputy_leader=members["a"][0],
    )
    record = reorganise_move_cells(
        decision(w), cells=[w["cells"]["a2"]], target=w["b"], actor=w["officer"]
    )
    moved = members["a"][3]
    moved.refresh_from_db()
    assert moved.chapter_id == w["b"].pk and moved.cell.name == "Tổ 2"
    assert moved.cell.leader_id == moved.pk and moved.cell.deputy_leader_id is None
    assert Member.objects.filter(chapter=w["a"]).count() == 3
    w["a"].refresh_from_db()
    assert w["a"].dissolved_on is None
    leader.refresh_from_db()
    secretary.refresh_from_db()
    assert leader.end_date == DAY and secretary.end_date is None
    assert record.summary["members"] == 1
    assert queries.roll_count(scope(w["a"]), BEFORE) == 4
    assert queries.roll_count(scope(w["a"]), DAY) == 3


def test_a_split_founds_new_chapters_and_dissolves_the_source_when_nothing_is_kept(world):
    w = world
    members = populate(w)
    loose = register_member(w["a"])  # no cell
    with pytest.raises(ValidationError) as refused:
        reorganise_split(
            decision(w),
            source=w["a"],
            parts=[("Chi bộ A-1", [w["cells"]["a1"]]), ("Chi bộ A-2", [w["cells"]["a2"]])],
            keep_source=False,
            actor=w["officer"],
        )
    assert refused.value.error_dict["parts"][0].code == "no_cell_part"
    assert not Chapter.objects.filter(name="Chi bộ A-1").exists()
    record = reorganise_split(
        decision(w),
        source=w["a"],
        parts=[("Chi bộ A-1", [w["cells"]["a1"]]), ("Chi bộ A-2", [w["cells"]["a2"]])],
        keep_source=False,
        no_cell_part=1,
        actor=w["officer"],
    )
    one, two = Chapter.objects.get(name="Chi bộ A-1"), Chapter.objects.get(name="Chi bộ A-2")
    assert one.committee_id == w["x"].pk and one.founded_on == DAY
    assert one.founding_decision_number == "15-QĐ/ĐU"
    assert Member.objects.filter(chapter=one).count() == 3
    loose.refresh_from_db()
    assert loose.chapter_id == two.pk and loose.cell_id is None
    assert members["a"][3].events.last().chapter_id == two.pk
    w["a"].refresh_from_db()
    assert w["a"].dissolved_by_id == record.pk
    assert queries.roll_count(scope(w["a"]), BEFORE) == 5
    assert queries.roll_count(scope(one), BEFORE) == 0
    assert queries.roll_count(scope(one), DAY) == 3


def test_a_split_that_keeps_the_source(world):
    w = world
    populate(w)
    reorganise_split(
        decision(w),
        source=w["a"],
        parts=[("Chi bộ A-2", [w["cells"]["a2"]])],
        keep_source=True,
        actor=w["officer"],
    )
    w["a"].refresh_from_db()
    assert w["a"].dissolved_on is None
    assert Member.objects.filter(chapter=w["a"]).count() == 3
    with pytest.raises(ValidationError) as refused:  # keep nothing, give away one cell of two
        reorganise_split(
            decision(w),
            source=w["b"],
            parts=[("Chi bộ B-2", [])],
            keep_source=False,
            actor=w["officer"],
        )
    assert refused.value.error_dict["parts"][0].code == "cells_left"


def test_moving_chapters_to_another_committee_writes_no_member_entry(world):
    w = world
    populate(w)
    entries = MemberEvent.objects.count()
    record = reorganise_move_chapters(
        decision(w), chapters=[w["a"]], target_committee=w["y"], actor=w["officer"]
    )
    w["a"].refresh_from_db()
    assert w["a"].committee_id == w["y"].pk
    assert MemberEvent.objects.count() == entries
    assert w["a"].history.first().history_change_reason.count("15-QĐ/ĐU") == 1
    assert record.summary["moved_chapters"] == [
        {"chapter": "Chi bộ A", "from": "Đảng ủy xã X", "to": "Đảng ủy Y"}
    ]
    assert queries.roll_count(scope(w["a"]), BEFORE) == 4
    with pytest.raises(ValidationError):  # outside the deciding committee
        reorganise_move_chapters(
            decision(w), chapters=[w["b"]], target_committee=w["e"], actor=w["officer"]
        )
