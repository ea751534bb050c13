"""MemberQuerySet.search: Vietnamese names found without diacritics, case or extra spaces.

The key is folded in Python (chapter.text.fold), so the answers are the same on SQLite and
PostgreSQL; nothing here depends on the database's collation or order.
"""

import unicodedata

import pytest

from members.models import Member
from tests.members.factories import ChapterFactory, register_member

pytestmark = pytest.mark.django_db

NAMES = {
    "hong": ("Nguyễn Thị Hồng", ""),
    "quan": ("Trần Hồng Quân", ""),
    "long": ("Đặng Văn Long", ""),
    "khoa": ("Dương Đăng Khoa", ""),
    "tuan": ("Lê Minh Tuấn", ""),
    "tu": ("Phạm Văn Tư", "Bé Hai"),
}


@pytest.fixture
def people(chapter):
    return {
        key: register_member(chapter, full_name=name, other_names=other)
        for key, (name, other) in NAMES.items()
    }


def found(query: str, queryset=None) -> set[str]:
    names = {name: key for key, (name, _other) in NAMES.items()}
    rows = (Member.objects.all() if queryset is None else queryset).search(query)
    return {names[name] for name in rows.values_list("full_name", flat=True)}


@pytest.mark.parametrize(
    "query",
    [
        "nguyen thi hong",
        "NGUYEN THI HONG",
        "Nguyen Thi Hong",
        "Nguyễn Thị Hồng",
        "NGUYỄN THỊ HỒNG",
        unicodedata.normalize("NFD", "Nguyễn Thị Hồng"),  # typed with combining marks
        "nguyen   thi  hong",
        "  nguyen thi hong  ",
        "nguyen\tthi\nhong",
        "nguyễn thi hồng",
    ],
)
def test_full_name_in_any_spelling(query, people):
    assert found(query) == {"hong"}


def test_part_of_a_name(people):
    assert found("hong") == {"hong", "quan"}
    assert found("Hồng") == {"hong", "quan"}
    assert found("thi ho") == {"hong"}


@pytest.mark.parametrize("query", ["đặng", "Đặng", "ĐẶNG", "dang", "DANG", "đang", "Dang"])
def test_d_with_stroke_folds_to_d(query, people):
    """Đ/đ has no decomposition in Unicode: folded by hand, "dang" and "đặng" are the same."""
    assert found(query) == {"long", "khoa"}


def test_d_with_stroke_inside_a_phrase(people):
    assert found("dang van") == {"long"}
    assert found("Đặng Văn Long") == {"long"}
    assert found("duong dang") == {"khoa"}


def test_other_names_are_searched(people):
    assert found("be hai") == {"tu"}
    assert found("Bé Hai") == {"tu"}


@pytest.mark.parametrize("query", ["", " ", "   \t "])
def test_empty_query_returns_all(query, people):
    assert found(query) == set(NAMES)


@pytest.mark.parametrize("query", ["xyz", "nguyen thi hongg", "%", "_", "hong%", "ng_yen"])
def test_no_match(query, people):
    """Nothing matches, and the wildcards of LIKE are plain characters."""
    assert found(query) == set()


def test_search_chains_with_other_filters(people, chapter):
    register_member(ChapterFactory(), full_name="Nguyễn Thị Hồng")
    assert Member.objects.search("nguyen thi hong").count() == 2
    assert found("nguyen thi hong", Member.objects.filter(chapter=chapter)) == {"hong"}
    assert Member.objects.filter(chapter=chapter).active().search("hong").count() == 2


def test_search_key_is_the_folded_name(people):
    keys = dict(Member.objects.values_list("full_name", "search_key"))
    assert keys["Nguyễn Thị Hồng"] == "nguyen thi hong"
    assert keys["Đặng Văn Long"] == "dang van long"
    assert keys["Phạm Văn Tư"] == "pham van tu be hai"
