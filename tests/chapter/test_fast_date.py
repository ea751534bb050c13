"""``fast_date`` (chapter_tags) writes what Django's ``date`` filter writes, in both languages, for
dates, moments (in the site's time zone) and anything else."""

import datetime
import zoneinfo

import pytest
from django.template import engines
from django.utils import translation

D = datetime.date
UTC = datetime.UTC
VALUES = [
    D(2026, 3, 5),
    D(1930, 2, 3),
    D(999, 12, 31),
    datetime.datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # 1 January in Hanoi
    datetime.datetime(2026, 1, 2, 7, 5, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")),
    datetime.datetime(2026, 6, 1, 8, 0),  # naive
    None,
    "",
    "not a date",
    datetime.time(9, 15),
]
FORMATS = ['"d/m/Y"', '"SHORT_DATE_FORMAT"', '"SHORT_DATETIME_FORMAT"', '"d/m/Y H:i"', '"Y"', ""]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_fast_date_writes_what_date_writes(language, fmt):
    arg = f":{fmt}" if fmt else ""
    engine = engines["django"]
    fast = engine.from_string("{% load chapter_tags %}{{ v|fast_date" + arg + " }}")
    slow = engine.from_string("{{ v|date" + arg + " }}")
    with translation.override(language):
        for value in VALUES:
            assert outcome(fast, value) == outcome(slow, value), (value, fmt)


def outcome(template, value):
    """The text, or the error's type (a time format on a date raises in both)."""
    try:
        return template.render({"v": value})
    except TypeError as error:
        return type(error)
