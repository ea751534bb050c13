"""The board's cards and the deadline badge written in Python (admissions.cards): the same markup
as templates/admissions/_deadline_badge.html, every value escaped, in both languages."""

import datetime
import re
import uuid

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from admissions.cards import CardWriter, deadline_badge
from admissions.checks.freshness import Freshness
from admissions.deadlines import Deadline
from admissions.models import Candidate
from admissions.queries import CaseRow
from members.models import Cell, Chapter

D = datetime.date
DUE = D(2026, 3, 16)


def squeeze(text: str) -> str:
    text = re.sub(r">\s+", ">", str(text))
    return re.sub(r"\s+", " ", re.sub(r"\s+<", "<", text)).strip()


DEADLINES = [
    (Deadline.of("ADMISSION_DECISION", DUE), "overdue", -3),
    (Deadline.of("ADMISSION_DECISION", DUE), "overdue", -1),
    (Deadline.of("CEREMONY", DUE), "overdue", None),
    (Deadline.of("CONFIRMATION_VOTE", DUE), "soon", 1),
    (Deadline.of("CONFIRMATION_VOTE", DUE), "soon", 4),
    (Deadline.of("AWARENESS", DUE), "ok", None),
    (Deadline.of("CONFIRMATION_DECISION", DUE, excused=True), "ok", 12),
    (Deadline("R99", "<b>a rule's label</b>", DUE), "soon", 2),  # no source, escaped
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("deadline", "state", "days"), DEADLINES)
def test_the_badge_is_the_templates(language, deadline, state, days):
    context = {"deadline": deadline, "state": state, "days": days}
    with translation.override(language):
        expected = render_to_string("admissions/_deadline_badge.html", context)
        assert squeeze(deadline_badge(deadline, state, days)) == squeeze(expected)


def test_no_deadline_no_badge():
    assert deadline_badge(None, "", None) == ""


def row(*, cell=True, state="overdue", escalate=False, stale=False, **fields):
    chapter = Chapter(pk=1, name='Chi bộ "Phòng" <1>')
    candidate = Candidate(
        pk=1,
        public_id=uuid.UUID(int=7),
        full_name="Lê Thị <An>",
        stage=Candidate.Stage.INTRODUCED,
        stage_since=D(2026, 1, 5),
        chapter=chapter,
        cell=Cell(pk=2, name="Tổ & 1", chapter=chapter) if cell else None,
        **fields,
    )
    deadline = Deadline.of("ADMISSION_DECISION", DUE) if state else None
    freshness = Freshness(D(2025, 1, 1), D(2026, 1, 1), None, 12, ("LETTERS",)) if stale else None
    return CaseRow(candidate, deadline, state, -2 if state else None, escalate, freshness)


def test_a_card_shows_the_case_escaped_with_its_link_and_deadline():
    with translation.override("vi"):
        html = CardWriter(several_chapters=False).cards([row()])
        badge = deadline_badge(Deadline.of("ADMISSION_DECISION", DUE), "overdue", -2)
    assert html.startswith('<li class="card shadow-sm adm-card adm-overdue">')
    assert f'href="/admissions/{uuid.UUID(int=7)}/"' in html
    assert "Lê Thị &lt;An&gt;" in html and "Tổ &amp; 1" in html
    assert "Chi bộ" not in html  # one chapter: its name is not repeated on each card
    assert "05/01/2026" in html and "16/03/2026" in html
    assert squeeze(badge) in squeeze(html) and "quá hạn 2 ngày làm việc" in html
    assert "autofocus" not in html


def test_a_card_of_a_wide_board_names_its_chapter_and_a_more_page_focuses_the_first():
    html = CardWriter(several_chapters=True).cards(
        [row(), row(cell=False, state="")], focus_first=True
    )
    assert html.count('<div class="text-truncate">Chi bộ &quot;Phòng&quot; &lt;1&gt;</div>') == 2
    assert html.count("autofocus") == 1 and html.index("autofocus") < html.index("</li>")
    with translation.override("en"):
        assert "no cell" in CardWriter(several_chapters=False).cards([row(cell=False)])


def test_escalation_and_a_stale_dossier_are_flagged():
    with translation.override("en"):
        html = CardWriter(several_chapters=False).cards([row(escalate=True, stale=True)])
    assert "adm-escalate" in html and "escalate to the superior committee" in html
    assert "adm-stale" in html and "Dossier over 12 months old" in html
    assert "adm-escalate" not in CardWriter(several_chapters=False).cards([row()])
