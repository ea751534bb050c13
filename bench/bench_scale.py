"""Time every page of issue #14 on the seeded data, in-process, beside the targets.

Usage (from the repository root), after ``manage.py seed_scale --members N`` on that database::

    export DATABASE_URL=postgres://chapter:chapter@127.0.0.1:5432/bench_x
    .venv/bin/python bench/bench_scale.py --explain /tmp/plans.txt

For five users found in the data (the secretary of a chapter of median size and of the largest
chapter, the leader of the largest cell, the committee officer at the top of the tree and one a
level below) it requests each page with Django's test client after one warm-up request, ``--runs``
times (30; fewer only for a page slower than ``--budget`` seconds a run): p50, p95, queries, the
slowest query and the HTML size. In the same run, on the same rows: the register against the
Django admin changelist (superuser, same page size, same chapter and statuses) and a bare
``ListView`` with a trivial template (defined below, its own URLconf), and the register's main
query as raw SQL with ``EXPLAIN ANALYZE`` (PostgreSQL). The whole-province register export runs
in a subprocess (rows/s, peak RSS); the import of 5,000 rows is bench_import.py's.

Everything runs inside one transaction rolled back at the end (sessions, the superuser): the
database is left as it was, so a shared benchmark database stays read-only. Production settings
(``DEBUG`` off, HTTPS requests) except plain static storage and ``testserver`` as a host.
Prints Markdown for bench/RESULTS.md; ``--explain FILE`` writes the query plans.
"""

import argparse
import contextlib
import json
import math
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chapter.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DJANGO_DEBUG", "False")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import OperationalError, connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.views.generic import ListView  # noqa: E402
from scale_tables import (  # noqa: E402  (bench/, beside this script)
    CHAPTER_ACTORS,
    background_table,
    comparison_table,
    describe,
    page_table,
)

from chapter.dates import add_months  # noqa: E402
from members import access  # noqa: E402
from members.models import Cell, Chapter, Committee, Member, RoleAssignment  # noqa: E402

BACKEND = "django.contrib.auth.backends.ModelBackend"
PER_PAGE = 50  # the register's page (members.views.PER_PAGE); the admin is set to the same
URLCONF = "bench_scale_urls"
BENCH_SETTINGS = {
    "ALLOWED_HOSTS": ["testserver"],
    "ROOT_URLCONF": URLCONF,
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
}
STATEMENT_TIMEOUT = "60s"  # PostgreSQL: a page whose query runs longer is reported, not waited for
MEMORY_LIMIT_GB = 6  # address space of this process: a page loading a province fails alone
PAGE_TIMEOUT = 120  # seconds: a page slower than this is stopped (SIGALRM) and reported
# The bare ListView: same rows and order as the register's first page, a trivial template -----

BARE_TEMPLATE = engines["django"].from_string(
    "<table>{% for m in object_list %}<tr><td>{{ m.full_name }}</td><td>{{ m.date_of_birth }}"
    "</td><td>{{ m.get_status_display }}</td><td>{{ m.chapter.name }}</td><td>{{ m.cell.name }}"
    "</td></tr>{% endfor %}</table>"
)


class BareList(ListView):
    paginate_by = PER_PAGE

    def get_queryset(self):
        members = access.members_visible_to(self.request.user).for_register()
        return members.active().order_by("sort_key", "id")

    def render_to_response(self, context, **kwargs):
        from django.http import HttpResponse

        return HttpResponse(BARE_TEMPLATE.render(context, self.request))


urls = type(sys)(URLCONF)
urls.urlpatterns = [path("bench/bare/", BareList.as_view()), path("", include("chapter.urls"))]
sys.modules[URLCONF] = urls


# Who, and which pages ------------------------------------------------------------------------


def current(roles):
    return roles.filter(end_date__isnull=True).select_related("user").order_by("pk").first()


def find_actors(overrides: dict[str, str]) -> list[dict]:
    """The five users of the issue: ``--user name=username``, else the role users seed_scale
    names (demo.scale.USERS), else found in the data (median and largest chapter's secretary,
    largest cell's leader, officers at the smallest depth and one level below)."""
    User, Role = get_user_model(), RoleAssignment.Role
    named = {}
    try:
        from demo.scale import USER_PREFIX, USERS
    except ImportError:
        USER_PREFIX, USERS = "", {}
    keys = {"typical": "secretary", "largest": "largest", "cell": "cell_leader"}
    for name in ("typical", "largest", "cell", "top", "middle"):
        username = overrides.get(name) or (
            USER_PREFIX + USERS[keys.get(name, name)] if keys.get(name, name) in USERS else None
        )
        user = User.objects.filter(username=username).first() if username else None
        named[name] = user or discover(name)
    actors = []
    for name, user in named.items():
        if user is None:
            print(f"No user for '{name}': skipped")
            continue
        officer = current(RoleAssignment.objects.filter(user=user, role=Role.COMMITTEE_OFFICER))
        on_roll = access.members_visible_to(user).active().count()
        unit = officer.committee if officer else None
        actors.append({"name": name, "user": user, "on_roll": on_roll, "unit": unit})
        print(f"{name}: {user.username}, {on_roll:,} members on the roll")
    return actors


