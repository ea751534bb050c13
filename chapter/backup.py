"""Back up and restore the database, and on request the uploaded files next to it.

Used by ``manage.py backup`` and ``manage.py restore`` (the commands only parse arguments, ask
and print). Two databases, two ways:

- **PostgreSQL**: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists --no-owner
  --single-transaction``, connected with ``settings.DATABASES[alias]``; the password goes to the
  tools through ``PGPASSWORD`` in their environment, never on a command line another user could
  read. The restore runs in one transaction: it lands whole or not at all.
- **SQLite**: the online backup API (``sqlite3.Connection.backup``) from the live connection, so
  a running server can keep serving; the restore copies the file back through the same API into
  the configured database file.

Every file is first written under a temporary name in the destination folder and renamed when
complete, so a failed backup never leaves a half-written file under the name asked for.

With ``files=True`` the uploaded files (``MEDIA_ROOT``, the private dossier scans under
``SCANS_ROOT`` and any other file-system storage) go into ``<name>.files.tar.gz`` next to the
dump, one folder per root; the restore extracts them back into each root's current location.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.utils import timezone

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
SUFFIXES = {POSTGRESQL: ".dump", SQLITE: ".sqlite3"}
KIND_NAMES = {POSTGRESQL: "a PostgreSQL dump (pg_dump --format=custom)", SQLITE: "an SQLite file"}
# The first bytes of each kind of file: pg_dump's custom format, SQLite's header.
MAGIC = {POSTGRESQL: b"PGDMP", SQLITE: b"SQLite format 3\x00"}
FILES_SUFFIX = ".files.tar.gz"
# Where pg_dump and pg_restore live on Debian and Ubuntu when they are not on PATH.
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
# Connection options of dj-database-url / psycopg2 that libpq also reads from its environment.
PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
# A TOC line of `pg_restore --list` for an extension or its comment, e.g.
# "2; 3079 16385 EXTENSION - pg_trgm" and "4012; 0 0 COMMENT - EXTENSION pg_trgm".
TOC_EXTENSION = re.compile(r"^\d+; \d+ \d+ (?:COMMENT - )?EXTENSION (?:- )?(?P<name>\S+)")
# A TOC line for a table, e.g. "215; 1259 16390 TABLE public members_member chapter".
TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (?P<schema>\S+) (?P<name>\S+) ")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


# Which database, which file.


def database_kind(connection) -> str:
    """POSTGRESQL or SQLITE for a Django connection; any other database is refused."""
    if connection.vendor == "postgresql":
        return POSTGRESQL
    if connection.vendor == "sqlite":
        return SQLITE
    raise BackupError(
        f"Backups are made for PostgreSQL and SQLite only; this database is {connection.vendor}."
    )


def backup_dir() -> Path:
    """Where backups go by default: ``settings.BACKUP_DIR``, else ``backups/`` in the project."""
    return Path(getattr(settings, "BACKUP_DIR", settings.BASE_DIR / "backups"))


def default_path(kind: str, now: datetime | None = None) -> Path:
    """``backups/chapter-YYYYMMDD-HHMMSS.<dump|sqlite3>``, stamped with the local time."""
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    return backup_dir() / f"chapter-{stamp}{SUFFIXES[kind]}"


def files_path(path: Path) -> Path:
    """The archive of uploaded files that goes with the dump at ``path``."""
    return path.with_name(path.stem + FILES_SUFFIX)


def file_kind(path: Path) -> str | None:
    """POSTGRESQL or SQLITE from the first bytes of the file; None for anything else."""
    with open(path, "rb") as f:
        head = f.read(16)
    for kind, magic in MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def human_size(size: int) -> str:
    """12 bytes, 3.4 KB, 5.6 MB, 7.8 GB (powers of 1024)."""
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            break
    return f"{value:.1f} {unit}"


def describe(connection) -> str:
    """The database a connection points at, for messages: never the password."""
    s = connection.settings_dict
    if database_kind(connection) == SQLITE:
        return f"SQLite database {s['NAME']}"
    host = s.get("HOST") or "local socket"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"PostgreSQL database {s['NAME']!r} on {host}{port}"


# Back up.


def backup(path: Path, *, connection, force: bool = False, files: bool = False) -> list[Path]:
    """Write a backup of the database behind ``connection`` to ``path``.

    Refuses an existing file unless ``force``. With ``files`` the uploaded files go into
    ``files_path(path)`` too. Returns the paths written. Raises BackupError.
    """
    kind = database_kind(connection)
    path = Path(path)
    targets = [path, files_path(path)] if files else [path]
    if not force:
        for target in targets:
            if target.exists():
                raise BackupError(f"{target} already exists; use --force to overwrite it.")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _written_atomically(path) as tmp:
        if kind == POSTGRESQL:
            _pg_dump(connection.settings_dict, tmp)
        else:
            _sqlite_backup(connection, tmp)
    if files:
        with _written_atomically(targets[1]) as tmp:
            _archive_files(tmp)
    return targets


def _sqlite_backup(connection, target: Path) -> None:
    """Copy the live database in one step, under a read lock: a consistent copy, while
    writers wait (within their busy timeout) for the second or so a chapter's file takes."""
    connection.ensure_connection()
    try:
        with closing(sqlite3.connect(target)) as dst:
            connection.connection.backup(dst)
    except sqlite3.Error as e:
        raise BackupError(f"The SQLite backup failed: {e}.") from e


