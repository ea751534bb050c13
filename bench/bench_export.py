"""The register export in the background (reports/tasks.py): rows per second and peak memory.

Runs the task in this process, as the worker would, for a committee officer of a database filled
by ``seed_scale`` (by default its top officer, ``scale-capuy``: every member), and prints the
rows, the time and the rate; run it under ``/usr/bin/time -v`` for the peak memory. The job and
its file are deleted afterwards. From the repository root:

    DATABASE_URL=postgres://chapter:chapter@127.0.0.1:5432/bench_1m DJANGO_SECRET_KEY=bench \\
        /usr/bin/time -v .venv/bin/python bench/bench_export.py --user scale-capuy [--read-only]

``--read-only`` writes the same workbook without a job: nothing is written to the database.

Reference machine (2 cores, shared with other work while measured), 07/12/2026:

| members on the database | rows written | time | rows/s | peak memory |
|---|---|---|---|---|
| see the REPORT of this change / bench/RESULTS.md | | | | |
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chapter.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from chapter.models import Job  # noqa: E402
from members import access  # noqa: E402
from reports import export_stream, tasks  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="scale-capuy")
    parser.add_argument("--as-of", default=timezone.localdate().isoformat())
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="write the workbook without a job (no row written: for a shared database)",
    )
    args = parser.parse_args()
    user = get_user_model().objects.get(username=args.user)
    if args.read_only:
        read_only(user, date.fromisoformat(args.as_of))
        return
    job = Job.objects.create(
        owner=user,
        kind=tasks.KIND,
        title="bench",
        parameters={"report": {"as_of": args.as_of}, "scope_label": "bench"},
    )
    started = time.perf_counter()
    rows = tasks.register_export.call(job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    size = job.file.size if job.file else 0
    print(f"status {job.status}, {rows:,} rows in {elapsed:.1f} s: {rows / elapsed:,.0f} rows/s")
    print(f"file {size / 1024 / 1024:.1f} MiB; {job.message}")
    if job.file:
        job.file.delete(save=False)
    job.delete()


def read_only(user, day) -> None:
    """What the task does between its checks and keeping the file, writing nothing."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.xlsx"
        started = time.perf_counter()
        with tasks._without_jit():
            rows = export_stream.register_stream(
                access.members_visible_to(user), day, path, scope_label="bench"
            )
        elapsed = time.perf_counter() - started
        size = path.stat().st_size
    print(f"read-only: {rows:,} rows in {elapsed:.1f} s: {rows / elapsed:,.0f} rows/s")
    print(f"file {size / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