def discover(name: str):
    """A user for ``name`` found in the data, or None."""
    Role = RoleAssignment.Role
    active = Member.objects.active()
    if name in ("typical", "largest"):
        sizes = dict(active.values_list("chapter_id").annotate(n=Count("id")).order_by())
        ordered = sorted(sizes, key=lambda pk: (sizes[pk], pk))
        chapter = ordered[len(ordered) // 2] if name == "typical" else ordered[-1]
        role = current(RoleAssignment.objects.filter(role=Role.SECRETARY, chapter=chapter))
        return role.user if role else None
    if name == "cell":
        cells = dict(active.values_list("cell_id").annotate(n=Count("id")).order_by())
        for cell_id in sorted(cells, key=lambda pk: -cells[pk]):
            role = current(RoleAssignment.objects.filter(role=Role.CELL_LEADER, cell=cell_id))
            if role:
                return role.user
        return None
    officers = list(
        RoleAssignment.objects.filter(role=Role.COMMITTEE_OFFICER, end_date__isnull=True)
        .select_related("user", "committee")
        .order_by("committee__depth", "pk")
    )
    if not officers:
        return None
    if name == "top":
        return officers[0].user
    middle = [r for r in officers if r.committee.depth == officers[0].committee.depth + 1]
    return middle[len(middle) // 2].user if middle else None


def pages(actor: dict) -> list[tuple[str, str]]:
    user = actor["user"]
    members = access.members_visible_to(user).active()
    chapter = access.chapters_visible_to(user).order_by("pk").first()
    member = (
        members.filter(chapter=chapter).annotate(n=Count("events")).order_by("-n", "pk").first()
    )
    two_years_ago = add_months(timezone.localdate(), -24).isoformat()
    result = [
        ("dashboard", "/"),
        ("register", "/members/"),
        ("search", "/members/?q=nguyen+van"),
        ("member page", member.get_absolute_url() if member else None),
        ("board", "/admissions/"),
        ("reports today", "/reports/"),
        ("reports 2 years ago", f"/reports/?as_of={two_years_ago}"),
        ("unit page", f"/reports/units/{actor['unit'].public_id}/" if actor["unit"] else None),
        ("bare ListView", "/bench/bare/"),
    ]
    if actor["name"] in CHAPTER_ACTORS:  # a chapter's export stays below the background size
        result.append(("register export .xlsx", "/reports/register.xlsx"))
    return [(label, url) for label, url in result if url]


# Measuring -----------------------------------------------------------------------------------


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


class PageTimeout(Exception):
    pass


def _page_timeout(signum, frame):
    raise PageTimeout


def measure(client: Client, url: str, runs: int, budget: float) -> dict:
    """A warm-up request (captured: queries, slowest query), then ``runs`` timed requests, or
    as many as fit in ``budget`` seconds (at least 3; none when the warm-up alone is over the
    budget: the warm-up is then the one sample). A query over STATEMENT_TIMEOUT, or a warm-up
    over PAGE_TIMEOUT seconds, stops the page: it is reported, not waited for."""
    connection.queries_log.clear()  # the log keeps 9,000 queries: never let it fill up
    signal.signal(signal.SIGALRM, _page_timeout)
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            signal.setitimer(signal.ITIMER_REAL, PAGE_TIMEOUT)
            started = time.perf_counter()
            response = client.get(url, secure=True)
            content = body(response)
            first = time.perf_counter() - started
            signal.setitimer(signal.ITIMER_REAL, 0)
    except OperationalError as error:  # statement_timeout
        return {"status": f"query over {STATEMENT_TIMEOUT} ({str(error).splitlines()[0]})"}
    except PageTimeout:
        return {"status": f"over {PAGE_TIMEOUT} s, stopped"}
    except MemoryError:
        return {"status": f"over the {MEMORY_LIMIT_GB} GB memory limit, stopped"}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if response.status_code != 200:
        return {"status": response.status_code}
    captured = list(queries.captured_queries)  # read now: each request clears the log
    slowest = max(captured, key=lambda q: float(q["time"]), default=None)
    count = min(runs, max(3, int(budget // first))) if first * 3 <= budget else 0
    times = [] if count else [first * 1000]
    cpu = []  # this process's CPU time: Python's share, less disturbed by a busy machine
    for _ in range(count):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url, secure=True)
        body(response)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return {
        "status": 200,
        "p50": statistics.median(times),
        "p95": percentile(times, 95),
        "cpu": statistics.median(cpu) if cpu else None,
        "runs": count or "1 (warm-up)",
        "queries": len(captured),
        "kb": len(content) / 1024,
        "slowest": slowest,
        "all_queries": captured,
    }


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1)]


def admin_url(actor: dict) -> str | None:
    """The admin changelist holding the register's rows: same chapter, same statuses."""
    statuses = "status__in=" + ",".join(Member.ACTIVE_STATUSES)
    if actor["name"] in ("typical", "largest"):
        chapter = access.chapters_visible_to(actor["user"]).get()
        return f"/admin/members/member/?chapter__id__exact={chapter.pk}&{statuses}"
    if actor["name"] == "top" and actor["on_roll"] == Member.objects.active().count():
        return f"/admin/members/member/?{statuses}"
    return None  # a cell or a subtree: no admin filter gives the same rows


def register_sql(actor_result: dict) -> str | None:
    """The register's main query: the page of members (``LIMIT`` 50, or the count when it is
    smaller) from the captured ones."""
    for query in actor_result.get("all_queries", []):
        sql = query["sql"]
        page = re.search(r'ORDER BY "members_member"\."sort_key" ASC.* LIMIT \d+$', sql)
        if sql.startswith("SELECT") and 'FROM "members_member"' in sql and page:
            return sql
    return None


def raw_sql(sql: str, runs: int) -> tuple[float, str]:
    """(p50 ms of the query alone, EXPLAIN ANALYZE text) on PostgreSQL."""
    with connection.cursor() as cursor:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
        plan = ""
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
    return statistics.median(times), plan


def explain(sql: str) -> str:
    if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return ""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


# Export and import (subprocesses) ------------------------------------------------------------


def export_worker(username: str) -> None:
    """Child process: the whole scope's register export as the background task writes it (its
    writer called directly: the task itself needs a job row, and the database stays read-only)."""
    import tempfile

    from reports import exports

    user = get_user_model().objects.get(username=username)
    scope = access.members_visible_to(user)
    day = timezone.localdate()
    before = peak_rss_mb()
    seen = []
    started, cpu_started = time.perf_counter(), time.process_time()
    try:  # what reports.tasks.register_export writes, in the task's own setting (JIT off)
        from reports.export_stream import register_stream
    except ImportError:
        register_stream = getattr(exports, "register_stream", None)
    try:
        from reports.tasks import _without_jit
    except ImportError:
        _without_jit = contextlib.nullcontext
    if register_stream is not None:
        with tempfile.TemporaryDirectory() as folder, _without_jit():
            target = Path(folder) / "register.xlsx"
            register_stream(
                scope, day, target, scope_label="bench", progress=lambda rows: seen.append(rows)
            )
            size = target.stat().st_size
    elif hasattr(exports, "register_workbook"):
        workbook = exports.register_workbook(
            scope, day, scope_label="bench", progress=lambda rows: seen.append(rows)
        )
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
            workbook.save(file.name)
            size = os.path.getsize(file.name)
    else:  # before the background export: the download's response, read to the end
        response = exports.register_response(scope, day, scope_label="bench")
        size = sum(len(part) for part in response.streaming_content)
        seen.append(scope.count())
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = peak_rss_mb()
    rows = seen[-1] if seen else 0
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "rss_mb": peak,
                "rss_before_mb": before,
                "file_mb": size / 2**20,
            }
        )
    )


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ``ru_maxrss`` would carry the parent's peak
    across ``exec`` on Linux)."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024
    except (OSError, TypeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_export(username: str) -> dict | None:
    command = [sys.executable, __file__, "--export-worker", username]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ)
    if done.returncode:
        print(done.stderr[-2000:])
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_import(rows: int) -> dict | None:
    """bench_import.py in a subprocess (its own throw-away database)."""
    command = [sys.executable, str(ROOT / "bench" / "bench_import.py"), "--rows", str(rows)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ)
    print(done.stdout)
    line = re.search(r"import_table \(plan \+ write\)\s+([\d.]+) s\s+(\d+) queries", done.stdout)
    if done.returncode or not line:
        print(done.stderr[-2000:])
        return None
    return {"rows": rows, "seconds": float(line[1]), "queries": int(line[2])}


