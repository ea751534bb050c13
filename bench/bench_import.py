"""Benchmark: import a register file of 5,000 rows (members/importing/).

Run from the repository root (a throw-away test database is created and dropped; SQLite in
memory by default, PostgreSQL when DATABASE_URL is set):

    .venv/bin/python bench/bench_import.py                 # 5,000 rows, .xlsx
    .venv/bin/python bench/bench_import.py --rows 10000 --format csv
    .venv/bin/python bench/bench_import.py --row-by-row    # each row through the services

It times each step (read the file, plan, plan + write in one transaction, the same file again,
which must change nothing, and the file with every phone changed) with the wall time, the
process's CPU time and the queries. Table and notes: bench/README.md.

Result, 2-core reference machine, 07/12/2026, on commit 53a7485, under a load average of 10-15
(other sessions' tests): 5,000 rows (.xlsx) plan + write in batches in 18.6 s wall, 4.4 s CPU,
582 queries on SQLite; 19.4 s, 4.0 s CPU, 31 queries on PostgreSQL 15; the row-by-row write
at the same moment took 122 s (22 s CPU) and 125 s (23 s CPU), 34,807 queries. Idle, before
the batches (27/11, commit 0cfa887): 15.5 s on SQLite, 26.6 s on PostgreSQL.
"""

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

CELLS = ("Tổ 1", "Tổ 2", "Tổ 3", "Tổ 4")
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
MIDDLE = ("Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thu")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hồng", "Hương", "Lan", "Nam", "Quang", "Thảo")


def rows(count: int) -> list[dict]:
    """Official members with every column filled, a few probationary ones."""
    today = datetime.date.today()
    out = []
    for n in range(count):
        probationary = n % 25 == 0
        ceremony = (
            today - datetime.timedelta(days=30 + n % 200)
            if probationary
            else datetime.date(1990 + n % 30, 1 + n % 12, 1 + n % 28)
        )
        out.append(
            {
                "full_name": f"{SURNAMES[n % 10]} {MIDDLE[n % 6]} {GIVEN[(n // 10) % 10]} {n}",
                "gender": "Nữ" if n % 2 else "Nam",
                "date_of_birth": f"{1 + n % 28:02d}/{1 + n % 12:02d}/{1960 + n % 10}",
                "ethnicity": "Kinh",
                "hometown": "Tỉnh Thái Nguyên",
                "citizen_id": f"0011{n:08d}",
                "phone": f"09{n:08d}",
                "general_education": "12/12",
                "political_theory": "Trung cấp",
                "occupation": "Chuyên viên",
                "workplace": "Sở Y tế",
                "cell": CELLS[n % 4],
                "status": "Dự bị" if probationary else "Chính thức",
                "ceremony_date": ceremony.strftime("%d/%m/%Y"),
                "card_number": "" if probationary else f"{n:08d}",
                "dossier_number": f"LL-{n:05d}",
            }
        )
    return out


def content(values: list[dict], file_format: str) -> bytes:
    from members.importing import COLUMNS

    table = [[c.template_header for c in COLUMNS]]
    table += [[row.get(c.key, "") for c in COLUMNS] for row in values]
    if file_format == "csv":
        lines = (",".join(f'"{value}"' for value in line) for line in table)
        return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    import openpyxl

    workbook = openpyxl.Workbook()
    for line in table:
        workbook.active.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(label: str, action):
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start, cpu = time.perf_counter(), time.process_time()
        result = action()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    # bench_scale.py reads "<label> <seconds> s <n> queries": the CPU time comes after.
    print(f"{label:<34} {seconds:7.2f} s  {len(queries):7d} queries  (CPU {cpu:6.2f} s)")
    return result


def row_by_row(table, *, chapter, actor):
    """The import before batches (``--row-by-row``): plan, then each row through the public
    services, in one transaction."""
    from django.db import transaction

    from members import services
    from members.importing import CREATE, plan_import, write

    with transaction.atomic():
        plan = plan_import(table, chapter)
        for row in plan.to_write:
            note = write.source(plan, row)
            if row.action == CREATE:
                services.member_register(
                    chapter=chapter, cell=row.cell, actor=actor, effective_date=row.effective_date,
                    status=row.status, details=row.details, note=note, imported=True,
                )  # fmt: skip
            else:
                services.member_update_details(
                    member_id=row.member.pk, actor=actor, changes=row.changes,
                    reason=services.history_reason(note),
                )  # fmt: skip
    return plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument(
        "--row-by-row",
        action="store_true",
        help="write each row through the public services (the import before batches), to compare",
    )
    args = parser.parse_args()

    from django.contrib.auth import get_user_model

    from members import importing as importer
    from members.models import Cell, Chapter, Committee, Member, MemberEvent

    if connection.vendor != "sqlite":  # never clobber the test database of a running suite
        connection.settings_dict["TEST"]["NAME"] = f"bench_import_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        committee = Committee.add_root(name="Đảng ủy Khối", short_code="ĐUK")
        chapter = Chapter.objects.create(
            committee=committee, name="Chi bộ thử", founded_on=datetime.date(1990, 1, 1)
        )
        for name in CELLS:
            Cell.objects.create(chapter=chapter, name=name)
        actor = get_user_model().objects.create_user("bithu")
        data = timed("build the file", lambda: content(rows(args.rows), args.format))
        name = f"so.{args.format}"
        print(f"{args.rows} rows, {args.format}, {len(data) / 1024:.0f} KiB, {connection.vendor}")
        table = timed("read_table", lambda: importer.read_table(name, data))
        plan = timed("plan_import (preview)", lambda: importer.plan_import(table, chapter))
        assert plan.ok, plan.errors[:5]
        write = row_by_row if args.row_by_row else importer.import_table
        timed("import_table (plan + write)", lambda: write(table, chapter=chapter, actor=actor))
        assert Member.objects.filter(chapter=chapter).count() == args.rows
        events = MemberEvent.objects.count()
        again = timed(
            "same file again (nothing to write)",
            lambda: write(table, chapter=chapter, actor=actor),
        )
        assert again.counts()["unchanged"] == args.rows
        assert MemberEvent.objects.count() == events
        changed = [{**row, "phone": f"08{n:08d}"} for n, row in enumerate(rows(args.rows))]
        table = importer.read_table(name, content(changed, args.format))
        again = timed(
            "every phone changed (updates)", lambda: write(table, chapter=chapter, actor=actor)
        )
        assert again.counts()["update"] == args.rows
        assert Member.history.filter(history_type="~").count() == args.rows
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
