"""Compile the .po catalogues to .mo in pure Python, so a machine without GNU gettext still
gets the Vietnamese interface. Fuzzy entries are skipped, as msgfmt does."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues() -> list[Path]:
    """The project's catalogues and those of its own apps (not of installed libraries)."""
    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(p) for p in settings.LOCALE_PATHS]
    own = (Path(config.path).resolve() for config in apps.get_app_configs())
    roots += [path / "locale" for path in own if path.parent == base]
    return sorted(po for root in roots if root.is_dir() for po in root.glob("*/LC_MESSAGES/*.po"))


class Command(BaseCommand):
    help = "Compile every .po catalogue of the project to .mo (pure Python, no gettext needed)."

    def handle(self, *args, **options) -> None:
        for po_path in catalogues():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            catalogue = polib.pofile(str(po_path))
            for entry in catalogue.fuzzy_entries():
                catalogue.remove(entry)
            catalogue.save_as_mofile(str(mo_path))
            if options["verbosity"] >= 1:
                self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
