"""Icons come from the SVG sprite built from the installed Bootstrap icons (chapter/icons.py):
every icon the code names exists, the built sprite holds them all, the tag's markup hides a
decorative icon and names a labelled one, and the icon font is gone from the pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse

from admissions.steps import STEPS
from chapter.icons import (
    IconError,
    build_sprite,
    icon_html,
    package_dir,
    sprite_names,
    sprite_path,
    used_icons,
)
from members.actions import ACTIONS_LIST
from members.reorganisation_views import KIND_ICONS


def test_every_icon_the_code_names_is_in_the_package():
    used = used_icons()
    assert len(used) > 50  # the scan found the templates and the registries
    missing = [name for name in used if not (package_dir() / f"{name}.svg").is_file()]
    assert not missing, {name: [str(f) for f in used[name]] for name in missing}
    assert sprite_names(build_sprite(used)) == set(used)


def test_the_registries_icons_are_found_by_the_scan():
    """Icons kept as data (movements, pipeline steps, reorganisations) reach the sprite."""
    used = set(used_icons())
    names = {action.icon for action in ACTIONS_LIST}
    names |= {step.icon for step in STEPS.values()}
    names |= set(KIND_ICONS.values())
    assert all(name.startswith("bi-") for name in names), names
    assert {name.removeprefix("bi-") for name in names} <= used


def test_the_built_sprite_is_up_to_date():
    """make run / make test / make collectstatic build it; run `make icons` after adding one."""
    assert sprite_path().is_file(), "static/img/icons.svg is missing: run `make icons`"
    built = sprite_names(sprite_path().read_text(encoding="utf-8"))
    missing = set(used_icons()) - built
    assert not missing, f"not in static/img/icons.svg (run `make icons`): {sorted(missing)}"
    call_command("build_icons", "--check")


def test_an_unknown_icon_is_refused_by_name():
    with pytest.raises(IconError, match="no-such-icon"):
        build_sprite(["alarm", "no-such-icon"])


def test_a_decorative_icon_is_hidden_and_a_labelled_one_is_read():
    html = Template('{% icon "people" class="text-danger me-1" %}').render(Context())
    assert html.startswith('<svg class="bi bi-people text-danger me-1" width="1em" height="1em"')
    assert 'aria-hidden="true"' in html and 'focusable="false"' in html
    assert re.search(r'<use href="/static/img/icons\.svg#people">', html)
    labelled = Template('{% icon "bi-sort-up" label=text %}').render(
        Context({"text": 'giảm "dần" <b>'})
    )
    assert 'role="img" aria-label="giảm &quot;dần&quot; &lt;b&gt;"' in labelled
    assert "aria-hidden" not in labelled and "#sort-up" in labelled
    assert icon_html("bi-bell") == Template('{% icon "bell" %}').render(Context())


def test_no_icon_font_markup_is_left():
    """The font's <i class="bi bi-..."> draws nothing now: every icon goes through the tag."""
    left = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r'<i\b[^>]*class="[^"]*\bbi\b', line):
                left.append(f"{path}:{number}")
    assert not left


def test_the_pages_load_the_sprite_not_the_font(user_client):
    html = user_client.get(reverse("dashboard")).content.decode()
    assert "bootstrap-icons.min.css" not in html and "bootstrap-icons.woff" not in html
    assert "/static/css/icons.css" in html
    assert "/static/img/icons.svg#" in html