def _pg_dump(settings_dict: dict, target: Path) -> None:
    command = [pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={target}"]
    _run(command, settings_dict, "pg_dump")


# Restore.


def check_restorable(path: Path, *, connection, files: bool = False) -> str:
    """The kind of the file at ``path`` if it can be restored into ``connection``'s database.

    Raises BackupError for a missing file, a file of another kind (a PostgreSQL dump for an
    SQLite database, or the reverse) or a file that is no backup at all; with ``files``, for a
    missing or unsafe archive of files too.
    """
    kind = database_kind(connection)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    found = file_kind(path)
    if found is None:
        raise BackupError(
            f"{path} is not a backup: expected {KIND_NAMES[kind]}, made by manage.py backup."
        )
    if found != kind:
        raise BackupError(
            f"{path} is {KIND_NAMES[found]}, but the configured database is "
            f"{'PostgreSQL' if kind == POSTGRESQL else 'SQLite'}: it can only be restored from "
            f"{KIND_NAMES[kind]}. Set DATABASE_URL to the kind of database the backup was "
            f"taken from, or restore a backup of the right kind."
        )
    if kind == SQLITE:
        _check_sqlite_file(path)
    elif "django_migrations" not in _pg_contents(path, connection.settings_dict).tables:
        raise BackupError(f"{path} is a PostgreSQL dump but not of this application's database.")
    if files:
        _extraction_plan(files_path(path))
    return kind


def restore(path: Path, *, connection, files: bool = False) -> list[str]:
    """Replace every row of ``connection``'s database by the backup at ``path``.

    Closes the Django connections first, so that none holds a lock. With ``files`` the uploaded
    files are extracted from ``files_path(path)`` into their storages (files present now and
    absent from the archive are left in place). Raises BackupError, before changing anything
    when the file is of the wrong kind or the archive of files is missing.

    Returns the tables the database has and the backup has not (PostgreSQL only: pg_restore
    replaces the backup's tables and leaves others; an SQLite restore replaces the whole file).
    """
    path = Path(path)
    kind = check_restorable(path, connection=connection, files=files)
    leftovers = []
    if kind == POSTGRESQL:
        leftovers = _pg_restore(path, connection)
    else:
        _sqlite_restore(path, connection)
    if files:
        _extract_files(files_path(path))
    return leftovers


def _check_sqlite_file(path: Path) -> None:
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as src:
            ok = src.execute("PRAGMA quick_check").fetchone()[0]
            django = src.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path} cannot be read as an SQLite database: {e}.") from e
    if ok != "ok":
        raise BackupError(f"{path} is damaged (SQLite's check says: {ok}).")
    if not django:
        raise BackupError(f"{path} is an SQLite file but not a database of this application.")


