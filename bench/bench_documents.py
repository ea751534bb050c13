"""Benchmark: render the chapter's documents (documents/), each in Word and in PDF.

Run from the repository root (a throw-away test database is created and dropped; SQLite in
memory by default, PostgreSQL when DATABASE_URL is set):

    .venv/bin/python bench/bench_documents.py              # 30 renderings of each, demo chapter
    .venv/bin/python bench/bench_documents.py --runs 10

It loads the demo chapter (seed_demo's builder), takes the first admission case with a chapter
vote, warms up once, then times ``--runs`` renderings of each case document that can be made for
it: gathering the data (with its query count), the HTML, the PDF (WeasyPrint) and the Word file
(docxtpl), and prints p50/p95 and the peak memory (tracemalloc) of the PDF. Chapter documents
(the register book and the lists), when the registry has them, are timed for the demo chapter
and for a chapter of ``--members`` members. Table and notes: bench/README.md.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(runs: int, action) -> tuple[float, float]:
    action()  # warm-up: fonts, templates
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), percentile(seconds, 0.95)


def peak_mib(action) -> float:
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def row(label: str, runs: int, action) -> None:
    p50, p95 = timed(runs, action)
    print(f"| {label} | {p50 * 1000:.0f} ms | {p95 * 1000:.0f} ms |")


def case_document(kind, candidate, runs: int) -> None:
    from documents import render

    with CaptureQueriesContext(connection) as queries:
        gathered = kind.gather(candidate)
    assert not gathered.missing, gathered.missing
    context = {**gathered.context, "number": "01-NQ/CB"}
    row(f"{kind.slug}: gather ({len(queries)} queries)", runs, lambda: kind.gather(candidate))
    row(f"{kind.slug}: PDF", runs, lambda: render.to_pdf(kind, context))
    row(f"{kind.slug}: Word", runs, lambda: render.to_docx(kind, candidate.chapter, context))
    peak = peak_mib(lambda: render.to_pdf(kind, context))
    print(f"| {kind.slug}: PDF peak memory | {peak:.0f} MiB | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from admissions.models import Candidate
    from demo.builder import DemoBuilder
    from documents import registry

    if connection.vendor != "sqlite":  # never clobber the test database of a running suite
        connection.settings_dict["TEST"]["NAME"] = f"bench_documents_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        DemoBuilder(password="x", today=datetime.date.today(), as_published=False).build()
        candidate = next(c for c in Candidate.objects.all() if c.resolutions.exists())
        print(f"{connection.vendor}, {args.runs} runs after one warm-up\n")
        print("| document, step | p50 | p95 |\n|---|---|---|")
        for kind in registry.case_documents(candidate):
            case_document(kind, candidate, args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
