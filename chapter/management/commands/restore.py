"""Restore the database (and, with --with-files, the uploaded files) from a backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from chapter import backup


class Command(BaseCommand):
    help = (
        "Replace every row of the database by the backup at PATH, made by manage.py backup "
        "(a .dump with PostgreSQL, a .sqlite3 with SQLite). Stop the application first."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="backup file to restore")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )
        parser.add_argument(
            "--with-files",
            action="store_true",
            help="also extract the uploaded files from PATH's .files.tar.gz into their folders",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="database alias (default: default)"
        )

    def handle(self, *args, path, interactive, with_files, database, **options) -> None:
        connection = connections[database]
        source = Path(path)
        try:
            backup.check_restorable(source, connection=connection, files=with_files)
            if interactive and not self.confirmed(source, connection, with_files):
                self.stdout.write("Restore cancelled: nothing was changed.")
                return
            leftovers = backup.restore(source, connection=connection, files=with_files)
        except backup.BackupError as e:
            raise CommandError(str(e)) from e
        if options["verbosity"] >= 1:
            self.stdout.write(f"Restored the {backup.describe(connection)} from {source}.")
            if with_files:
                self.stdout.write(f"Restored the uploaded files from {backup.files_path(source)}.")
            self.stdout.write(
                "If this backup is older than the code, run `manage.py migrate` next."
            )
        if leftovers:
            self.stderr.write(
                "These tables are not in the backup and were left as they were: "
                f"{', '.join(leftovers)}. Drop them (or restore into an empty database) "
                "before running `manage.py migrate`."
            )

    def confirmed(self, source: Path, connection, with_files: bool) -> bool:
        what = "every row of the " + backup.describe(connection)
        if with_files:
            what += " and the uploaded files it holds (files it does not hold are kept)"
        answer = input(
            f"This replaces {what} with the backup {source}.\n"
            "What is there now will be lost. Type 'yes' to continue, or 'no' to cancel: "
        )
        return answer.strip().lower() == "yes"
