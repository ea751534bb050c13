"""How a Party document writes dates and numbers (Hướng dẫn 36-HD/VPTW; DOCUMENTS.md §1.4, §1.5)."""

from datetime import date
from string import Formatter

from django.utils.translation import gettext as _


def date_in_words(day: date) -> str:
    """ "17 tháng 3 năm 2026": the body's "Ngày {{ day }}, Chi bộ … đã họp" (dates in full)."""
    return day_in_words(day).removeprefix("ngày ")


def day_in_words(day: date) -> str:
    """ "ngày 05 tháng 02 năm 2020": the day padded to two digits, only months 1 and 2 padded
    ("ngày 03 tháng 4 năm 2018", "ngày 24 tháng 11 năm 2020")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_line(place: str, day: date) -> str:
    """The place-and-date line under the Party's title: "Hà Nội, ngày 05 tháng 02 năm 2020"."""
    return f"{place}, {day_in_words(day)}" if place else day_in_words(day).capitalize()


def document_number(pattern: str, n: int, symbol: str) -> str:
    """A document's number and symbol from the chapter's pattern: "{n}-{kind}/CB" → "07-NQ/CB".

    ``{n}`` is the running number, two digits at least (the Party's examples: "Số 09-KH/ĐU");
    ``{kind}`` the kind's symbol (NQ, BB, DS…)."""
    refused = ValueError(_("The numbering pattern needs {n} and may use only {n} and {kind}."))
    try:
        fields = [
            (name, spec, conv)
            for _t, name, spec, conv in Formatter().parse(pattern)
            if name is not None
        ]
    except ValueError as error:
        raise refused from error
    names = [name for name, _spec, _conv in fields]
    # Only the two plain fields: no attribute, index, conversion or format of their own.
    if "n" not in names or any(
        name not in ("n", "kind") or spec or conv for name, spec, conv in fields
    ):
        raise refused
    return pattern.format(n=f"{n:02d}", kind=symbol)


def percent(part: int, whole: int) -> str:
    """ "66,67%": two decimals with a decimal comma, as the chapter's resolutions write them."""
    if not whole:
        return "0%"
    return f"{part * 100 / whole:.2f}".rstrip("0").rstrip(".").replace(".", ",") + "%"
