"""The import writes in batches (members/importing/write.py) exactly what the services write row
by row: same members, ledger entries and history rows; a fixed number of queries per batch;
all-or-nothing across batches."""

import datetime
import math

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from admissions.models import Candidate
from members import checks, services
from members import importing as importer
from members.importing import write
from members.models import Member, MemberEvent
from tests.admissions.factories import PipelineStory
from tests.members.factories import ChapterFactory, register_member
from tests.members.test_import import ROW, plan_of, probationary_row

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-15")]

Status = Member.Status
SKIPPED = {"id", "public_id", "created_at", "updated_at", "history_id", "history_date"}


@pytest.fixture
def cells(cell, other_cell):
    return cell, other_cell


def new_rows(count: int, start: int = 0) -> list[dict]:
    rows = []
    for n in range(start, start + count):
        if n % 5 == 0:
            row = probationary_row(citizen_id=f"0011950{n:05d}", full_name=f"Trần Văn Bình {n}")
        else:
            row = {**ROW, "citizen_id": f"0011800{n:05d}", "card_number": f"0100{n:04d}"}
            row |= {"full_name": f"Nguyễn Thị Hồng {n}", "other_names": f"Hồng Nhỏ {n}"}
        rows.append(row | {"cell": ("Tổ 1", "Tổ 2", "")[n % 3], "dossier_number": f"LL-{n}"})
    return rows


def on_record(cells) -> list[Member]:
    """Members already on the roll the file updates (name, phone, decision number)."""
    return [
        register_member(
            cell=cells[0],
            citizen_id=f"0011700{n:05d}",
            full_name=f"Lê Văn {n}",
            card_number=f"0200{n:04d}",
            phone="0912000000",
        )
        for n in range(3)
    ]


def updates(members: list[Member]) -> list[dict]:
    rows = []
    for n, member in enumerate(members):
        row = {**ROW, "citizen_id": member.citizen_id, "card_number": member.card_number}
        row |= {"full_name": member.full_name, "date_of_birth": member.date_of_birth}
        row |= {"phone": f"098800000{n}", "admission_decision_number": f"{n}-QĐ/ĐU"}
        if n == 1:
            row["full_name"] = "Lê Văn Một"  # same birth date: a corrected name, search key too
        rows.append(row | {"date_of_birth": member.date_of_birth.strftime("%d/%m/%Y")})
    return rows


def row_by_row(plan: importer.Plan, actor) -> None:
    """The import as it was written before batches: each row through the public services."""
    for row in plan.to_write:
        source = write.source(plan, row)
        if row.action == importer.CREATE:
            services.member_register(
                chapter=plan.chapter, cell=row.cell, actor=actor, effective_date=row.effective_date,
                status=row.status, details=row.details, note=source, imported=True,
            )  # fmt: skip
        else:
            services.member_update_details(
                member_id=row.member.pk, actor=actor, changes=row.changes,
                reason=services.history_reason(source),
            )  # fmt: skip


def fields(obj, skip=()) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in SKIPPED | set(skip)
    }


def snapshot(chapter) -> dict:
    members = Member.objects.filter(chapter=chapter)
    key = dict(members.values_list("pk", "citizen_id"))
    events = MemberEvent.objects.filter(member__chapter=chapter)
    history = Member.history.filter(chapter=chapter)
    return {
        "members": {m.citizen_id: fields(m) for m in members},
        "events": sorted(
            (key[e.member_id], sorted(fields(e, {"member_id"}).items(), key=str)) for e in events
        ),
        "history": sorted(
            (key[h.id], sorted(fields(h).items(), key=str)) for h in history.order_by("pk")
        ),
        "tables": {m._meta.label: m._base_manager.count() for m in apps.get_models()},
    }


def test_batches_write_what_the_services_write_row_by_row(chapter, cells, secretary, monkeypatch):
    members = on_record(cells)
    rows = [*new_rows(12), *updates(members)]
    monkeypatch.setattr(write, "BATCH_SIZE", 4)  # several batches, creates and updates mixed
    with transaction.atomic():
        plan = plan_of(chapter, rows)
        assert plan.ok and plan.counts()["create"] == 12 and plan.counts()["update"] == 3
        row_by_row(plan, secretary)
        expected = snapshot(chapter)
        transaction.set_rollback(True)
    plan = plan_of(chapter, rows)
    importer.apply_plan(plan, actor=secretary)
    got = snapshot(chapter)
    assert got["members"] == expected["members"]
    assert got["events"] == expected["events"]
    assert got["history"] == expected["history"]
    assert got["tables"] == expected["tables"]  # nothing else written by one and not the other
    renamed = Member.objects.get(citizen_id=members[1].citizen_id)
    assert renamed.full_name == "Lê Văn Một" and renamed.search_key == "le van mot"
    assert Member.objects.filter(search_key__contains="hong nho 7").count() == 1
    assert len(got["events"]) == 3 + 12 and len(got["history"]) == 3 + 12 + 3


