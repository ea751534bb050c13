"""The register's columns as the import reads them: headers, kinds, the values they accept,
and the outcome of a row (create, update, unchanged)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chapter.text import fold
from members.models import Member

Status = Member.Status

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

# Column kinds: how a cell's text becomes a value.
TEXT, NOTE, CODE, DIGITS, PHONE, DATE, GENDER, STATUS, THEORY, CELL = (
    "text", "note", "code", "digits", "phone", "date", "gender", "status", "theory", "cell",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column of the import file. ``header`` and ``guide`` are the Vietnamese of the template
    (data, like the official forms' headings), not interface text."""

    key: str  # a Member field, or "cell", "status", "effective_date"
    header: str
    kind: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    guide: str = ""
    example: str = ""

    @property
    def template_header(self) -> str:
        return f"{self.header}*" if self.required else self.header


COLUMNS: tuple[Column, ...] = (
    Column("full_name", "Họ và tên", TEXT, True,
           ("Họ tên", "Họ và tên khai sinh", "Họ và tên đảng viên", "Họ tên đảng viên"),
           "Họ và tên khai sinh, viết có dấu.", "Nguyễn Thị Hồng"),
    Column("other_names", "Tên gọi khác", TEXT, False, ("Bí danh", "Tên khác"),
           "Tên thường gọi hoặc bí danh, nếu có.", ""),
    Column("gender", "Giới tính", GENDER, True, ("Giới",), "Nam hoặc Nữ.", "Nữ"),
    Column("date_of_birth", "Ngày sinh", DATE, True,
           ("Ngày tháng năm sinh", "Sinh ngày", "Ngày, tháng, năm sinh"),
           "Ngày/tháng/năm, ví dụ 05/09/1985 (hoặc ô kiểu ngày của Excel).", "05/09/1985"),
    Column("ethnicity", "Dân tộc", TEXT, False, (), "Để trống: Kinh.", "Kinh"),
    Column("religion", "Tôn giáo", TEXT, False, (), "Để trống: Không.", "Không"),
    Column("hometown", "Quê quán", TEXT, False, (), "", "Xã Tân Lập, tỉnh Thái Nguyên"),
    Column("birthplace", "Nơi sinh", TEXT, False, ("Nơi đăng ký khai sinh",), "",
           "Thành phố Thái Nguyên"),
    Column("citizen_id", "Số CCCD", DIGITS, False,
           ("CCCD", "Căn cước công dân", "Số căn cước công dân", "Số căn cước",
            "Số định danh cá nhân", "Số CCCD/CMND", "CCCD/CMND", "Số CMND/CCCD"),
           "12 chữ số. Định dạng cột là Văn bản (Text) để Excel giữ số 0 ở đầu. "
           "Dùng để nhận ra đảng viên đã có trong sổ.", "019185001234"),
    Column("phone", "Điện thoại", PHONE, False,
           ("Số điện thoại", "SĐT", "Điện thoại di động", "Di động"), "", "0912345678"),
    Column("general_education", "Trình độ phổ thông", TEXT, False,
           ("Giáo dục phổ thông", "Trình độ văn hóa", "Văn hóa"), "", "12/12"),
    Column("qualification", "Chuyên môn", TEXT, False,
           ("Trình độ chuyên môn", "Chuyên môn nghiệp vụ", "Trình độ chuyên môn nghiệp vụ"),
           "", "Cử nhân Kinh tế"),
    Column("political_theory", "Lý luận chính trị", THEORY, False,
           ("Trình độ lý luận chính trị", "LLCT", "Lý luận"),
           "Sơ cấp, Trung cấp, Cao cấp hoặc Cử nhân; để trống nếu chưa có.", "Trung cấp"),
    Column("foreign_language", "Ngoại ngữ", TEXT, False, ("Trình độ ngoại ngữ",), "",
           "Tiếng Anh B1"),
    Column("occupation", "Nghề nghiệp", TEXT, False,
           ("Nghề nghiệp hiện nay", "Nghề nghiệp hiện tại"), "", "Chuyên viên"),
    Column("workplace", "Nơi làm việc", TEXT, False,
           ("Cơ quan", "Đơn vị công tác", "Cơ quan, đơn vị công tác", "Nơi công tác"),
           "", "Ban Quản lý An toàn thực phẩm tỉnh"),
    Column("cell", "Tổ đảng", CELL, False, ("Tổ",),
           "Tên tổ đảng đúng như trong chi bộ; để trống nếu chi bộ không chia tổ.", "Tổ 1"),
    Column("status", "Trạng thái", STATUS, True,
           ("Loại đảng viên", "Tình trạng", "Đảng viên dự bị/chính thức"),
           "Dự bị hoặc Chính thức.", "Chính thức"),
    Column("ceremony_date", "Ngày vào Đảng", DATE, False,
           ("Ngày kết nạp", "Ngày kết nạp Đảng", "Ngày vào đảng"),
           "Ngày lễ kết nạp. Bắt buộc với đảng viên dự bị.", "14/05/2012"),
    Column("official_date", "Ngày chính thức", DATE, False,
           ("Ngày công nhận chính thức", "Ngày chuyển chính thức"),
           "Đúng 12 tháng sau ngày vào Đảng; để trống thì tự tính.", "14/05/2013"),
    Column("admission_decision_number", "Số QĐ kết nạp", CODE, False,
           ("Số quyết định kết nạp",), "", "125-QĐ/ĐUK"),
    Column("admission_decision_date", "Ngày QĐ kết nạp", DATE, False,
           ("Ngày quyết định kết nạp",), "Không sau ngày vào Đảng.", "02/05/2012"),
    Column("card_number", "Số thẻ đảng viên", CODE, False,
           ("Số thẻ Đảng", "Số thẻ", "Số thẻ ĐV"),
           "Chỉ đảng viên chính thức có thẻ. Định dạng cột là Văn bản (Text).", "01234567"),
    Column("dossier_number", "Số lý lịch", CODE, False,
           ("Số lý lịch đảng viên", "Số LLĐV", "Số hồ sơ"), "", "LL-0456"),
    Column("effective_date", "Ngày vào chi bộ", DATE, False,
           ("Ngày sinh hoạt tại chi bộ", "Ngày chuyển đến", "Ngày chuyển đến chi bộ"),
           "Ngày bắt đầu có tên trong sổ của chi bộ này. Để trống: ngày thành lập chi bộ, "
           "hoặc ngày vào Đảng (dự bị) hay ngày chính thức (chính thức) nếu muộn hơn. "
           "Không dùng khi đảng viên đã có trong sổ.", ""),
    Column("note", "Ghi chú", NOTE, False, (), "", ""),
)  # fmt: skip
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
# Headers an export carries that mean nothing to the register: skipped without a notice.
SKIPPED_HEADERS = ("STT", "TT", "Số TT", "Số thứ tự")
# What the register's own export (reports.exports, sheet ``TEMPLATE_SHEET``) adds after the
# import's columns, for reading only: worked out from the ledger, never imported, so skipped
# without a notice and re-importing an export changes nothing. The rating column is
# ``RATING_HEADER`` with a year.
CHAPTER_HEADER = "Chi bộ"
PARTY_AGE_HEADER = "Tuổi đảng"
RATING_HEADER = "Xếp loại năm %(year)d"
EXPORT_ONLY_HEADERS = (CHAPTER_HEADER, PARTY_AGE_HEADER)
# Differences the import reports but never writes: they are movements or corrections.
KEY_FIELDS = ("status", "cell", "admission_decision_date", "ceremony_date", "official_date")

