"""Benchmark: import a register file of 5,000 rows (members/importing/).

Run from the repository root (a throw-away test database is created and dropped; SQLite in
memory by default, PostgreSQL when DATABASE_URL is set):

    .venv/bin/python bench/bench_import.py                 # 5,000 rows, .xlsx
    .venv/bin/python bench/bench_import.py --rows 10000 --format csv

It times each step (read the file, plan, plan + write in one transaction, and the same file
again, which must change nothing) and counts the queries. Table and notes: bench/README.md.

Result, 2-core reference machine, 27/11/2026, on commit 0cfa887: 5,000 rows (.xlsx) plan in
0.8 s (4 queries) and import in 15.5 s on SQLite, 26.6 s on PostgreSQL 15 (~7 queries a row);
the same file again: 1.2 s, nothing written.
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
        start = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:7.2f} s  {len(queries):7d} queries")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
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
        timed(
            "import_table (plan + write)",
            lambda: importer.import_table(table, chapter=chapter, actor=actor),
        )
        assert Member.objects.filter(chapter=chapter).count() == args.rows
        events = MemberEvent.objects.count()
        again = timed(
            "same file again (nothing to write)",
            lambda: importer.import_table(table, chapter=chapter, actor=actor),
        )
        assert again.counts()["unchanged"] == args.rows
        assert MemberEvent.objects.count() == events
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
