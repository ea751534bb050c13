"""The register export in the background (reports/tasks.py): rows per second and peak memory.

Runs the task in this process, as the worker would, for a committee officer of a database filled
by ``seed_scale`` (by default its top officer, ``scale-capuy``: every member), and prints the
rows, the time, the rate, the CPU seconds (all the process's threads: the deflating thread of
``chapter.xlsx_stream`` too), the peak memory (VmHWM) and the load average at the start and the
end (the machine is shared: a rate means little without it). The job and its file are deleted
afterwards. From the repository root:

    DATABASE_URL=postgres://chapter:chapter@127.0.0.1:5432/bench_1m DJANGO_SECRET_KEY=bench \\
        /usr/bin/time -v .venv/bin/python bench/bench_export.py --user scale-capuy [--read-only]

``--read-only`` writes the same workbook without a job: nothing is written to the database.

Reference machine (2 cores, shared with other work while measured), 07/12/2026:

| writer (commit) | wall | rows/s | CPU s | rows/CPU-s | peak RSS | load avg |
|---|---:|---:|---:|---:|---:|---|
| model instances, generic cells (6f8b444) | 270 s | 3,322 | 143 | 6,290 | 123 MB | 0.2-4.6 |
| tuples, one string a row (7c43bee) | 287 s | 3,131 | 67 | 13,400 | 148 MB | 4.0-6.5 |
| + = ANY, deflate thread (ab1d25c) | 106 s | 8,470 | 58 | 15,400 | 136 MB | 3.9-3.1 |
| + movements read ahead (9485a8b) | 115 s | 7,840 | 60 | 15,000 | 138 MB | 2.7-3.7 |
| old and new back to back: old | 233 s | 3,855 | 132 | 6,790 | — | 3.6-4.4 |
| old and new back to back: new | 117 s | 7,709 | 52 | 17,400 | — | 3.6-4.4 |
| + the sending book's exits (523ced5) | 91 s | 9,924 | 58 | 15,600 | 136 MB | 1.9-3.2 |
| the same, as of 30/06/2025 (818,620 rows) | 76 s | 10,776 | 54 | 15,200 | 135 MB | 2.0-2.9 |

897,923 rows each (``bench_scale.py --export-only scale-capuy`` on ``bench_1m``, 1,000,000
members; the back-to-back pair by a script that also found both files' sheets byte-identical).
The last two rows were measured while the project's CI ran on the same machine (the commit
before, 946b050, gave 49-56 CPU s then). The wall time follows the machine's load: at a load
average of 3 to 4 on the 2 cores the export gets about half of the CPU it could use; its own
cost is the CPU seconds.
"""

from __future__ import annotations

import argparse
import os
import re
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
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    rows = tasks.register_export.call(job.pk)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    job.refresh_from_db()
    size = job.file.size if job.file else 0
    print(f"status {job.status}, {rows:,} rows in {elapsed:.1f} s: {rows / elapsed:,.0f} rows/s")
    print(_costs(rows, cpu, load))
    print(f"file {size / 1024 / 1024:.1f} MiB; {job.message}")
    if job.file:
        job.file.delete(save=False)
    job.delete()


def read_only(user, day) -> None:
    """What the task does between its checks and keeping the file, writing nothing."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.xlsx"
        load = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        with tasks._without_jit():
            rows = export_stream.register_stream(
                access.members_visible_to(user), day, path, scope_label="bench"
            )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = path.stat().st_size
    print(f"read-only: {rows:,} rows in {elapsed:.1f} s: {rows / elapsed:,.0f} rows/s")
    print(_costs(rows, cpu, load))
    print(f"file {size / 1024 / 1024:.1f} MiB")


def _costs(rows: int, cpu: float, load: float) -> str:
    """CPU seconds of the process (all threads), rows per CPU-second, peak memory, load."""
    try:
        status = Path("/proc/self/status").read_text()
        kilobytes = int(re.search(r"VmHWM:\s+(\d+) kB", status)[1])
        peak = f"{kilobytes / 1024:.0f} MB"
    except (OSError, TypeError):
        peak = "?"
    return (
        f"CPU {cpu:.1f} s ({rows / cpu if cpu else 0:,.0f} rows per CPU-second), peak RSS {peak},"
        f" load average {load:.2f} -> {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
