"""Time the main pages on a large synthetic dataset (``manage.py seed_scale``).

Usage (from the repository root)::

    .venv/bin/python bench/bench_pages.py --members 5000 --runs 7

It migrates a throw-away database (``DATABASE_URL``, by default
``sqlite:////tmp/bench.sqlite3``; a PostgreSQL URL works too, but never point it at real data:
``seed_scale --reset`` runs there), fills it with ``seed_scale``, then requests each page with
the Django test client, as the secretary of the largest chapter and as the committee officer
(every chapter), and prints a Markdown table: the median time of ``--runs`` requests after one
warm-up request, and the number of queries of the page. A page that answers 404 (not built yet)
is reported as skipped.

The settings are the production ones (``chapter.settings``, ``DEBUG`` off), except plain static
file storage (no ``collectstatic`` needed) and ``testserver`` as an allowed host.

Results are recorded in bench/README.md with the commit they were measured on.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chapter.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DJANGO_DEBUG", "False")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from demo.scale import SYNTHETIC_COMMITTEE, USER_PREFIX  # noqa: E402
from members.models import Chapter, Committee, Member, RoleAssignment  # noqa: E402

BENCH_SETTINGS = {
    "ALLOWED_HOSTS": ["testserver"],
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
}
BACKEND = "django.contrib.auth.backends.ModelBackend"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--chapters", type=int, help="default: members // 50")
    parser.add_argument("--runs", type=int, default=7, help="timed requests per page")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the synthetic data already in the database"
    )
    options = parser.parse_args()
    print(f"Database: {connection.settings_dict['NAME']} ({connection.vendor})")
    call_command("migrate", verbosity=0)
    if not options.reuse:
        started = time.perf_counter()
        call_command(
            "seed_scale",
            members=options.members,
            chapters=options.chapters,
            reset=True,
            verbosity=1,
        )
        print(f"seed_scale: {time.perf_counter() - started:.1f} s")
    with override_settings(**BENCH_SETTINGS):
        rows = bench(options.runs)
    print_table(rows, options.runs)


def actors() -> list[tuple[str, object, Chapter]]:
    """The secretary of the largest chapter, and the committee officer at the top of the tree."""
    on_roll = Q(members__status__in=Member.ACTIVE_STATUSES)
    root = Committee.objects.get(name=SYNTHETIC_COMMITTEE, depth=1)
    largest = (
        Chapter.objects.filter(committee__path__startswith=root.path)  # the whole tree
        .annotate(size=Count("members", filter=on_roll))
        .order_by("-size", "pk")
        .first()
    )
    secretary = RoleAssignment.objects.get(role="SECRETARY", chapter=largest).user
    officer = RoleAssignment.objects.get(
        role="COMMITTEE_OFFICER", user__username=f"{USER_PREFIX}capuy"
    ).user
    print(f"Largest chapter: {largest.name}, {largest.size} members on the roll")
    return [
        (f"secretary ({largest.size} members)", secretary, largest),
        (f"committee officer ({Member.objects.active().count()} members)", officer, largest),
    ]


def pages(chapter: Chapter) -> list[tuple[str, str]]:
    member = (
        Member.objects.filter(chapter=chapter)
        .active()
        .annotate(events_count=Count("events"))
        .order_by("-events_count", "pk")
        .first()
    )
    return [
        ("register, first page", "/members/"),
        ("register, search “nguyen”", "/members/?q=nguyen"),
        ("admissions board", "/admissions/"),
        ("reports", "/reports/"),
        ("member record", member.get_absolute_url()),
    ]


def bench(runs: int) -> list[tuple[str, str, str, float | None, int | None]]:
    rows = []
    for actor, user, chapter in actors():
        client = Client()
        client.force_login(user, backend=BACKEND)
        for label, url in pages(chapter):
            rows.append((actor, label, url, *measure(client, url, runs)))
    return rows


def measure(client: Client, url: str, runs: int) -> tuple[float | None, int | None]:
    """(median milliseconds, queries) of ``runs`` requests after a warm-up; None if 404."""
    if client.get(url, secure=True).status_code == 404:
        return None, None
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    return statistics.median(times), len(queries)


def print_table(rows, runs: int) -> None:
    print(f"\n| as | page | URL | median of {runs} (ms) | queries |")
    print("|---|---|---|---:|---:|")
    for actor, label, url, median, queries in rows:
        url = re.sub(r"[0-9a-f-]{36}", "<uuid>", url)
        if median is None:
            print(f"| {actor} | {label} | `{url}` | skipped (404) | — |")
        else:
            print(f"| {actor} | {label} | `{url}` | {median:.0f} | {queries} |")


if __name__ == "__main__":
    main()
