"""Stored figures (reports/figures.py, reports/measures.py, reports/stored.py): the triggers that
date every change of a chapter, and the figures read from the store against the same figures
counted live after random movements, admissions, transfers between chapters and moves in the
committee tree.

The tree:  Tỉnh ủy ─┬─ Xã A ─┬─ chapter A1
                    │        └─ chapter A2
                    ├─ Xã B ── chapter B1
                    └─ chapter T (directly under the top)
"""

import contextlib
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admissions.models import Candidate
from chapter.documents import Document
from members import services
from members.models import Chapter, Handover, Member, MemberEvent
from reports import figures, queries, tally
from reports.models import ChapterStamp, StoredFigures
from reports.stored import Subtrees, by_stage
from tests.members.factories import (
    FOUNDED,
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    register_member,
)
from tests.members.test_ledger import ONGOING, _step
from tests.reports.test_unit_pages import candidate

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-16")]
D = datetime.date
TODAY = D(2026, 3, 16)
St = Candidate.Stage


def version(chapter) -> int:
    stamp = ChapterStamp.objects.filter(chapter_id=chapter.pk).first()
    return stamp.version if stamp else 0


@pytest.fixture
def tree():
    top = CommitteeFactory(name="Tỉnh ủy")
    a = CommitteeFactory(name="Xã A", parent=top)
    b = CommitteeFactory(name="Xã B", parent=top)
    chapters = [
        ChapterFactory(name="A1", committee=a),
        ChapterFactory(name="A2", committee=a),
        ChapterFactory(name="B1", committee=b),
        ChapterFactory(name="T", committee=top),
    ]
    cells = [CellFactory(chapter=chapter) for chapter in chapters]
    return {"top": top, "a": a, "b": b}, chapters, cells


# The triggers --------------------------------------------------------------------------------


def test_every_write_to_a_chapters_rows_raises_its_stamp(tree):
    _committees, (a1, a2, *_rest), (cell, *_cells) = tree
    before = version(a1)
    member = register_member(a1, cell=cell)  # a member row and its ledger entry
    assert version(a1) > before
    before, untouched = version(a1), version(a2)
    Member.objects.filter(pk=member.pk).update(ethnicity="Tày")  # any path, even a bulk update
    assert version(a1) > before
    assert version(a2) == untouched
    case = candidate(a2, St.POOL)
    before = version(a2)
    Candidate.objects.filter(pk=case.pk).update(stage=St.SYMPATHISER)
    assert version(a2) > before


def test_a_member_who_changes_chapter_raises_both_stamps(tree):
    _committees, (a1, a2, *_rest), (cell, other, *_cells) = tree
    member = register_member(a1, cell=cell)
    before = (version(a1), version(a2))
    Member.objects.filter(pk=member.pk).update(chapter=a2, cell=other)
    assert version(a1) > before[0]
    assert version(a2) > before[1]


