"""Import a register file (.xlsx or .csv) into a chapter: the importer the pages use."""

from pathlib import Path
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chapter.text import fold
from members import importing
from members.models import Chapter


class Command(BaseCommand):
    help = (
        "Import members from an Excel (.xlsx) or CSV file into a chapter. Prints the plan and "
        "every error (row, column, message); imports nothing if there is any error. Running it "
        "again with the same file changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument(
            "--chapter", required=True, help="the chapter's name or public id (UUID)"
        )
        parser.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
        parser.add_argument("--actor", help="user name recorded as the one who imported")

    def handle(self, *args, file: str, chapter: str, dry_run: bool, actor: str | None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        target = find_chapter(chapter)
        user = find_actor(actor)
        try:
            table = importing.read_table(path.name, path.read_bytes())
            if dry_run:
                plan = importing.plan_import(table, target)
            else:
                plan = importing.import_table(table, chapter=target, actor=user)
        except importing.ImportFileError as error:
            raise CommandError(" ".join(error.messages)) from error
        except importing.ImportFailed as failure:
            self.report(failure.plan, options["verbosity"])
            for issue in failure.issues:
                self.stderr.write(str(issue))
            raise CommandError(_("Nothing was imported: correct the file and run again.")) from None
        self.report(plan, options["verbosity"])
        if dry_run and not plan.ok:
            raise CommandError(_("The file has errors: nothing would be imported."))
        if options["verbosity"] >= 1:
            done = _("Dry run, nothing written.") if dry_run else _("Imported.")
            self.stdout.write(self.style.SUCCESS(done))

    def report(self, plan: importing.Plan, verbosity: int) -> None:
        counts = plan.counts()
        if verbosity >= 1:
            self.stdout.write(f"{plan.chapter}: {importing.summary_text(counts)}")
            if counts["errors"]:
                self.stdout.write(_("Rows with errors: %(n)d") % {"n": counts["errors"]})
            if plan.ignored:
                ignored = ", ".join(plan.ignored)
                self.stdout.write(_("Columns ignored: %(columns)s") % {"columns": ignored})
        for issue in plan.errors:
            self.stderr.write(str(issue))
        for row in plan.rows if verbosity >= 2 else ():
            self.stdout.write(f"{row.number}\t{row.action}\t{row.name}")
            for label, before, after in row.change_list() if row.member else ():
                self.stdout.write(f"\t{label}: {before} → {after}")
            for issue in row.notes:
                self.stdout.write(f"\t{issue}")


def find_chapter(value: str) -> Chapter:
    """By public id, else by name (case and diacritics ignored); exactly one."""
    try:
        return Chapter.objects.get(public_id=UUID(value))
    except (ValueError, Chapter.DoesNotExist):
        pass
    matches = list(Chapter.objects.filter(name__iexact=value.strip())) or [
        c for c in Chapter.objects.all() if fold(c.name) == fold(value)
    ]
    if len(matches) != 1:
        raise CommandError(
            _("No chapter named “%(name)s”.") % {"name": value}
            if not matches
            else _("Several chapters are named “%(name)s”: give the public id.") % {"name": value}
        )
    return matches[0]


def find_actor(username: str | None):
    if username is None:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(_("No user named “%(name)s”.") % {"name": username}) from None
