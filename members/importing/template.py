"""The .xlsx template to fill in, with a guide sheet."""

from __future__ import annotations

import io

from members.importing.columns import (
    COLUMNS,
    DATE,
    GENDER,
    GUIDE_SHEET,
    STATUS,
    TEMPLATE_SHEET,
    THEORY,
)
from members.importing.read import MAX_ROWS

# The template -------------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The .xlsx to fill in: the headers (dates as dates, identifiers as text), and a guide
    sheet explaining each column with one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from chapter.xlsx import append_row

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TEMPLATE_SHEET
    append_row(sheet, [column.template_header for column in COLUMNS])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FDE68A")
    lists = {GENDER: '"Nam,Nữ"', STATUS: '"Dự bị,Chính thức"',
             THEORY: '"Sơ cấp,Trung cấp,Cao cấp,Cử nhân"'}  # fmt: skip
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font, header.fill = bold, fill
        header.alignment = Alignment(wrap_text=True, vertical="top")
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(12, len(column.template_header) + 4)
        dimension.number_format = "DD/MM/YYYY" if column.kind == DATE else "@"
        if column.kind in lists:
            validation = DataValidation(type="list", formula1=lists[column.kind], allow_blank=True)
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.freeze_panes = "B2"
    _guide_sheet(workbook.create_sheet(GUIDE_SHEET), bold, fill)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _guide_sheet(sheet, bold, fill) -> None:
    from openpyxl.styles import Alignment

    from chapter.xlsx import append_row

    append_row(sheet, ["Cột", "Bắt buộc", "Cách ghi", "Ví dụ"])
    for column in COLUMNS:
        append_row(
            sheet, [column.header, "Có" if column.required else "", column.guide, column.example]
        )
    append_row(sheet, [])
    append_row(sheet,
        ["Ngày ghi dd/mm/yyyy. Ô để trống không xóa dữ liệu đã có. Đảng viên đã có trong sổ "
         "được nhận ra theo số CCCD, rồi theo số thẻ đảng viên: chỉ cập nhật thông tin cá nhân; "
         "trạng thái, tổ đảng và các ngày vào Đảng thay đổi bằng biến động trên trang đảng viên."]
    )  # fmt: skip
    append_row(sheet,
        ["Sổ danh sách đảng viên tải về ở trang Báo cáo có trang “Danh sách đảng viên” đúng các "
         "cột này (các cột Chi bộ, Tuổi đảng, Xếp loại chỉ để xem): sửa trên đó rồi tải lên lại "
         "cho chi bộ của mình. Tải lên nguyên tệp (sổ tính đến hôm nay) thì không có gì thay đổi."]
    )  # fmt: skip
    append_row(sheet, [])
    append_row(sheet, ["Dòng ví dụ (trang “Danh sách đảng viên” dùng đúng các cột này):"])
    append_row(sheet, [column.template_header for column in COLUMNS])
    append_row(sheet, [column.example for column in COLUMNS])
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    for row in sheet.iter_rows(min_row=2, max_col=3):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (22, 10, 70, 30), strict=True):
        sheet.column_dimensions[letter].width = width