def test_a_write_rolled_back_leaves_the_stamp_as_it_was(tree):
    _committees, (a1, *_rest), (cell, *_cells) = tree
    member = register_member(a1, cell=cell)
    before = version(a1)
    with contextlib.suppress(RuntimeError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(ethnicity="Tày")
        raise RuntimeError
    assert version(a1) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement triggers")
def test_postgresql_raises_a_stamp_once_a_statement(tree):
    _committees, (a1, *_rest), (cell, *_cells) = tree
    for _n in range(5):
        register_member(a1, cell=cell)
    before = version(a1)
    Member.objects.filter(chapter=a1).update(ethnicity="Tày")  # five rows, one statement
    assert version(a1) == before + 1


# The figures ---------------------------------------------------------------------------------


def live_scope(top):
    """An officer's scope (``access.members_visible_to``): the chapters under the committee,
    named, so the records they held and let go are counted on the days they held them."""
    return Member.objects.in_chapters(Chapter.objects.filter(committee__path__startswith=top.path))


def assert_agree(top, day=TODAY) -> None:
    """Every measure read from the store (checked unit by unit against a live count by
    ``FIGURES_VERIFY``) in the shapes the pages read, against the pages' live queries."""
    subtrees = Subtrees([top.path])
    scope = live_scope(top)
    stored = subtrees.marginals(day)
    live = tally.tally(scope, day, cells=False, chapters=False, units=(top.path,))
    assert stored.count() == live.count()
    for column in tally.GROUP_COLUMNS:
        wanted = {value: n for value, n in live.by(column).items() if n}
        assert stored.by(column) == wanted, column
        for value, n in wanted.items():
            assert stored.count(**{column: value}) == n
    assert stored.units == {unit: n for unit, n in live.units.items() if n}
    assert stored.party_age == {band: n for band, n in live.party_age.items() if n}
    assert subtrees.roll_total(day) == queries.roll_count(scope, day)
    first = D(day.year, 1, 1)
    assert subtrees.in_period(first, day).counts == queries.in_period(scope, first, day).counts
    assert subtrees.admissions_by_quarter(day) == queries.admissions_by_quarter(scope, day)
    live_cases = Candidate.objects.filter(chapter__committee__path__startswith=top.path)
    assert by_stage(subtrees.cases(day).total, "b") == {
        stage: live_cases.open().filter(member__isnull=True, stage=stage).count()
        for stage in St.values
        if live_cases.open().filter(member__isnull=True, stage=stage).exists()
    }


@pytest.fixture
def verified(settings):
    settings.FIGURES_VERIFY = True


NAMES = [
    *ONGOING,  # the ledger's own movements (tests/members/test_ledger.py)
    "remove",
    "death",
    "chapter",  # the member's record moves to another chapter (a transfer inside the tree)
    "case",  # an admission case moves on a stage
    "tree",  # Xã B moves under Xã A, or back
]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    moves=st.lists(
        st.tuples(
            st.sampled_from(NAMES),
            st.integers(0, 3),
            st.integers(0, 3),
            st.integers(1, 300),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_the_stored_figures_equal_the_live_ones_after_any_change(tree, verified, moves):
    committees, chapters, cells = tree
    actor = UserFactory()
    members = [
        register_member(chapters[n], cell=cells[n], effective_date=FOUNDED) for n in range(4)
    ]
    members.append(register_member(chapters[0], cell=cells[0], status=Member.Status.PROBATIONARY))
    cases = [candidate(chapters[n], St.POOL) for n in (0, 2)]
    day = D(2025, 6, 1)
    assert_agree(committees["top"])  # stored now; every change below makes some rows stale
    for name, who, where, gap in moves:
        day = min(day + datetime.timedelta(days=gap), TODAY)
        member = members[who]
        member.refresh_from_db()
        if name == "chapter":  # one record, an exit here and an arrival there
            with contextlib.suppress(ValidationError):
                handover = services.handover_request(
                    member_id=member.pk,
                    actor=actor,
                    kind=Handover.Kind.PERMANENT,
                    to_chapter=chapters[where],
                    requested_on=day,
                    letter=Document(number="1-GGT", date=day),
                )
                services.handover_accept(
                    handover_id=handover.pk, actor=actor, presented_on=day, cell=cells[where]
                )
        elif name == "case":
            stages = [St.POOL, St.SYMPATHISER, St.COURSE_DONE, St.DOSSIER_OPEN, St.REJECTED]
            Candidate.objects.filter(pk=cases[who % 2].pk).update(stage=stages[where], due_on=day)
        elif name == "tree":
            b, a = committees["b"], committees["a"]
            b.refresh_from_db()
            a.refresh_from_db()
            if b.path.startswith(a.path):
                b.move(committees["top"], "last-child", reason="Tách")
            else:
                b.move(a, "last-child", reason="Sáp nhập")
        else:
            with contextlib.suppress(ValidationError):
                cell = cells[chapters.index(member.chapter)] if where % 2 else None
                _step(name)(member, actor, day, cell)
        assert_agree(committees["top"])
        assert_agree(committees["top"], D(2025, 12, 31))


def test_only_the_changed_chapter_is_counted_again(tree, monkeypatch):
    committees, chapters, cells = tree
    counted = []
    compute = figures.MEASURES["roll"]

    def recording(chapter_rows, day_key):
        counted.append(sorted(chapter_rows.values_list("pk", flat=True)))
        return compute(chapter_rows, day_key)

    monkeypatch.setitem(figures.MEASURES, "roll", recording)
    for n in range(4):
        register_member(chapters[n], cell=cells[n])
    top = committees["top"]
    Subtrees([top.path]).marginals(TODAY)
    kept = dict(StoredFigures.objects.values_list("unit", "stamp"))
    assert counted == [sorted(chapter.pk for chapter in chapters)]
    register_member(chapters[2], cell=cells[2])  # B1, under Xã B
    assert Subtrees([top.path]).marginals(TODAY).count() == 5
    assert counted[1:] == [[chapters[2].pk]]
    now = dict(StoredFigures.objects.values_list("unit", "stamp"))
    changed = {unit for unit in now if now[unit] != kept.get(unit)}
    b = committees["b"]
    assert changed == {f"c:{chapters[2].pk}", f"k:{b.path}", f"k:{top.path}"}


def test_a_stale_row_is_never_read(tree):
    """A stored row whose stamp no longer matches is counted again, whatever it says."""
    committees, chapters, cells = tree
    register_member(chapters[0], cell=cells[0])
    top = committees["top"]
    assert Subtrees([top.path]).marginals(TODAY).count() == 1
    StoredFigures.objects.filter(unit=f"c:{chapters[0].pk}").update(counts={figures.key("n"): 99})
    ChapterStamp.objects.filter(chapter_id=chapters[0].pk).update(version=12345)
    assert Subtrees([top.path]).marginals(TODAY).count() == 1


def test_forget(tree):
    committees, chapters, cells = tree
    register_member(chapters[0], cell=cells[0])
    Subtrees([committees["top"].path]).marginals(TODAY)
    assert StoredFigures.objects.exists()
    figures.forget()
    assert not StoredFigures.objects.exists()


# The pages of an officer of many chapters -----------------------------------------------------


@pytest.fixture
def province(tree):
    """More chapters than the dashboard lists one by one, with members, exits and cases."""
    committees, chapters, _cells = tree
    extra = [
        ChapterFactory(name=f"Chi bộ {n:02}", committee=committees["a" if n % 2 else "b"])
        for n in range(queries.MAX_LISTED_CHAPTERS)
    ]
    for n, chapter in enumerate([*chapters, *extra]):
        register_member(chapter, gender=Member.Gender.FEMALE if n % 3 else Member.Gender.MALE)
        if n % 4 == 0:
            register_member(
                chapter, status=Member.Status.PROBATIONARY, effective_date=D(2026, 2, 2)
            )
    for n, chapter in enumerate(extra[:5]):
        candidate(chapter, [St.POOL, St.DOSSIER_OPEN, St.CHAPTER_APPROVED][n % 3])
    return committees


def officer(client, committee):
    user = UserFactory(username="tinhuy")
    from members.models import RoleAssignment
    from tests.members.factories import give_role

    give_role(user, RoleAssignment.Role.COMMITTEE_OFFICER, committee=committee)
    client.force_login(user)
    return client


def _pages(client):
    from django.urls import reverse

    dashboard = client.get(reverse("dashboard")).context
    report = client.get(reverse("reports:report")).context
    board = client.get(reverse("admissions:board")).context
    return (
        [(unit.obj.pk, unit.open, unit.overdue, unit.by_stage) for unit in board["units"]],
        [(column.stage, column.total) for column in board["columns"]],
        board["closed"],
        {
            key: dashboard[key]
            for key in ("roll", "cells", "ages", "sexes", "year", "quarters", "stages")
        },
        report["snapshot"],
        report["period"].counts,
        report["opening"],
        report["closing"],
    )


def test_the_officers_dashboard_and_report_show_the_same_figures_stored_or_live(
    client, province, verified, monkeypatch
):
    from django.core.management import call_command

    client = officer(client, province["top"])
    call_command("warm_figures", stdout=io.StringIO())  # as every night
    before = StoredFigures.objects.count()
    stored = _pages(client)
    assert StoredFigures.objects.count() == before  # everything read was stored
    # Today's roll, this year's (and quarter's) movements, the quarters, the cases; the roll on
    # 31/12 (the report's opening day).
    assert StoredFigures.objects.filter(unit=f"k:{province['top'].path}").count() == 5
    monkeypatch.setattr(figures, "applies", lambda reach: False)
    assert _pages(client) == stored


def test_a_report_of_a_new_past_day_is_counted_live_and_stored_for_the_next_time(
    client, province, verified, monkeypatch
):
    """The first report as of a day never asked for at this scope is counted live (the whole
    province in one query, not chapter by chapter) and its figures stored by a background task;
    the next one reads them."""
    from django.core.cache import cache
    from django.urls import reverse

    from reports import tasks

    cache.clear()  # "queued once" is remembered in the cache
    queued = []
    real = tasks.store_figures

    class Queue:  # the worker's queue, run by hand below
        @staticmethod
        def enqueue(*args):
            queued.append(args)

    monkeypatch.setattr(tasks, "store_figures", Queue)
    client = officer(client, province["top"])
    params = {"as_of": "2026-02-10", "from": "2026-01-01", "to": "2026-02-10"}
    live = client.get(reverse("reports:report"), params).context
    top = province["top"].path
    assert sorted(queued) == [
        ([top], "period", "2026-01-01..2026-02-10"),
        ([top], "roll", "2025-12-31"),
        ([top], "roll", "2026-02-10"),
    ]
    assert not StoredFigures.objects.filter(key="2026-02-10").exists()
    client.get(reverse("reports:report"), params)  # asked again before the task ran: queued once
    assert len(queued) == 3
    for args in queued:
        real.func(*args)
    again = client.get(reverse("reports:report"), params).context
    assert StoredFigures.objects.filter(unit=f"k:{top}", key="2026-02-10").exists()
    assert again["snapshot"] == live["snapshot"]
    assert (again["period"].counts, again["opening"], again["closing"]) == (
        live["period"].counts,
        live["opening"],
        live["closing"],
    )


def test_the_officers_dashboard_costs_the_same_whatever_the_number_of_chapters(
    client, province, django_assert_num_queries
):
    client = officer(client, province["top"])
    from django.urls import reverse

    client.get(reverse("dashboard"))  # stored
    with django_assert_num_queries(DASHBOARD):
        client.get(reverse("dashboard"))
    for n in range(10):
        register_member(ChapterFactory(name=f"Chi bộ mới {n}", committee=province["b"]))
    client.get(reverse("dashboard"))  # the new chapters counted and stored
    with django_assert_num_queries(DASHBOARD):
        client.get(reverse("dashboard"))


# session, user, reach; the chapters (a slice and the count); the tree's stamps; the stored
# rows of the four measures (the roll, this year's movements, the quarters, the cases); the
# units' names (committees, chapters); the due-soon list (two); the overstays
DASHBOARD = 15


def test_warm_figures_stores_the_day_and_deletes_past_days(tree, verified):
    from django.core.management import call_command

    committees, chapters, cells = tree
    register_member(chapters[0], cell=cells[0])
    top = committees["top"].path
    old = StoredFigures.objects.create
    for measure, key in (
        ("cases", "2026-03-15"),
        ("roll", "2026-03-01"),
        ("roll", "2025-12-31"),
        ("roll", "2026-03-10"),
        ("period", "2026-01-01..2026-03-01"),
        ("period", "2026-01-01..2026-03-10"),
    ):
        old(unit=f"k:{top}", measure=measure, key=key, stamp=0, counts={})
    out = io.StringIO()
    call_command("warm_figures", "--keep-days", "7", stdout=out)
    assert "1 committee tree(s)" in out.getvalue()
    kept = set(StoredFigures.objects.filter(unit=f"k:{top}").values_list("measure", "key"))
    assert kept == {
        ("roll", "2026-03-16"),
        ("roll", "2025-12-31"),
        ("roll", "2026-03-10"),
        ("period", "2026-01-01..2026-03-16"),
        ("period", "2026-01-01..2026-03-10"),
        ("quarters", "2026-03-16"),
        # this quarter started on 1 January: its opening day is 31 December
        ("cases", "2026-03-16"),
    }


# The triggers stay, and the stamps see moves -----------------------------------------------


def test_the_triggers_are_there_after_migrating_and_made_again_if_a_table_lost_them():
    from reports.apps import ensure_triggers

    tables = ("members_member", "members_memberevent", "admissions_candidate")
    names = {
        f"reports_touch_{table}_{event}"
        for table in tables
        for event in ("insert", "update", "delete")
    }
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert names <= {row[0] for row in cursor.fetchall()}
            # SQLite drops a table's triggers when a migration rebuilds the table.
            cursor.execute("DROP TRIGGER reports_touch_members_member_update")
            ensure_triggers(using="default")
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert names <= {row[0] for row in cursor.fetchall()}
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            assert names <= {row[0] for row in cursor.fetchall()}


def _delete_rows(table: str, member_id: int) -> None:
    """A script's DELETE (the ledger protects itself from the ORM; the triggers see any SQL)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE member_id = %s", [member_id])


def test_an_annulment_and_a_deletion_raise_the_chapters_stamp(tree):
    """A ledger entry alone (an annulment: the member row may not change) and a deleted row
    (a cell leader's member row removed by a script, say)."""
    from members.services import member_annul_latest

    _committees, (a1, *_rest), (cell, *_cells) = tree
    member = register_member(a1, cell=cell)
    _step("exempt")(member, UserFactory(), D(2026, 3, 2), None)
    exemption = MemberEvent.objects.filter(member=member).latest("pk")
    for change in (
        lambda: member_annul_latest(
            member_id=member.pk, actor=UserFactory(), event_id=exemption.pk, reason="Nhầm"
        ),
        lambda: _delete_rows("members_memberevent", member.pk),
    ):
        before = version(a1)
        change()
        assert version(a1) > before


def test_two_chapters_swapped_for_two_others_change_both_committees_stamps(tree, verified):
    """A committee's stamp sees which chapters are under it, not only how many and their ids'
    sum: A1 (under Xã A) swapped with B1 (under Xã B) in a reorganisation."""
    committees, chapters, cells = tree
    for n in range(3):
        register_member(chapters[n], cell=cells[n])
    register_member(chapters[0], cell=cells[0])
    top = committees["top"]
    before = Subtrees([top.path]).marginals(TODAY).units
    a1, b1 = chapters[0], chapters[2]
    a1.committee, b1.committee = committees["b"], committees["a"]
    a1.save()
    b1.save()
    after = Subtrees([top.path]).marginals(TODAY).units
    a, b = committees["a"].path, committees["b"].path
    assert (before[a], before[b]) == (3, 1)
    assert (after[a], after[b]) == (2, 2)


def test_a_chapter_moved_out_while_counting_a_whole_subtree_is_counted_alone(tree, monkeypatch):
    """Above WHOLE_SUBTREE stale chapters, the subtrees are counted in one pass; a chapter no
    longer in them by then is counted on its own, not stored as empty. (The top's row, summed
    from the tree as it was read, carries that tree's stamp: the next read counts it again.)"""
    committees, chapters, cells = tree
    for n in range(4):
        register_member(chapters[n], cell=cells[n])
    monkeypatch.setattr(figures, "WHOLE_SUBTREE", 0)
    top = committees["top"].path
    tree_ = figures.Tree()
    tree_.expand([f"k:{top}"])
    other = CommitteeFactory(name="Tỉnh khác")
    moved = chapters[3]
    moved.committee = other
    moved.save()
    found = figures.resolve(tree_, [f"k:{top}", f"c:{moved.pk}"], "roll", TODAY.isoformat())
    assert found[f"c:{moved.pk}"][figures.key("n")] == 1
    assert Subtrees([top]).roll_total(TODAY) == 3
