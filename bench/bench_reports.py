"""Benchmark: the report page, the people behind a figure, the dashboard and the register export
for a committee of N members (reports/).

Run from the repository root (a throw-away test database is created and dropped; SQLite by
default, PostgreSQL when DATABASE_URL is set):

    .venv/bin/python bench/bench_reports.py                      # 5,000 members, 10 chapters
    .venv/bin/python bench/bench_reports.py --members 50000 --chapters 100

The synthetic committee is bulk-created (members plus one REGISTERED or ADMITTED movement
each, a few transfers out): bulk writes are acceptable in a benchmark's setup, never in the
application. Each page is requested through Django's test client as a committee officer who
sees every chapter; the script prints the time, the number of queries and, for the export, the
peak Python memory (tracemalloc) and the file size. Results: see bench/README.md.
"""

import argparse
import datetime
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
MIDDLE = ("Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thu")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hồng", "Hương", "Lan", "Nam", "Quang", "Thảo")
BATCH = 2000


def build(members: int, chapters: int, cells_per_chapter: int):
    """A committee with ``chapters`` chapters, their cells, ``members`` members and their
    movements; returns a committee officer."""
    from django.contrib.auth import get_user_model

    from chapter.text import fold
    from members.models import Cell, Chapter, Committee, Member, MemberEvent, RoleAssignment

    today = datetime.date.today()
    founded = datetime.date(2015, 1, 1)
    committee = Committee.add_root(name="Đảng ủy Khối thử", short_code="ĐUK")
    units = []
    for c in range(chapters):
        chapter = Chapter.objects.create(
            committee=committee, name=f"Chi bộ {c + 1:04d}", founded_on=founded
        )
        cells = [
            Cell.objects.create(chapter=chapter, name=f"Tổ {k + 1}")
            for k in range(cells_per_chapter)
        ]
        units.append((chapter, cells))
    Kind, Status = MemberEvent.Kind, Member.Status
    for first in range(0, members, BATCH):
        rows, probationary = [], []
        for n in range(first, min(first + BATCH, members)):
            chapter, cells = units[n % chapters]
            new = n % 20 == 0  # admitted within the last year: probationary
            ceremony = today - datetime.timedelta(days=10 + n % 300) if new else founded
            name = f"{SURNAMES[n % 10]} {MIDDLE[n % 6]} {GIVEN[(n // 10) % 10]} {n}"
            rows.append(
                Member(
                    chapter=chapter,
                    cell=cells[n % len(cells)],
                    status=Status.PROBATIONARY if new else Status.OFFICIAL,
                    full_name=name,
                    search_key=fold(name),
                    gender="F" if n % 2 else "M",
                    date_of_birth=datetime.date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                    ethnicity="Kinh" if n % 17 else "Tày",
                    general_education="12/12",
                    political_theory=("", "ELEMENTARY", "INTERMEDIATE")[n % 3],
                    ceremony_date=ceremony if new else datetime.date(1995 + n % 20, 3, 1),
                    official_date=None if new else datetime.date(1996 + n % 20, 3, 1),
                    card_number="" if new else f"{n:08d}",
                )
            )
            probationary.append(new)
        created = Member.objects.bulk_create(rows)
        events = []
        for member, new in zip(created, probationary, strict=True):
            events.append(
                MemberEvent(
                    member=member,
                    chapter_id=member.chapter_id,
                    kind=Kind.ADMITTED if new else Kind.REGISTERED,
                    effective_date=member.ceremony_date if new else founded,
                    status=member.status,
                    cell=member.cell,
                )
            )
        MemberEvent.objects.bulk_create(events)
    if connection.vendor == "postgresql":  # what autovacuum does to a live database
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    officer = get_user_model().objects.create_user("capuy_bench", password="pw")
    RoleAssignment.objects.create(
        user=officer,
        role=RoleAssignment.Role.COMMITTEE_OFFICER,
        committee=committee,
        start_date=founded,
    )
    return officer


def timed(label: str, action):
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - start
    print(f"{label:<36} {seconds:7.2f} s  {len(queries):5d} queries")
    return result


def peak_memory(label: str, action) -> None:
    """Peak Python memory of one more run (tracemalloc slows it down: not timed)."""
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<36} peak {peak / 2**20:6.1f} MiB of Python memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--chapters", type=int, default=10)
    parser.add_argument("--cells", type=int, default=4, help="cells per chapter")
    args = parser.parse_args()

    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor != "sqlite":  # never clobber the test database of a running suite
        connection.settings_dict["TEST"]["NAME"] = f"bench_reports_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        officer = timed(
            f"setup: {args.members} members",
            lambda: build(args.members, args.chapters, args.cells),
        )
        print(f"{args.chapters} chapters x {args.cells} cells, {connection.vendor}")
        client = Client()
        client.force_login(officer)
        today = datetime.date.today().isoformat()

        def page(url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        def export():
            response = client.get(f"/reports/register.xlsx?as_of={today}")
            assert response.status_code == 200
            return sum(len(block) for block in response.streaming_content)

        page("/")  # warm up: templates, translations, the working-day calendar
        timed("dashboard /", lambda: page("/"))
        timed("report /reports/?as_of=today", lambda: page(f"/reports/?as_of={today}"))
        timed(
            "people: official, page 1",
            lambda: page(f"/reports/people/?figure=official&as_of={today}"),
        )
        timed("figures .xlsx", lambda: client.get(f"/reports/figures.xlsx?as_of={today}"))
        size = timed("register .xlsx (7-HSĐV)", export)
        print(f"register file: {size / 1024:.0f} KiB")
        peak_memory("register .xlsx (7-HSĐV)", export)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
