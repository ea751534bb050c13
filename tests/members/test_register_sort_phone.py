"""The register's sort control on a phone (templates/members/_sort_select.html): the cards of a
narrow screen have no column headers to sort by, so a labelled select offers the same sort keys,
keeps the filters and sorts, by htmx or a plain GET."""

import datetime
import html
import re

import pytest
from django.conf import settings
from django.urls import reverse

from members import register_table
from members.filters import SORT_CHOICES
from tests.members.factories import register_member

pytestmark = pytest.mark.django_db
LIST_URL = reverse("members:member-list")


@pytest.fixture
def client_en(client, secretary):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(secretary)
    return client


@pytest.fixture
def three(cell):
    """Sorted by given name: An, Cúc, Dũng; by birth: Cúc (1970), An (1975), Dũng (1985)."""
    born = datetime.date
    return {
        "Cúc": register_member(cell=cell, full_name="Bùi Thị Cúc", date_of_birth=born(1970, 1, 1)),
        "Dũng": register_member(
            cell=cell, full_name="Cao Văn Dũng", date_of_birth=born(1985, 1, 1)
        ),
        "An": register_member(
            cell=cell, full_name="Đỗ Văn An", date_of_birth=born(1975, 1, 1), gender="M"
        ),
    }


def sort_form(response) -> dict:
    """The phone's sort form: its classes, its address, hidden fields, label and options."""
    (form,) = re.findall(r"<form [^>]*hx-trigger=\"change\".*?</form>", response.text, re.S)
    return {
        "tag": re.match(r"<form [^>]*>", form).group(0),
        "hidden": re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form),
        "label": re.search(r'<label [^>]*for="member-sort-phone">([^<]+)</label>', form).group(1),
        "options": re.findall(r'<option value="([^"]+)"( selected)?>([^<]+)</option>', form),
        "select": re.search(r'<select [^>]*name="sort" id="member-sort-phone">', form) is not None,
    }


def names_in_order(response, three) -> list[str]:
    """The keys of the members listed, in the order the page shows them."""
    text = response.text
    shown = {
        key: text.index(m.get_absolute_url())
        for key, m in three.items()
        if m.get_absolute_url() in text
    }
    return sorted(shown, key=shown.get)


def test_the_control_is_there_on_small_screens_only_and_labelled(client_en, three):
    form = sort_form(client_en.get(LIST_URL))
    assert form["select"] and form["label"] == "Sort by"
    assert 'class="d-md-none' in form["tag"]  # the table's headers sort from md up
    assert f'action="{LIST_URL}"' in form["tag"] and f'hx-get="{LIST_URL}"' in form["tag"]
    assert 'hx-target="#member-results"' in form["tag"] and 'hx-push-url="true"' in form["tag"]


def test_its_choices_are_the_tables_sort_keys(client_en, three):
    options = sort_form(client_en.get(LIST_URL))["options"]
    assert [key for key, _selected, _label in options] == list(register_table.SORT_LABELS)
    assert sorted(register_table.SORT_LABELS) == sorted(key for key, _label in SORT_CHOICES)
    assert [(key, label) for key, _s, label in options][:2] == [
        ("name", "Full name, A to Z"),
        ("-name", "Full name, Z to A"),
    ]
    # The sort shown is selected: the default, then one chosen in a column header.
    assert [key for key, selected, _label in options if selected] == ["name"]
    chosen = sort_form(client_en.get(LIST_URL, {"sort": "-date_of_birth"}))["options"]
    assert [key for key, selected, _label in chosen if selected] == ["-date_of_birth"]


def test_choosing_one_sorts_and_keeps_the_filters(client_en, three, cell):
    page = client_en.get(LIST_URL, {"cell": cell.pk, "q": "van", "sort": "name", "page": "1"})
    assert names_in_order(page, three) == ["An", "Dũng"]  # "Bùi Thị Cúc" is not a "van"
    hidden = sort_form(page)["hidden"]
    assert sorted(hidden) == sorted([("cell", str(cell.pk)), ("q", "van")])  # no sort, no page
    # The form's GET as a browser sends it (plain, then htmx): the hidden fields and the choice.
    for headers in ({}, {"HX-Request": "true"}):
        chosen = client_en.get(LIST_URL, [*hidden, ("sort", "-name")], headers=headers)
        assert names_in_order(chosen, three) == ["Dũng", "An"]
    everyone = client_en.get(LIST_URL, {"sort": "date_of_birth"})
    assert names_in_order(everyone, three) == ["Cúc", "An", "Dũng"]
    assert sort_form(everyone)["hidden"] == []


def test_the_kept_parameters_are_escaped(client_en, three):
    form = sort_form(client_en.get(LIST_URL, {"gender": "M", "from": '"><b>x'}))
    assert form["hidden"] == [("gender", "M"), ("from", html.escape('"><b>x'))]