GENDERS = {"nam": Member.Gender.MALE, "nu": Member.Gender.FEMALE}
STATUSES = {
    "du bi": Status.PROBATIONARY,
    "dang vien du bi": Status.PROBATIONARY,
    "chinh thuc": Status.OFFICIAL,
    "dang vien chinh thuc": Status.OFFICIAL,
}
THEORIES = {
    "so cap": Member.PoliticalTheory.ELEMENTARY,
    "trung cap": Member.PoliticalTheory.INTERMEDIATE,
    "cao cap": Member.PoliticalTheory.ADVANCED,
    "cu nhan": Member.PoliticalTheory.BACHELOR,
}
NO_THEORY = {"khong", "chua", "chua co", "-"}


def _header_key(text: Any) -> str:
    """Header to lookup key: "Giới tính* (Nam/Nữ)" and "GIOI TINH" both → "gioi tinh"."""
    text = re.sub(r"\(.*?\)", " ", str(text or ""))
    return fold(text.replace("*", " ").replace(":", " ")).strip(" .")


HEADER_INDEX: dict[str, Column] = {
    _header_key(name): column for column in COLUMNS for name in (column.header, *column.aliases)
}
SKIPPED_KEYS = {_header_key(name) for name in (*SKIPPED_HEADERS, *EXPORT_ONLY_HEADERS)}
_RATING_KEY = re.compile(r"^xep loai(?: nam)?(?: \d{4})?$")


def is_skipped(key: str) -> bool:
    """A header (as ``_header_key`` folds it) an export carries that the import passes over
    without a notice: row numbers and the export's read-only columns."""
    return key in SKIPPED_KEYS or bool(_RATING_KEY.match(key))


TEMPLATE_SHEET = "Danh sách đảng viên"
GUIDE_SHEET = "Hướng dẫn"
