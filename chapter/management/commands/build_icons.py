"""Writes static/img/icons.svg: the sprite of the icons the templates and Python use, from the
installed bootstrap-icons package (chapter/icons.py). ``make run``, ``make test`` and
``make collectstatic`` run it; in production run it before ``collectstatic``."""

from django.core.management.base import BaseCommand, CommandError

from chapter.icons import IconError, build_sprite, sprite_path, used_icons


class Command(BaseCommand):
    help = "Build static/img/icons.svg from the installed Bootstrap icons the code uses."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only say whether the sprite is up to date."
        )

    def handle(self, *args, check: bool = False, verbosity: int = 1, **options):
        used = used_icons()
        try:
            text = build_sprite(used)
        except IconError as error:
            missing = str(error).split(", ")
            where = "; ".join(
                f"{name} ({', '.join(str(f) for f in used.get(name, []))})" for name in missing
            )
            raise CommandError(f"No such Bootstrap icon: {where}") from error
        path = sprite_path()
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if check:
            if current != text:
                raise CommandError(f"{path} is out of date: run manage.py build_icons")
            return
        if current != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if verbosity:
            self.stdout.write(f"{path}: {len(used)} icons, {len(text.encode())} bytes")