# Report --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page (30)")
    parser.add_argument("--budget", type=float, default=20, help="seconds per page at most (20)")
    parser.add_argument("--user", action="append", default=[], help="name=username override")
    parser.add_argument("--only", help="comma-separated actors: typical,largest,cell,top,middle")
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--no-import", action="store_true")
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument("--explain", help="write the EXPLAIN ANALYZE plans to this file")
    parser.add_argument("--export-worker", help=argparse.SUPPRESS)
    parser.add_argument("--export-only", metavar="USERNAME", help="only the export, as this user")
    options = parser.parse_args()
    if options.export_worker:
        return export_worker(options.export_worker)
    if options.export_only:
        print(json.dumps(run_export(options.export_only)))
        return None
    limit = MEMORY_LIMIT_GB * 2**30  # the machine is shared: never let one page swallow it
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    overrides = dict(item.split("=", 1) for item in options.user)
    header(options)
    plans = []
    with override_settings(**BENCH_SETTINGS), transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = '{STATEMENT_TIMEOUT}'")
        actors = find_actors(overrides)
        if options.only:
            actors = [a for a in actors if a["name"] in options.only.split(",")]
        results, compare = bench(actors, options, plans)
        transaction.set_rollback(True)
    top = next((a for a in actors if a["name"] == "top"), None)
    export = run_export(top["user"].username) if top and not options.no_export else None
    imported = None if options.no_import else run_import(options.import_rows)
    print(f"\nLoad average at the end: {load_average()}\n")
    page_table(results)
    print()
    comparison_table(compare)
    print()
    background_table(export, imported, top)
    if options.explain:
        Path(options.explain).write_text("\n\n".join(plans) + "\n")
        print(f"\nQuery plans: {options.explain}")


