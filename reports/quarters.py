"""Calendar quarters: the dashboard's admissions by quarter and the report's period choices."""

from __future__ import annotations

from datetime import date, timedelta


def quarter_spans(today: date, quarters: int = 8) -> list[tuple[date, date]]:
    """(first day, last day) of the last ``quarters`` quarters up to today's, oldest first."""
    spans = []
    start = quarter_start(today)
    for _i in range(quarters):
        spans.append((start, quarter_end(start)))
        start = quarter_start(start - timedelta(days=1))
    spans.reverse()
    return spans


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: date) -> date:
    start = quarter_start(day)
    following = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return following - timedelta(days=1)
