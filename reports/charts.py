"""Bar charts drawn with plain HTML and CSS from the numbers (templates/reports/_bars.html).

No chart library and no JavaScript: each bar is a link to the people (or cases) behind it,
reads without styles, prints, and works on a phone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    url: str
    size: int  # 0-100: the bar's length, relative to the largest bar
    hint: str = ""  # a longer label for the tooltip and screen readers


def bars(items: Iterable[tuple[str, int, str]] | Iterable[tuple[str, int, str, str]]) -> list[Bar]:
    """Bars from (label, value, url[, hint]); the largest value fills the width."""
    items = list(items)
    largest = max((item[1] for item in items), default=0)
    return [
        Bar(
            label=item[0],
            value=item[1],
            url=item[2],
            size=round(100 * item[1] / largest) if largest else 0,
            hint=item[3] if len(item) > 3 else item[0],
        )
        for item in items
    ]
