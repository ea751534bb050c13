"""Vietnamese name order, the same on every database.

A list a person reads sorts names the Vietnamese way: by given name (the last word), then the
middle names, then the family name; letters in the Vietnamese alphabet (a ă â b c d đ e ê g h i k l
m n o ô ơ p q r s t u ư v x y), and tones only where the letters are equal, in the dictionary's
order (ngang, huyền, hỏi, ngã, sắc, nặng): "Dương" before "Đặng", "An" before "Án" before "Anh".

The key is made of digits only, so that a database's own collation (SQLite's byte order,
PostgreSQL's ``en_US.UTF-8`` or ``C``) orders it as Python does: a stored column sorts the same
everywhere, without ICU.
"""

import unicodedata

# Primary order: each letter's place in the Vietnamese alphabet (Latin letters outside it, such as
# f, j, w, z in foreign names, go where the Latin alphabet puts them).
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Tone marks as combining characters, in the dictionary's order after "no tone".
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a letter of the alphabet (ă â ê ô ơ ư), kept with their letter.
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}

# Separators sort before every letter ("An" before "Anh"); a part ends before a word goes on
# ("Vũ An", with no middle name, before "Nguyễn Bá An").
_PART_END = "00"
_WORD_END = "01"
_FIRST_LETTER = 10
_OTHER = 99  # digits and other characters after the letters


def _letters_and_tones(word: str) -> tuple[list[int], list[int]]:
    letters: list[int] = []
    tones: list[int] = []
    tone = 0
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in TONES:
            tone = TONES[char]
            continue
        if char in LETTER_MARKS and letters:
            base = ALPHABET[letters[-1] - _FIRST_LETTER] if letters[-1] != _OTHER else ""
            composed = unicodedata.normalize("NFC", base + char)
            if composed in ALPHABET:
                letters[-1] = ALPHABET.index(composed) + _FIRST_LETTER
            continue
        if unicodedata.category(char) == "Mn":
            continue
        place = ALPHABET.find(char)
        letters.append(place + _FIRST_LETTER if place >= 0 else _OTHER)
    tones.append(tone)  # one tone per syllable: a Vietnamese word is one syllable
    return letters, tones


def name_sort_key(full_name: str) -> str:
    """A string of digits that orders full names the Vietnamese way (see the module's docstring)."""
    words = (full_name or "").split()
    if not words:
        return ""
    # Given name, then the middle names (perhaps none), then the family name.
    parts = [words[-1:], words[1:-1], words[:1] if len(words) > 1 else []]
    primary: list[str] = []
    secondary: list[str] = []
    for part in parts:
        for index, word in enumerate(part):
            letters, tones = _letters_and_tones(word)
            if index:
                primary.append(_WORD_END)
            primary.extend(f"{code:02d}" for code in letters)
            secondary.extend(str(tone) for tone in tones)
        primary.append(_PART_END)
    # The tones only decide between names whose letters are all equal.
    return "".join(primary) + "".join(secondary)
