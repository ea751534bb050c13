"""Vietnamese text folding for search and sorting on both databases (DESIGN.md)."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, no diacritics, Đ/đ as d, single spaces: "Nguyễn Thị Hồng" → "nguyen thi hong"."""
    text = (text or "").replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()