def _sqlite_restore(path: Path, connection) -> None:
    """Copy the backup into the configured database through the backup API.

    An in-memory database (the test suite's) lives only in its connection, so it is written
    through that connection; a database file is written through a connection of its own after
    Django's are closed.
    """
    connections.close_all()
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as src:
            if connection.is_in_memory_db():
                connection.ensure_connection()
                src.backup(connection.connection)
                return
            timeout = connection.settings_dict.get("OPTIONS", {}).get("timeout", 20)
            with closing(sqlite3.connect(connection.settings_dict["NAME"], timeout=timeout)) as dst:
                src.backup(dst)
    except sqlite3.Error as e:
        raise BackupError(
            f"The SQLite restore failed: {e}. Stop the application and try again."
        ) from e


def _pg_restore(path: Path, connection) -> list[str]:
    """pg_restore in one transaction, extensions aside.

    Extensions belong to whoever created them (often the postgres superuser); pg_restore's
    ``--clean`` would try to drop and re-comment them and fail as the application's role. So
    their TOC entries are left out of the restore and each is created beforehand if missing
    (pg_trgm and unaccent are trusted extensions: the database owner may create them).
    """
    settings_dict = connection.settings_dict
    contents = _pg_contents(path, settings_dict)
    connections.close_all()
    with connection.cursor() as cursor:
        for name in contents.extensions:
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {connection.ops.quote_name(name)}")
    connection.close()
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as listing:
        listing.write("\n".join(contents.listing) + "\n")
    try:
        command = [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--use-list={listing.name}",
            f"--dbname={_conninfo_dbname(settings_dict['NAME'])}",
            str(path),
        ]
        _run(command, settings_dict, "pg_restore")
    finally:
        os.unlink(listing.name)
    with connection.cursor() as cursor:
        present = connection.introspection.table_names(cursor)
    return sorted(set(present) - contents.tables)


@dataclass(frozen=True)
class DumpContents:
    listing: list[str]  # the dump's TOC, extensions left out, for pg_restore --use-list
    extensions: list[str]
    tables: set[str]


def _pg_contents(path: Path, settings_dict: dict) -> DumpContents:
    """What a custom-format dump holds, from ``pg_restore --list`` (reads the TOC only)."""
    toc = _run([pg_tool("pg_restore"), "--list", str(path)], settings_dict, "pg_restore").stdout
    listing, extensions, tables = [], [], set()
    for line in toc.splitlines():
        match = TOC_EXTENSION.match(line)
        if match is None:
            listing.append(line)
            if table := TOC_TABLE.match(line):
                tables.add(table["name"])
        elif " EXTENSION - " in line:
            extensions.append(match["name"])
    return DumpContents(listing, extensions, tables)


def _conninfo_dbname(name: str) -> str:
    """``dbname='…'`` for libpq: a database name with ``=`` in it is not read as a conninfo."""
    escaped = name.replace("\\", "\\\\").replace("'", "\\'")
    return f"dbname='{escaped}'"


# PostgreSQL tools.


def pg_tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``: on PATH, else the newest PostgreSQL's."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/").glob(PG_BIN_GLOB.lstrip("/") + f"/{name}"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parent.parent.name.split(".")],
    )
    if candidates:
        return str(candidates[-1])
    raise BackupError(
        f"{name} was not found. Install the PostgreSQL client tools of the server's version "
        f"(Debian/Ubuntu: apt-get install postgresql-client) or put {name} on PATH."
    )


