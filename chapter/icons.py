"""Icons: an SVG sprite of the Bootstrap icons the application uses, and their markup.

The icon font (130 KB, every icon of Bootstrap Icons) was over half a dashboard's download and
shifted the layout on a phone while it loaded. Instead ``manage.py build_icons`` writes
``static/img/icons.svg``: one ``<symbol>`` per icon the code names, taken from the individual SVG
files that the installed ``django-js-lib-bootstrap-icons`` package ships (the sprite is built, not
committed: no third-party file is kept in the repository; ``make run``, ``make test`` and
``make collectstatic`` build it). A page draws an icon with ``{% icon "name" %}`` (a built-in tag,
``chapter/templatetags/icons.py``) or, in Python that writes HTML, ``icon_html("name")``.

Which icons are used is read from the sources: ``{% icon "name" %}`` in templates, and any
``bi-name`` in templates or Python (registries keep their icon as ``"bi-name"``, e.g. the
movements of ``members/actions.py`` and the steps of ``admissions/steps.py``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.safestring import SafeString

SPRITE = "img/icons.svg"
_NAME = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_TAG = re.compile(r"""\{%\s*icon\s+["'](?:bi-)?(""" + _NAME + r""")["']""")
_PREFIXED = re.compile(r"(?<![\w-])bi-(" + _NAME + r")(?![\w-])")
_SVG = re.compile(r"<svg\b([^>]*)>(.*)</svg>", re.S)
_VIEWBOX = re.compile(r'viewBox="([^"]*)"')


class IconError(Exception):
    """An icon the code names that the installed package does not have."""


def package_dir() -> Path:
    """The folder of the installed bootstrap-icons package's individual SVG files."""
    module = apps.get_app_config("js_lib_bootstrap_icons").module
    return Path(module.__file__).resolve().parent / "static" / "bootstrap-icons"


def sprite_path() -> Path:
    """Where the sprite is written: our own static folder (git ignores the file)."""
    return Path(settings.BASE_DIR) / "static" / SPRITE


def source_files() -> Iterable[Path]:
    """Our templates and Python modules (not the tests', not migrations, not third parties')."""
    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.parts:
            roots.append(path)
    seen: set[Path] = set()
    for root in roots:
        for file in sorted(root.rglob("*")):
            if file.suffix not in (".html", ".py", ".txt") or file in seen:
                continue
            if "migrations" in file.parts or "__pycache__" in file.parts:
                continue
            seen.add(file)
            yield file


def names_in(text: str) -> set[str]:
    """The icon names one source file uses."""
    return set(_TAG.findall(text)) | set(_PREFIXED.findall(text))


def used_icons() -> dict[str, list[Path]]:
    """Every icon name the sources use, with the files that use it."""
    found: dict[str, list[Path]] = {}
    for file in source_files():
        if file.resolve() == Path(__file__).resolve():
            continue  # this module's own examples
        for name in names_in(file.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(file)
    return dict(sorted(found.items()))


def symbol(name: str, folder: Path | None = None) -> str:
    """One icon's ``<symbol>``, from the package's own SVG file."""
    file = (folder or package_dir()) / f"{name}.svg"
    if not file.is_file():
        raise IconError(name)
    match = _SVG.search(file.read_text(encoding="utf-8"))
    viewbox = _VIEWBOX.search(match.group(1)) if match else None
    if not match or not viewbox:
        raise IconError(name)
    body = "".join(line.strip() for line in match.group(2).splitlines())
    return f'<symbol id="{name}" viewBox="{viewbox.group(1)}">{body}</symbol>'


def build_sprite(names: Iterable[str]) -> str:
    """The sprite's text: one symbol per name, in name order. Raises ``IconError`` listing
    every name the package lacks."""
    folder = package_dir()
    symbols, missing = [], []
    for name in sorted(set(names)):
        try:
            symbols.append(symbol(name, folder))
        except IconError:
            missing.append(name)
    if missing:
        raise IconError(", ".join(missing))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg">'
        "<!-- Bootstrap Icons (MIT licence), built by manage.py build_icons -->\n"
        + "\n".join(symbols)
        + "\n</svg>\n"
    )


def sprite_names(text: str) -> set[str]:
    """The symbols a built sprite holds."""
    return set(re.findall(r'<symbol id="([^"]+)"', text))


@functools.cache
def sprite_url() -> str:
    return static(SPRITE)


def _forget_url(*, setting: str, **kwargs) -> None:
    if setting in ("STATIC_URL", "STORAGES"):
        sprite_url.cache_clear()
        _markup.cache_clear()


setting_changed.connect(_forget_url, dispatch_uid="chapter.icons.sprite_url")


def icon_html(name: str, css: str = "", label: str = "") -> SafeString:
    """An icon from the sprite. Decorative (hidden from screen readers) unless it carries a
    ``label``, read out for an icon that stands alone. ``css``: extra classes (colour, size)."""
    return _markup(name.removeprefix("bi-"), css, str(label))


@functools.lru_cache(maxsize=1024)
def _markup(name: str, css: str, label: str) -> SafeString:
    # A register page draws a badge's icon on many rows: the same few strings, made once.
    classes = f"bi bi-{name} {css}".strip()
    aria = f'role="img" aria-label="{escape(label)}"' if label else 'aria-hidden="true"'
    return SafeString(
        f'<svg class="{escape(classes)}" width="1em" height="1em" {aria} focusable="false">'
        f'<use href="{escape(sprite_url())}#{escape(name)}"></use></svg>'
    )
