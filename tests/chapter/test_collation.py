"""Vietnamese name order (issue 13 §5): given name first, the Vietnamese alphabet, tones last."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from chapter.collation import ALPHABET, TONES, name_sort_key


def ordered(*names: str) -> list[str]:
    return sorted(names, key=name_sort_key)


def test_given_name_decides_first():
    assert ordered("Trần Văn Bình", "Nguyễn Văn An") == ["Nguyễn Văn An", "Trần Văn Bình"]


def test_then_middle_names_then_family_name():
    assert ordered("Vũ Thị An", "Lê Văn An", "Nguyễn Thị An") == [
        "Nguyễn Thị An",
        "Vũ Thị An",
        "Lê Văn An",
    ]


def test_no_middle_name_comes_before_a_middle_name():
    assert ordered("Nguyễn Bá An", "Vũ An") == ["Vũ An", "Nguyễn Bá An"]


def test_d_before_dd_whatever_the_tones():
    # The example: "Dương" before "Đặng", although "ặ" would sort after "ư" by code point.
    assert ordered("Đặng", "Dương") == ["Dương", "Đặng"]
    assert ordered("Nguyễn Văn Đức", "Nguyễn Văn Dũng") == ["Nguyễn Văn Dũng", "Nguyễn Văn Đức"]


def test_letters_with_marks_follow_their_base_letter():
    assert ordered("Ân", "Ăn", "An", "Bá") == ["An", "Ăn", "Ân", "Bá"]
    assert ordered("Ơn", "Ôn", "On") == ["On", "Ôn", "Ơn"]
    assert ordered("Ưng", "Uông") == ["Uông", "Ưng"]


def test_shorter_word_first():
    assert ordered("Lê Anh", "Lê An") == ["Lê An", "Lê Anh"]


def test_tones_decide_only_between_equal_letters_in_dictionary_order():
    tones = ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]  # ngang, huyền, hỏi, ngã, sắc, nặng
    assert ordered(*reversed(tones)) == tones
    # A tone never outweighs a letter: "Mạ" before "Mai".
    assert ordered("Mai", "Mạ") == ["Mạ", "Mai"]


def test_case_composed_or_decomposed_the_same():
    name = "Nguyễn Thị Ánh"
    assert name_sort_key(name) == name_sort_key(name.upper())
    assert name_sort_key(name) == name_sort_key(unicodedata.normalize("NFD", name))


def test_key_is_digits_only_so_every_database_orders_it_alike():
    key = name_sort_key("Đặng Thị Hồng Ngọc")
    assert key.isdigit()
    assert name_sort_key("") == ""


SYLLABLE = st.text(alphabet=ALPHABET, min_size=1, max_size=4).flatmap(
    lambda letters: st.sampled_from(["", *TONES]).map(
        lambda tone: unicodedata.normalize("NFC", letters[0] + tone + letters[1:])
    )
)


def reference(name: str) -> tuple:
    """The rule written the slow, obvious way: compare letter positions, then the tones."""

    def letters(word: str) -> tuple:
        base = "".join(ch for ch in unicodedata.normalize("NFD", word.lower()) if ch not in TONES)
        return tuple(ALPHABET.index(ch) for ch in unicodedata.normalize("NFC", base))

    def tone(word: str) -> int:
        marks = [TONES[ch] for ch in unicodedata.normalize("NFD", word.lower()) if ch in TONES]
        return marks[0] if marks else 0

    words = name.split()
    parts = [words[-1:], words[1:-1], words[:1] if len(words) > 1 else []]
    return (
        tuple(tuple(letters(w) for w in part) for part in parts),
        tuple(tone(w) for part in parts for w in part),
    )


@given(st.lists(SYLLABLE, min_size=1, max_size=4), st.lists(SYLLABLE, min_size=1, max_size=4))
def test_agrees_with_the_obvious_comparison(first, second):
    a, b = " ".join(first), " ".join(second)
    expected = (reference(a) > reference(b)) - (reference(a) < reference(b))
    actual = (name_sort_key(a) > name_sort_key(b)) - (name_sort_key(a) < name_sort_key(b))
    assert actual == expected
