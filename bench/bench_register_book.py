"""Benchmark: the chapter's register book (Sổ danh sách đảng viên, 7-HSĐV) of a chapter of N
members, as of today: gathering, the HTML preview, the PDF (WeasyPrint) and the Word file
(docxtpl) — issue 13 asks for a 500-member book in under 15 s at constant memory.

Run from the repository root (a throw-away test database is created and dropped; SQLite by
default, PostgreSQL when DATABASE_URL is set):

    .venv/bin/python bench/bench_register_book.py                  # 500 members
    .venv/bin/python bench/bench_register_book.py --members 2000

The members are bulk-created by ``bench_reports.build`` (one chapter). Each step prints its
time and number of queries; the PDF step also the peak Python memory (tracemalloc). Results:
see bench/README.md.
"""

import argparse
import datetime
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from bench_reports import build, timed  # noqa: E402
from django.db import connection  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--memory", action="store_true", help="also the PDF's peak memory")
    args = parser.parse_args()

    from django.test.utils import setup_test_environment
    from pypdf import PdfReader

    from documents import registry, render
    from documents.models import DocumentSettings
    from members.models import Chapter

    setup_test_environment()
    if connection.vendor != "sqlite":  # never clobber the test database of a running suite
        connection.settings_dict["TEST"]["NAME"] = f"bench_register_book_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        timed(f"setup: {args.members} members", lambda: build(args.members, 1, 4))
        chapter = Chapter.objects.get()
        DocumentSettings.objects.create(
            chapter=chapter, superior_body="Đảng bộ thử", issuing_body=chapter.name, place="Hà Nội"
        )
        kind = registry.CHAPTER_BY_SLUG["register-book"]
        day = datetime.date.today()
        gathered = timed("gather (as of today)", lambda: kind.gather(chapter, day))
        assert not gathered.missing, gathered.missing
        context = gathered.context
        print(f"{context['total']} on the roll, {connection.vendor}")
        timed("HTML (the preview)", lambda: render.to_html(kind, context))
        cpu = time.process_time()
        pdf = timed("PDF (WeasyPrint)", lambda: render.to_pdf(kind, context))
        print(f"PDF: {time.process_time() - cpu:.1f} s of CPU (the wall time grows with the load)")
        word = timed("Word (docxtpl)", lambda: render.to_docx(kind, chapter, context))
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"PDF {len(pdf) / 1024:.0f} KiB, {pages} pages; Word {len(word) / 1024:.0f} KiB")
        if not args.memory:
            return
        tracemalloc.start()
        start = time.perf_counter()
        render.to_pdf(kind, context)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        seconds = time.perf_counter() - start
        print(f"PDF again under tracemalloc: {seconds:.1f} s, peak {peak / 2**20:.1f} MiB")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