def pg_environment(settings_dict: dict) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: libpq's PG* variables, the password included.

    The database name is passed apart (an argument), so the variables identify the server and
    the role only. Variables already set and not given by the settings are kept.
    """
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        value = settings_dict.get(key)
        if value:
            env[var] = str(value)
    for option, var in PG_OPTION_ENV.items():
        value = (settings_dict.get("OPTIONS") or {}).get(option)
        if value:
            env[var] = str(value)
    return env


def _run(command: list[str], settings_dict: dict, tool: str) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(
            command,
            env=pg_environment(settings_dict),
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as e:
        raise BackupError(f"{tool} could not be started: {e}.") from e
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BackupError(f"{tool} failed (exit {result.returncode}): {detail}")
    return result


# Uploaded files.


def file_roots() -> dict[str, Path]:
    """The folders of uploaded files, by name: ``media`` (MEDIA_ROOT), ``scans`` (SCANS_ROOT,
    the private dossier scans) and every other file-system storage in ``settings.STORAGES`` by
    its alias. A folder equal to or inside one already listed is not listed again."""
    found: list[tuple[str, Path]] = [("media", Path(settings.MEDIA_ROOT))]
    if getattr(settings, "SCANS_ROOT", None):
        found.append(("scans", Path(settings.SCANS_ROOT)))
    for alias in settings.STORAGES:
        storage = storages[alias]
        if alias != "staticfiles" and isinstance(storage, FileSystemStorage):
            found.append((alias, Path(storage.location)))
    roots: dict[str, Path] = {}
    # Outer folders first, so that a folder inside another goes with it.
    resolved = sorted(((n, f.resolve()) for n, f in found), key=lambda nf: len(nf[1].parts))
    for name, folder in resolved:
        if not any(folder == root or folder.is_relative_to(root) for root in roots.values()):
            roots[name] = folder
    return roots


def _archive_files(target: Path) -> None:
    with tarfile.open(target, "w:gz") as tar:
        for alias, root in file_roots().items():
            info = tarfile.TarInfo(alias)
            info.type = tarfile.DIRTYPE
            info.mode = 0o700
            info.mtime = int(time.time())
            tar.addfile(info)
            if root.is_dir():
                for child in sorted(root.iterdir()):
                    tar.add(child, arcname=f"{alias}/{child.name}")


def _extraction_plan(archive: Path) -> dict[str, tuple[Path, list[str]]]:
    """For each root in the archive: its folder now and the archive's member names under it.

    Raises BackupError for a missing or unreadable archive, a root this installation does not
    have, or a member that would land outside its folder (absolute path, ``..``, a link out,
    a device): checked before anything is restored.
    """
    if not archive.is_file():
        raise BackupError(
            f"{archive} does not exist: there is no archive of files with this backup."
        )
    roots = file_roots()
    plan: dict[str, tuple[Path, list[str]]] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                alias, _, rest = member.name.partition("/")
                if alias not in roots:
                    raise BackupError(
                        f"{archive} holds files for {alias!r}, a folder this installation does "
                        f"not have (it has {', '.join(sorted(roots))})."
                    )
                plan.setdefault(alias, (roots[alias], []))
                if rest:
                    member.name = rest
                    # The "data" filter refuses absolute paths, links out and devices.
                    tarfile.data_filter(member, str(roots[alias]))
                    plan[alias][1].append(f"{alias}/{rest}")
    except (tarfile.TarError, OSError) as e:
        raise BackupError(f"{archive} cannot be restored: {e}.") from e
    return plan


def _extract_files(archive: Path) -> None:
    plan = _extraction_plan(archive)
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: m for m in tar.getmembers()}
        for alias, (root, names) in plan.items():
            root.mkdir(parents=True, exist_ok=True)
            chosen = []
            for name in names:
                member = members[name]
                member.name = name[len(alias) + 1 :]
                chosen.append(member)
            tar.extractall(root, members=chosen, filter="data")


@contextmanager
def _written_atomically(path: Path) -> Iterator[Path]:
    """A temporary path in ``path``'s folder, renamed to ``path`` only if the block succeeds."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        tmp.unlink()  # the tools create the file themselves
        yield tmp
        os.chmod(tmp, 0o600)  # members' records: readable by the owner only
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
