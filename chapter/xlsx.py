"""Text in spreadsheets we write stays text: never a formula (CSV/formula injection).

openpyxl turns any string starting with "=" into a formula, and Excel or LibreOffice evaluate
text starting with "=", "+", "-" or "@" (or a tab or carriage return before them) once a user
edits the cell. A member named ``=HYPERLINK("http://x","y")`` would become a live link. Every
writer of ours (reports/exports.py, the import template in members/importer.py) passes values
through ``safe_value`` or ``text_cell``: such text is kept exactly, stored as a string, and
marked with the "quote prefix" style (Excel's leading apostrophe), so editing it keeps it text.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet may read as the start of a formula, and the error literals ("#N/A").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: Any) -> bool:
    """Whether a spreadsheet could read this text as a formula or an error value."""
    return isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value in ERROR_CODES)


def mark_text(cell) -> Any:
    """Make a cell holding a string a text cell, whatever its first character. Returns it."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if is_risky(cell.value):
            cell.quotePrefix = True
    return cell


def text_cell(ws: Worksheet, value: Any) -> WriteOnlyCell:
    """A write-only cell for ``value``; text in it is stored as text (``mark_text``)."""
    return mark_text(WriteOnlyCell(ws, value=value))


def safe_value(ws: Worksheet, value: Any) -> Any:
    """``value`` for ``ws.append``: unchanged, unless it is text a spreadsheet could read as a
    formula, which becomes a text cell (plain values are cheaper to write than cells)."""
    return text_cell(ws, value) if is_risky(value) else value


def set_value(ws: Worksheet, row: int, column: int, value: Any):
    """For a normal (not write-only) sheet: ``ws.cell(row, column, value)``, text kept as text."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    return mark_text(cell)


def append_row(ws: Worksheet, values: list[Any]) -> None:
    """For a normal (not write-only) sheet: ``ws.append(values)``, text kept as text."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        mark_text(cell)
