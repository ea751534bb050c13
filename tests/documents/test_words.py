"""Dates, numbers and percentages as the Party's documents write them (36-HD/VPTW)."""

import datetime

import pytest
from django.utils import translation

from documents.words import date_line, day_in_words, document_number, percent

D = datetime.date


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (D(2020, 2, 5), "ngày 05 tháng 02 năm 2020"),
        (D(2018, 4, 3), "ngày 03 tháng 4 năm 2018"),
        (D(2020, 11, 24), "ngày 24 tháng 11 năm 2020"),
        (D(2021, 1, 1), "ngày 01 tháng 01 năm 2021"),
        (D(2020, 12, 31), "ngày 31 tháng 12 năm 2020"),
        (D(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (D(2019, 3, 31), "ngày 31 tháng 3 năm 2019"),
        (D(2019, 10, 9), "ngày 09 tháng 10 năm 2019"),
    ],
)
def test_day_in_words_pads_the_day_and_only_months_one_and_two(day, words):
    assert day_in_words(day) == words


def test_date_line_starts_with_the_place():
    assert date_line("Hà Nội", D(2020, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2020"
    assert date_line("", D(2020, 2, 5)) == "Ngày 05 tháng 02 năm 2020"


def test_document_number_from_the_chapter_pattern():
    assert document_number("{n}-{kind}/CB", 7, "NQ") == "07-NQ/CB"
    assert document_number("{n}-{kind}/CB", 123, "BB") == "123-BB/CB"
    assert document_number("{n}-NQ/CBKP3", 1, "NQ") == "01-NQ/CBKP3"


@pytest.mark.parametrize(
    "pattern", ["{x}-NQ/CB", "{n}-{0}/CB", "{n:%Y}", "NQ/CB", "{kind}/CB", "{n.__class__}", "{n!r}"]
)
def test_a_pattern_with_other_fields_is_refused(pattern):
    with translation.override("vi"), pytest.raises(ValueError, match="chỉ được dùng"):
        document_number(pattern, 1, "NQ")


def test_percent_over_the_base_with_a_decimal_comma():
    assert percent(4, 6) == "66,67%"
    assert percent(6, 6) == "100%"
    assert percent(1, 8) == "12,5%"
    assert percent(0, 6) == "0%"
    assert percent(0, 0) == "0%"


def test_the_chapter_s_name_without_its_leading_chi_bo():
    from documents.gather import bare_name

    assert bare_name("Chi bộ Khu phố 3") == "Khu phố 3"
    assert bare_name("CHI BỘ Trường THCS Lê Lợi") == "Trường THCS Lê Lợi"
    assert bare_name("Khu phố 3") == "Khu phố 3"
    assert bare_name("Chi đoàn 5") == "Chi đoàn 5"


def test_date_in_words_for_the_body_of_a_document():
    from documents.words import date_in_words

    assert date_in_words(D(2026, 3, 17)) == "17 tháng 3 năm 2026"
    assert date_in_words(D(2020, 2, 5)) == "05 tháng 02 năm 2020"
