"""manage.py backup and restore (chapter/backup.py): a chapter goes through them and every row
of every table comes back the same, history and timestamps included, on the database the suite
runs on (CI runs it on PostgreSQL and on SQLite)."""

import datetime
import io
import sqlite3
import tarfile
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections

from chapter import backup
from members.models import MemberEvent
from tests.members.factories import CellFactory, register_member

# pg_dump reads the database from another session: the rows must be committed.
committed = pytest.mark.django_db(transaction=True)

ON_POSTGRESQL = connection.vendor == "postgresql"
ON_SQLITE = connection.vendor == "sqlite"
SUFFIX = ".dump" if ON_POSTGRESQL else ".sqlite3"
# Tables a chapter fills: members, their ledger, admission cases and every history table.
FILLED = [
    "members_committee",
    "members_chapter",
    "members_cell",
    "members_member",
    "members_memberevent",
    "members_roleassignment",
    "members_historicalmember",
    "members_historicalcell",
    "admissions_candidate",
    "admissions_candidateevent",
    "admissions_candidatedocument",
    "admissions_resolution",
    "admissions_decision",
    "admissions_mentorassignment",
    "admissions_historicalcandidate",
    "admissions_historicalcandidatedocument",
    "auth_user",
    "django_session",
]


def every_row(conn) -> dict[str, list[tuple]]:
    """Every row of every table behind ``conn``, each table's rows in a fixed order."""
    rows = {}
    with conn.cursor() as cursor:
        for table in conn.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {conn.ops.quote_name(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


@pytest.fixture
def demo_chapter(client):
    """The demo chapter, built through the real services (history rows and ledger entries on
    every step), plus a logged-in session; the clock runs so every timestamp differs."""
    moment = datetime.datetime(2026, 5, 4, 9, 30, 15, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=True):
        call_command("seed_demo", as_published=True, password="pw", verbosity=0)
        client.force_login(get_user_model().objects.get(username="bithu"))
    rows = every_row(connection)
    for table in FILLED:
        assert rows[table], f"the demo left {table} empty: the round trip would prove nothing"
    return rows


@pytest.fixture
def small_chapter():
    register_member(cell=CellFactory(), full_name="Nguyễn Thị Hồng", gender="F")
    return every_row(connection)


def spoil() -> None:
    """Changes a restore must undo: an edited name, a removed ledger entry, a new member."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET full_name = 'Sửa nhầm'")
        cursor.execute(
            "DELETE FROM members_memberevent WHERE id = %s", [MemberEvent.objects.first().pk]
        )
    register_member(cell=CellFactory(), full_name="Người mới thêm")


@committed
def test_round_trip_restores_every_row(demo_chapter, tmp_path):
    path = tmp_path / f"chapter{SUFFIX}"
    call_command("backup", str(path), stdout=io.StringIO())
    spoil()
    assert every_row(connection) != demo_chapter

    out = io.StringIO()
    call_command("restore", str(path), interactive=False, stdout=out)

    assert every_row(connection) == demo_chapter
    assert f"from {path}" in out.getvalue()
    # Sequences come back too: the next row gets a fresh key.
    get_user_model().objects.create_user(username="after-restore")


@contextmanager
def fresh_database(tmp_path):
    """A new, empty database of the suite's kind, reached by a connection of its own: a file
    on SQLite; on PostgreSQL a scratch database created (from template0, so without the
    extensions) and dropped around the test by the suite's role, which has CREATEDB."""
    wrapper = connections[DEFAULT_DB_ALIAS].__class__
    if ON_SQLITE:
        scratch = wrapper({**connection.settings_dict, "NAME": str(tmp_path / "fresh.sqlite3")})
        try:
            yield scratch
        finally:
            scratch.close()
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    admin = wrapper({**connection.settings_dict, "NAME": "postgres"})
    scratch = wrapper({**connection.settings_dict, "NAME": name})
    quoted = connection.ops.quote_name(name)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        cursor.execute(f"CREATE DATABASE {quoted} TEMPLATE template0")
    try:
        yield scratch
    finally:
        scratch.close()
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        admin.close()


@committed
def test_restore_into_a_fresh_database_gives_every_row(demo_chapter, tmp_path):
    path = tmp_path / f"chapter{SUFFIX}"
    call_command("backup", str(path), stdout=io.StringIO())
    with fresh_database(tmp_path) as fresh:
        backup.restore(path, connection=fresh)
        assert every_row(fresh) == demo_chapter
    assert every_row(connection) == demo_chapter  # the backup changed nothing


@committed
@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs DATABASE_URL pointing at PostgreSQL")
def test_postgresql_restore_is_one_transaction(small_chapter, tmp_path):
    """A dump that fails half-way through leaves the database as it was."""
    path = tmp_path / "chapter.dump"
    call_command("backup", str(path), stdout=io.StringIO())
    good = path.read_bytes()
    broken = tmp_path / "broken.dump"
    broken.write_bytes(good[: len(good) * 2 // 3])
    spoil()
    spoiled = every_row(connection)
    with pytest.raises(CommandError, match="pg_restore failed"):
        call_command("restore", str(broken), interactive=False, stdout=io.StringIO())
    assert every_row(connection) == spoiled


@committed
@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs DATABASE_URL pointing at PostgreSQL")
def test_postgresql_tables_not_in_the_backup_are_named(small_chapter, tmp_path):
    path = tmp_path / "chapter.dump"
    call_command("backup", str(path), stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE backup_test_leftover (x integer)")
    err = io.StringIO()
    try:
        call_command("restore", str(path), interactive=False, stdout=io.StringIO(), stderr=err)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE backup_test_leftover")
    assert "not in the backup" in err.getvalue()
    assert "backup_test_leftover" in err.getvalue()
    assert every_row(connection) == small_chapter


@committed
def test_default_path_is_stamped_and_the_size_printed(small_chapter, tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "backups"
    out = io.StringIO()
    moment = datetime.datetime(2026, 5, 4, 2, 30, 15, tzinfo=datetime.UTC)  # 09:30:15 in Hanoi
    with time_machine.travel(moment, tick=False):
        call_command("backup", stdout=out)
    path = tmp_path / "backups" / f"chapter-20260504-093015{SUFFIX}"
    assert path.is_file()
    assert path.stat().st_mode & 0o777 == 0o600
    assert f"{path} (" in out.getvalue()
    assert backup.human_size(path.stat().st_size) in out.getvalue()
    assert list(path.parent.iterdir()) == [path]  # no temporary file left


@committed
def test_backup_refuses_to_overwrite_unless_forced(small_chapter, tmp_path):
    path = tmp_path / f"chapter{SUFFIX}"
    path.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="already exists; use --force"):
        call_command("backup", str(path), stdout=io.StringIO())
    assert path.read_bytes() == b"an older backup"

    call_command("backup", str(path), force=True, stdout=io.StringIO())
    assert backup.file_kind(path) == ("postgresql" if ON_POSTGRESQL else "sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@committed
def test_restore_asks_first_and_no_changes_nothing(small_chapter, tmp_path, monkeypatch):
    path = tmp_path / f"chapter{SUFFIX}"
    call_command("backup", str(path), stdout=io.StringIO())
    spoil()
    spoiled = every_row(connection)
    questions = []

    def answer(text):
        questions.append(text)
        return reply

    monkeypatch.setattr("builtins.input", answer)
    reply = "no"
    out = io.StringIO()
    call_command("restore", str(path), stdout=out)
    assert "cancelled: nothing was changed" in out.getvalue()
    assert every_row(connection) == spoiled
    assert "Type 'yes' to continue" in questions[0]
    assert str(path) in questions[0]

    reply = "yes"
    call_command("restore", str(path), stdout=io.StringIO())
    assert every_row(connection) == small_chapter


def other_kind_of_file(tmp_path) -> Path:
    """A genuine backup of the other database kind than the suite's."""
    if ON_POSTGRESQL:
        path = tmp_path / "chapter.sqlite3"
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE django_migrations (id integer)")
        return path
    path = tmp_path / "chapter.dump"
    path.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
    return path


@committed
def test_restore_refuses_a_file_of_the_wrong_kind(small_chapter, tmp_path):
    path = other_kind_of_file(tmp_path)
    spoil()
    spoiled = every_row(connection)
    expected = "the configured database is " + ("PostgreSQL" if ON_POSTGRESQL else "SQLite")
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(path), interactive=False)
    assert every_row(connection) == spoiled


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"full_name,gender\nNguyen,F\n", "is not a backup"),
        (None, "does not exist"),
    ],
)
@committed
def test_restore_refuses_what_is_no_backup(small_chapter, tmp_path, content, message):
    path = tmp_path / "chapter.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), interactive=False)
    assert every_row(connection) == small_chapter


@committed
@pytest.mark.skipif(not ON_SQLITE, reason="an SQLite file is refused earlier on PostgreSQL")
def test_sqlite_restore_refuses_another_applications_database(small_chapter, tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (body text)")
    with pytest.raises(CommandError, match="not a database of this application"):
        call_command("restore", str(path), interactive=False)
    assert every_row(connection) == small_chapter


@committed
@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs DATABASE_URL pointing at PostgreSQL")
def test_postgresql_restore_refuses_a_dump_of_another_database(small_chapter, tmp_path):
    path = tmp_path / "template1.dump"
    template1 = connections[DEFAULT_DB_ALIAS].__class__(
        {**connection.settings_dict, "NAME": "template1"}
    )
    try:
        backup.backup(path, connection=template1)
    finally:
        template1.close()
    with pytest.raises(CommandError, match="not of this application's database"):
        call_command("restore", str(path), interactive=False)
    assert every_row(connection) == small_chapter


@committed
def test_round_trip_with_the_uploaded_files(small_chapter, tmp_path, settings):
    media, scans = tmp_path / "media", tmp_path / "scans"
    settings.MEDIA_ROOT, settings.SCANS_ROOT = media, scans
    (scans / "dossiers" / "2026").mkdir(parents=True)
    scan = scans / "dossiers" / "2026" / "3f9c2e7a.pdf"
    scan.write_bytes(b"%PDF-1.7 the application form")
    media.mkdir()
    (media / "note.txt").write_text("kept")

    path = tmp_path / "out" / f"chapter{SUFFIX}"
    out = io.StringIO()
    call_command("backup", str(path), with_files=True, stdout=out)
    archive = tmp_path / "out" / "chapter.files.tar.gz"
    assert str(archive) in out.getvalue()

    scan.write_bytes(b"overwritten by mistake")
    (media / "note.txt").unlink()
    spoil()
    call_command("restore", str(path), with_files=True, interactive=False, stdout=io.StringIO())

    assert scan.read_bytes() == b"%PDF-1.7 the application form"
    assert (media / "note.txt").read_text() == "kept"
    assert every_row(connection) == small_chapter


@committed
def test_restore_with_files_needs_the_archive_before_changing_anything(small_chapter, tmp_path):
    path = tmp_path / f"chapter{SUFFIX}"
    call_command("backup", str(path), stdout=io.StringIO())
    spoil()
    spoiled = every_row(connection)
    with pytest.raises(CommandError, match="there is no archive of files with this backup"):
        call_command("restore", str(path), with_files=True, interactive=False)
    assert every_row(connection) == spoiled


@committed
def test_an_archive_reaching_outside_its_folder_is_refused(small_chapter, tmp_path, settings):
    settings.MEDIA_ROOT, settings.SCANS_ROOT = tmp_path / "media", tmp_path / "scans"
    path = tmp_path / f"chapter{SUFFIX}"
    call_command("backup", str(path), with_files=True, stdout=io.StringIO())
    archive = backup.files_path(path)
    archive.unlink()
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("scans/../../evil.txt")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    spoil()
    spoiled = every_row(connection)
    with pytest.raises(CommandError, match="cannot be restored"):
        call_command("restore", str(path), with_files=True, interactive=False)
    assert not (tmp_path / "evil.txt").exists()
    assert every_row(connection) == spoiled


# PostgreSQL's tools, tried without a server: what they are given and what happens without them.

PG = SimpleNamespace(
    vendor="postgresql",
    settings_dict={
        "NAME": "chapter",
        "USER": "chapter",
        "PASSWORD": "s3cret-Pa55",
        "HOST": "db.internal",
        "PORT": 5432,
        "OPTIONS": {"sslmode": "require"},
    },
)


def test_pg_dump_gets_the_password_in_its_environment_only(tmp_path, monkeypatch):
    calls = []

    def run(command, *, env, **kwargs):
        calls.append((command, env))
        Path(command[-1].removeprefix("--file=")).write_bytes(b"PGDMP...")
        return SimpleNamespace(returncode=0, stdout="", stderr="")

    monkeypatch.setattr(backup.subprocess, "run", run)
    monkeypatch.setattr(backup, "pg_tool", lambda name: f"/usr/bin/{name}")
    path = tmp_path / "chapter.dump"
    backup.backup(path, connection=PG)

    [(command, env)] = calls
    assert command[:3] == ["/usr/bin/pg_dump", "--format=custom", "--no-password"]
    assert not any("s3cret" in arg for arg in command)
    assert env["PGPASSWORD"] == "s3cret-Pa55"
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("db.internal", "5432", "chapter")
    assert (env["PGDATABASE"], env["PGSSLMODE"]) == ("chapter", "require")
    assert path.read_bytes() == b"PGDMP..."


def test_a_failed_pg_dump_leaves_no_file(tmp_path, monkeypatch):
    def run(command, **kwargs):
        Path(command[-1].removeprefix("--file=")).write_bytes(b"PGDMP half")
        return SimpleNamespace(returncode=1, stdout="", stderr="pg_dump: error: connection failed")

    monkeypatch.setattr(backup.subprocess, "run", run)
    monkeypatch.setattr(backup, "pg_tool", lambda name: f"/usr/bin/{name}")
    with pytest.raises(
        backup.BackupError, match=r"pg_dump failed \(exit 1\): pg_dump: error: connection failed"
    ):
        backup.backup(tmp_path / "chapter.dump", connection=PG)
    assert list(tmp_path.iterdir()) == []


def test_missing_pg_dump_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    monkeypatch.setattr(backup, "PG_BIN_GLOB", str(tmp_path / "no-postgresql" / "*" / "bin"))
    with pytest.raises(
        backup.BackupError, match=r"pg_dump was not found\. Install the PostgreSQL client tools"
    ):
        backup.backup(tmp_path / "chapter.dump", connection=PG)
    assert list(tmp_path.iterdir()) == []


def test_pg_tools_are_found_outside_path(tmp_path, monkeypatch):
    for version in ("9.6", "15", "13"):
        (tmp_path / version / "bin").mkdir(parents=True)
        (tmp_path / version / "bin" / "pg_restore").touch()
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    monkeypatch.setattr(backup, "PG_BIN_GLOB", str(tmp_path / "*" / "bin"))
    assert backup.pg_tool("pg_restore") == str(tmp_path / "15" / "bin" / "pg_restore")


def test_other_databases_are_refused(tmp_path):
    with pytest.raises(backup.BackupError, match="PostgreSQL and SQLite only; this database is"):
        backup.backup(tmp_path / "x", connection=SimpleNamespace(vendor="oracle"))


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 bytes"), (1023, "1023 bytes"), (1536, "1.5 KB"), (5 * 1024**3, "5.0 GB")],
)
def test_human_size(size, text):
    assert backup.human_size(size) == text