def bench(actors: list[dict], options, plans: list[str]):
    superuser = get_user_model().objects.create_superuser("bench-scale-admin", password=None)
    from members.admin import MemberAdmin

    MemberAdmin.list_per_page = PER_PAGE
    admin = Client()
    admin.force_login(superuser, backend=BACKEND)
    results, compare = [], []
    for actor in actors:
        client = Client()
        client.force_login(actor["user"], backend=BACKEND)
        by_label = {}
        for label, url in pages(actor):
            started = time.perf_counter()
            r = measure(client, url, options.runs, options.budget)
            by_label[label] = r
            results.append((actor, label, r))
            shown = f"p95 {r['p95']:.0f} ms" if r["status"] == 200 else f"{r['status']}"
            print(f"  {actor['name']:8} {label:24} {shown} ({time.perf_counter() - started:.0f} s)")
            if r["status"] == 200 and r["slowest"] and float(r["slowest"]["time"]) > 0.05:
                plans.append(
                    f"-- {describe(actor)}, {label}: slowest query "
                    f"{float(r['slowest']['time']) * 1000:.0f} ms\n"
                    f"{r['slowest']['sql']}\n{explain(r['slowest']['sql'])}"
                )
        row = {
            "actor": actor,
            "register": by_label.get("register"),
            "bare": by_label.get("bare ListView"),
        }
        url = admin_url(actor)
        row["admin"] = measure(admin, url, options.runs, options.budget) if url else None
        sql = register_sql(row["register"] or {})
        if sql:
            row["raw"], plan = raw_sql(sql, min(options.runs, 10))
            plans.append(f"-- {describe(actor)}, register main query\n{sql}\n{plan}")
        compare.append(row)
    return results, compare


def header(options) -> None:
    counts = {
        "members": Member.objects.count(),
        "on the roll": Member.objects.active().count(),
        "chapters": Chapter.objects.count(),
        "cells": Cell.objects.count(),
        "committees": Committee.objects.count(),
    }
    with connection.cursor() as cursor:
        version = connection.vendor
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = "PostgreSQL " + cursor.fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"Date: {date.today()}, commit {commit()}")
    print(
        f"Machine: {os.cpu_count()} CPUs, {memory:.0f} GiB, {version}, "
        f"database {connection.settings_dict['NAME']}"
    )
    print("Data: " + ", ".join(f"{value:,} {name}" for name, value in counts.items()))
    print(f"Load average at the start: {load_average()}")


def commit() -> str:
    stamp = ROOT / ".bench-commit"  # a snapshot made with `git archive` (bench/README.md)
    if stamp.exists():
        return stamp.read_text().strip()
    try:
        head = subprocess.check_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
        dirty = subprocess.check_output(["git", "-C", str(ROOT), "status", "--porcelain", "-uno"])
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.decode().strip() + (" (with uncommitted changes)" if dirty.strip() else "")


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
