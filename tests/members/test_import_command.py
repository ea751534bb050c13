"""``manage.py import_members``: the importer of the pages, from the command line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from members.models import Member, MemberEvent
from tests.members.test_import import ROW, probationary_row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def register_file(tmp_path, cell, other_cell):
    path = tmp_path / "so-dang-vien.xlsx"
    path.write_bytes(xlsx_bytes([ROW, probationary_row()]))
    return path


def run(*args, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("import_members", *map(str, args), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_dry_run_prints_the_plan_and_writes_nothing(chapter, register_file):
    out, err = run(register_file, "--chapter", chapter.name, "--dry-run", verbosity=2)
    assert "2 created, 0 updated, 0 unchanged" in out
    assert ROW["full_name"] in out and "Dry run" in out
    assert err == ""
    assert not Member.objects.filter(chapter=chapter).exists()


def test_real_run_imports_and_a_second_run_changes_nothing(chapter, register_file, secretary):
    out, _ = run(register_file, "--chapter", str(chapter.public_id), "--actor", "bithu")
    assert "2 created" in out
    members = Member.objects.filter(chapter=chapter)
    assert members.count() == 2
    events = MemberEvent.objects.filter(member__chapter=chapter)
    assert {(e.kind, e.actor_id) for e in events} == {(MemberEvent.Kind.IMPORTED, secretary.pk)}
    history = Member.history.count()
    out, _ = run(register_file, "--chapter", str(chapter.public_id))
    assert "0 created, 0 updated, 2 unchanged" in out
    assert (Member.history.count(), events.count()) == (history, 2)


def test_chapter_by_name_without_diacritics(chapter, register_file):
    out, _ = run(register_file, "--chapter", "chi bo ban quan ly an toan thuc pham tinh")
    assert "2 created" in out


def test_errors_are_listed_and_nothing_is_imported(chapter, tmp_path, cell, other_cell):
    path = tmp_path / "so.xlsx"
    bad = {**probationary_row(), "date_of_birth": "31/02/1995", "cell": "Tổ 9"}
    path.write_bytes(xlsx_bytes([ROW, bad]))
    for dry_run in (True, False):
        err = StringIO()
        with translation.override("en"), pytest.raises(CommandError):
            call_command(
                "import_members", str(path), "--chapter", chapter.name, stdout=StringIO(),
                stderr=err, dry_run=dry_run,
            )  # fmt: skip
        assert "row 3, Ngày sinh: There is no such day: 31/02/1995." in err.getvalue()
        assert "row 3, Tổ đảng:" in err.getvalue()
        assert not Member.objects.filter(chapter=chapter).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.xlsx", "--chapter", "x"], "No such file"),
        (["{file}", "--chapter", "Không có"], "No chapter named"),
        (["{file}", "--chapter", "{chapter}", "--actor", "nobody"], "No user named"),
    ],
)
def test_bad_arguments(chapter, register_file, args, message):
    args = [a.format(file=register_file, chapter=chapter.name) for a in args]
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_an_unreadable_file(chapter, tmp_path):
    path = tmp_path / "so.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match="Only Excel"):
        run(path, "--chapter", chapter.name)
