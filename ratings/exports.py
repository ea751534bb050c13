"""The badge list as an Excel workbook (text cells never formulas: ``chapter.xlsx``)."""

from __future__ import annotations

import tempfile
from datetime import date

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from chapter.xlsx import text_cell
from ratings.badges import BadgeList, Entry
from ratings.rules import BADGE_SOURCE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WIDTHS = (6, 28, 12, 30, 22, 14, 12, 12, 12, 14, 14)


def _cell(ws, value, font: Font | None = None):
    cell = text_cell(ws, value)
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    if font is not None:
        cell.font = font
    return cell


def badge_headers() -> list[str]:
    return [
        _("No."),
        _("Full name"),
        _("Date of birth"),
        _("Chapter"),
        _("Cell"),
        _("Admission decision date"),
        _("Badge (years of party age)"),
        _("Reached on"),
        _("Date of death"),
        _("Party card number"),
        _("Badge number"),
    ]


def sections(lists: BadgeList) -> list[tuple[str, list[Entry]]]:
    return [
        (_("Reaching the level in the year"), lists.due),
        (_("Eligible early if seriously ill"), lists.early),
        (_("Posthumous award"), lists.posthumous),
    ]


def badges_response(lists: BadgeList, *, scope_label: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_("Badges"))
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    title = _("Members eligible for the Party badge in %(year)d") % {"year": lists.year}
    ws.append([_cell(ws, title, TITLE)])
    ws.append([_cell(ws, scope_label, BOLD)])
    ws.append([_cell(ws, BADGE_SOURCE)])
    for heading, entries in sections(lists):
        ws.append([])
        ws.append([_cell(ws, f"{heading} ({len(entries)})", BOLD)])
        ws.append([_cell(ws, label, BOLD) for label in badge_headers()])
        for number, entry in enumerate(entries, start=1):
            ws.append([_cell(ws, value) for value in _row(number, entry)])
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by the response
    workbook.save(handle)
    handle.seek(0)
    filename = f"huy-hieu-dang-{lists.year}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


def _row(number: int, entry: Entry) -> list:
    member = entry.member
    return [
        number,
        member.full_name,
        member.date_of_birth,
        member.chapter.name,
        member.cell.name if member.cell else None,
        member.admission_decision_date,
        entry.level,
        entry.day,
        entry.death,
        member.card_number or None,
        member.badge_number or None,
    ]
