"""Back up the database (and, with --with-files, the uploaded files): see chapter/backup.py."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from chapter import backup


class Command(BaseCommand):
    help = (
        "Back up the database to PATH (default: backups/chapter-YYYYMMDD-HHMMSS.dump on "
        "PostgreSQL, .sqlite3 on SQLite). PostgreSQL through pg_dump --format=custom, SQLite "
        "through its online backup API: the application may keep running."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", help="file to write (default: in backups/)")
        parser.add_argument(
            "--force", action="store_true", help="overwrite PATH if it already exists"
        )
        parser.add_argument(
            "--with-files",
            action="store_true",
            help="also archive the uploaded files (dossier scans) to PATH's .files.tar.gz",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="database alias (default: default)"
        )

    def handle(self, *args, path, force, with_files, database, **options) -> None:
        connection = connections[database]
        try:
            target = Path(path) if path else backup.default_path(backup.database_kind(connection))
            written = backup.backup(target, connection=connection, force=force, files=with_files)
        except backup.BackupError as e:
            raise CommandError(str(e)) from e
        if options["verbosity"] >= 1:
            self.stdout.write(f"Backed up the {backup.describe(connection)}.")
            for file in written:
                self.stdout.write(f"{file} ({backup.human_size(file.stat().st_size)})")
