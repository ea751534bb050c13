"""A long register book is laid out a part at a time (documents.render.PART_ROWS) and joined:
one header and total at the start, every member once, page numbers that run on."""

import datetime
import io

import pytest
from pypdf import PdfReader

from documents import registry, render
from documents.models import DocumentSettings
from tests.members.factories import register_member

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-06-01")]
NAMES = [f"Nguyễn Văn {given}" for given in ("An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khoa")]


def test_the_book_in_parts_reads_as_one(chapter, cell, monkeypatch):
    DocumentSettings.objects.create(
        chapter=chapter, superior_body="Đảng bộ Phường", issuing_body="Chi bộ 3", place="Hà Nội"
    )
    for name in NAMES:
        register_member(cell=cell, full_name=name)
    kind = registry.CHAPTER_BY_SLUG["register-book"]
    context = kind.gather(chapter, datetime.date(2020, 5, 31)).context
    whole = PdfReader(io.BytesIO(render.to_pdf(kind, context)))
    monkeypatch.setattr(render, "PART_ROWS", 3)  # 7 members: parts of 3, 3 and 1
    parts = PdfReader(io.BytesIO(render.to_pdf(kind, context)))
    pages = [" ".join(page.extract_text().split()) for page in parts.pages]
    text = " ".join(pages)
    assert len(parts.pages) >= 3 > len(whole.pages) - 1
    assert text.count("SỔ DANH SÁCH ĐẢNG VIÊN") == 1
    assert text.count("Tổng số đảng viên của Chi bộ: 7 đảng viên") == 1
    for name in NAMES:
        assert text.count(name) == 1
    # From page 2 the number stands at the top; it goes on across the parts.
    for number, page in enumerate(pages[1:], start=2):
        assert page.startswith(f"{number} ") or page.endswith(f" {number}"), page[-20:]