def inserts(model, count: int) -> int:
    """INSERTs of ``count`` rows: one, unless the database caps the bound parameters of a query
    (SQLite: 999, so about 20 members a query)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return math.ceil(count / connection.ops.bulk_batch_size(fields, [None] * count))


def test_the_write_is_a_fixed_number_of_queries_per_batch(chapter, cells, secretary):
    members = on_record(cells)
    for size, start in ((20, 0), (200, 20)):
        plan = plan_of(chapter, [*new_rows(size, start), *updates(members)])
        with CaptureQueriesContext(connection) as queries:
            importer.apply_plan(plan, actor=secretary)
        sql = [query["sql"] for query in queries.captured_queries]
        # savepoint, lock the 3 members, their cases (a decision number changes), the citizen
        # IDs, the card numbers, one UPDATE, release: whatever the number of rows.
        assert len([q for q in sql if not q.startswith("INSERT")]) == 7
        history = Member.history.model
        assert len([q for q in sql if q.startswith("INSERT")]) == (
            inserts(Member, size) + inserts(history, size) + inserts(MemberEvent, size)
            + inserts(history, 3)
        )  # fmt: skip
        assert len(sql) <= 11 + 0.2 * size  # the target was 2 a row
        Member.objects.filter(pk__in=[m.pk for m in members]).update(
            phone="", admission_decision_number=""
        )
    assert Member.objects.filter(chapter=chapter).count() == 3 + 220


def test_progress_follows_the_batches(chapter, cells, secretary, monkeypatch):
    monkeypatch.setattr(write, "BATCH_SIZE", 2)
    calls = []
    plan = plan_of(chapter, new_rows(5))
    importer.apply_plan(
        plan, actor=secretary, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(2, 5), (4, 5), (5, 5)]


def test_a_refusal_in_a_later_batch_writes_nothing(chapter, cells, secretary, monkeypatch):
    monkeypatch.setattr(write, "BATCH_SIZE", 2)
    rows = new_rows(5)
    plan = plan_of(chapter, rows)
    assert plan.ok
    # Between preview and confirmation, two of the last batches' IDs reach other rolls.
    register_member(ChapterFactory(), citizen_id=rows[3]["citizen_id"])
    register_member(ChapterFactory(), card_number=rows[4]["card_number"])
    calls = []
    with pytest.raises(importer.ImportFailed) as caught:
        importer.apply_plan(plan, actor=secretary, progress=lambda *done: calls.append(done))
    assert [(i.row, i.column, i.code) for i in caught.value.issues] == [
        (5, importer.COLUMN_BY_KEY["citizen_id"].header, "duplicate_identifier"),
    ]
    assert calls == [(2, 5)]  # the first batch was written, then undone
    assert not Member.objects.filter(chapter=chapter).exists()
    assert not MemberEvent.objects.filter(member__chapter=chapter).exists()


def test_every_refusal_of_a_batch_is_reported(chapter, cells, secretary):
    rows = new_rows(5)
    plan = plan_of(chapter, rows)
    register_member(ChapterFactory(), citizen_id=rows[1]["citizen_id"])
    register_member(ChapterFactory(), citizen_id="001170000009", card_number=rows[2]["card_number"])
    with pytest.raises(importer.ImportFailed) as caught:
        importer.apply_plan(plan, actor=secretary)
    assert [(i.row, i.code) for i in caught.value.issues] == [
        (3, "duplicate_identifier"),
        (4, "duplicate_identifier"),
    ]
    assert caught.value.issues[1].column == importer.COLUMN_BY_KEY["card_number"].header


def test_identifiers_are_checked_against_the_roll_and_each_other(chapter, cell):
    held = register_member(cell=cell, citizen_id="001180000001", card_number="01000001")
    new = [
        Member(citizen_id="001180000002", card_number=""),
        Member(citizen_id="001180000002", card_number="01000002"),  # the row above has it
        Member(citizen_id="", card_number="01000001"),  # a member on the roll has it
    ]
    errors = checks.identifier_conflicts([held, *new])  # held saved as it is: no duplicate
    assert sorted(errors) == [2, 3]
    assert set(errors[2].error_dict) == {"citizen_id"}
    assert set(errors[3].error_dict) == {"card_number"}
    assert errors[2].error_dict["citizen_id"][0].code == "duplicate_identifier"
    assert sorted(checks.identifier_conflicts(new)) == [1, 2]
    # A former member (transferred out) keeps the number without blocking it.
    services.member_transfer_out(
        member_id=held.pk, actor=None, effective_date=datetime.date(2024, 3, 1),
        to_organisation="Chi bộ khác",
        letter=services.Document(number="1-GGT", date=datetime.date(2024, 3, 1)),
    )  # fmt: skip
    assert sorted(checks.identifier_conflicts(new)) == [1]


def test_a_case_paper_is_refused_in_a_batch_too(chapter, cell, secretary):
    story = PipelineStory(
        chapter=chapter, cell=cell, officials=[register_member(cell=cell) for _ in range(6)]
    )
    member = story.candidate_at(Candidate.Stage.ADMITTED).member
    row = {**ROW, "full_name": member.full_name, "citizen_id": "", "card_number": ""}
    row |= {"date_of_birth": member.date_of_birth.strftime("%d/%m/%Y"), "status": "Dự bị"}
    row |= {"admission_decision_number": "99-QĐ/ĐU", "phone": "0988000111"}
    plan = plan_of(chapter, [row])
    assert plan.ok and plan.rows[0].member == member and plan.rows[0].action == importer.UPDATE
    with pytest.raises(importer.ImportFailed) as caught:
        importer.apply_plan(plan, actor=secretary)
    assert {i.code for i in caught.value.issues} == {"through_case_only"}
    member.refresh_from_db()
    assert member.phone != "0988000111"


def test_prefetched_cases_are_the_cases_read_one_by_one(chapter, cell):
    story = PipelineStory(
        chapter=chapter, cell=cell, officials=[register_member(cell=cell) for _ in range(6)]
    )
    admitted = story.candidate_at(Candidate.Stage.ADMITTED).member
    plain = story.officials[0]
    members = list(Member.objects.filter(pk__in=[admitted.pk, plain.pk]))
    with CaptureQueriesContext(connection) as queries:
        services.prefetch_cases(members)
    assert len(queries) == 1
    fresh = {m.pk: services.case_of(Member.objects.get(pk=m.pk)) for m in members}
    assert {m.pk: m._case_of for m in members} == fresh
    assert fresh[admitted.pk] is not None and fresh[plain.pk] is None
