"""Words and citations (issue 12, item 11): the Vietnamese interface speaks the Party's own terms,
and what a secretary reads cites the regulation, never an internal rule number ("R12").

R-numbers are fine in code, comments, tests and a Violation's ``rule``; they must not reach a
page: not in a compiled Vietnamese message, not in a template's text.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from chapter.rules import DEFAULTS

RULE_NUMBER = re.compile(r"\bR[0-9]{1,2}\b")
ROOT = Path(settings.BASE_DIR)
MO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.mo"
# Template comments are for developers: {# … #}, {% comment %} … {% endcomment %}, <!-- … -->.
COMMENTS = re.compile(
    r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|<!--.*?-->", re.DOTALL
)


def _templates() -> list[Path]:
    dirs = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    dirs += [path / "templates" for path in ROOT.iterdir() if (path / "apps.py").exists()]
    found = (p for d in dirs if d.is_dir() for p in d.rglob("*"))
    return sorted(p for p in found if p.suffix in {".html", ".txt"})


@pytest.mark.parametrize(
    "text, found",
    [
        ("R12: trong vòng 30 ngày", True),
        ("(R8)", True),
        ("Quy định 294-QĐ/TW, mục 3.5", False),
        ("Hướng dẫn 01-HD/TW, mục 3.4c", False),
        ("Điều lệ Đảng, Điều 4", False),
        ("CN-NTVĐ, 10-KNĐ", False),
    ],
)
def test_the_pattern_finds_rule_numbers_and_spares_the_regulations(text, found):
    assert bool(RULE_NUMBER.search(text)) is found


def test_no_compiled_vietnamese_message_carries_an_internal_rule_number():
    call_command("compiletranslations", verbosity=0)
    catalogue = polib.mofile(str(MO))
    offending = [entry.msgid for entry in catalogue if RULE_NUMBER.search(entry.msgstr)]
    assert offending == []


def test_no_template_shows_an_internal_rule_number():
    offending = {}
    for path in _templates():
        text = COMMENTS.sub("", path.read_text(encoding="utf-8"))
        if found := RULE_NUMBER.findall(text):
            offending[str(path.relative_to(ROOT))] = found
    assert offending == {}


def test_every_rule_value_label_cites_its_regulation_not_a_number():
    for key, default in DEFAULTS.items():
        assert not RULE_NUMBER.search(str(default.label)), key
        assert not RULE_NUMBER.search(default.source), key
        if key != "DUE_SOON_WD":  # the app's own setting, not a rule of the Party
            assert re.search(r"Điều lệ Đảng|Quy định|Hướng dẫn", default.source), key


# The Party's own terms (DOMAIN.md §2), where the interface names the thing.
KEY_TERMS = [
    ("Awareness-course certificate", "giấy chứng nhận học lớp bồi dưỡng nhận thức về đảng"),
    ("Transfer out", "chuyển sinh hoạt đảng chính thức"),
    ("Transfer in", "chuyển sinh hoạt đảng chính thức"),
    ("Temporary transfer out", "chuyển sinh hoạt đảng tạm thời"),
    ("Exempt from party work and meetings", "miễn công tác và sinh hoạt đảng"),
    ("exempted from party work and meetings", "miễn công tác và sinh hoạt đảng"),
    ("confirmation vote", "chi bộ xét, đề nghị công nhận đảng viên chính thức"),
    ("confirmation proposed by the chapter", "xét, đề nghị công nhận đảng viên chính thức"),
    ("Mentor", "đảng viên chính thức được phân công giúp đỡ"),
    ("Member assigned to help", "đảng viên chính thức được phân công giúp đỡ"),
    ("Superior committee", "cấp ủy cấp trên trực tiếp"),
    (
        "Re-admission needs the written consent of the provincial-level standing committee.",
        "ban thường vụ tỉnh ủy, thành ủy",
    ),
    ("Youth Union age limit, in years", "độ tuổi thanh niên"),
    ("%(name)s is in the pool.", "danh sách quần chúng ưu tú"),
    ("In the pool since", "danh sách quần chúng ưu tú"),
]


@pytest.mark.parametrize("msgid, term", KEY_TERMS, ids=[m for m, _t in KEY_TERMS])
def test_the_vietnamese_interface_uses_the_partys_terms(msgid, term):
    with translation.override("vi"):
        assert term in gettext(msgid).lower()


@pytest.mark.parametrize(
    "loose",
    [
        "miễn sinh hoạt",  # the Party says miễn công tác và sinh hoạt đảng
        "sinh hoạt tạm thời",  # chuyển sinh hoạt đảng tạm thời
        "độ tuổi đoàn",  # độ tuổi thanh niên
        "giấy chứng nhận bồi dưỡng nhận thức",  # giấy chứng nhận học lớp bồi dưỡng …
        "ban thường vụ cấp ủy cấp tỉnh",  # ban thường vụ tỉnh ủy, thành ủy
    ],
)
def test_no_vietnamese_message_uses_a_loose_word_for_a_party_term(loose):
    call_command("compiletranslations", verbosity=0)
    catalogue = polib.mofile(str(MO))
    assert [e.msgid for e in catalogue if loose in e.msgstr.lower()] == []
