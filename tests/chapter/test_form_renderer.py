"""chapter.form_renderer writes the markup of Django's select and input templates: the same HTML,
byte for byte, as the templates it stands for (rendered by Django's own renderer)."""

import datetime
from pathlib import Path

import django.forms
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from chapter.form_renderer import INPUT, INPUTS, OPTION, SELECT, FastWidgetRenderer

WIDGETS = Path(django.forms.__file__).parent / "templates" / "django" / "forms" / "widgets"


def test_the_templates_written_in_python_are_the_ones_it_copies():
    """A new Django version that changes them fails here first."""
    attrs = (
        "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
        "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}"
        "{% endfor %}"
    )
    assert (WIDGETS / "attrs.html").read_text() == attrs  # no newline at the end
    assert (WIDGETS / "select_option.html").read_text() == (  # a newline at the end
        "<option value=\"{{ widget.value|stringformat:'s' }}\""
        '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n'
    )
    assert (WIDGETS / "input.html").read_text().strip() == (
        '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %} '
        "value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
        '{% include "django/forms/widgets/attrs.html" %}>'
    )
    assert (WIDGETS / "select.html").read_text().strip() == (
        '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
        "{% for group_name, group_choices, group_index in widget.optgroups %}{% if group_name %}\n"
        '  <optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}\n'
        "  {% include option.template_name with widget=option %}{% endfor %}{% if group_name %}\n"
        "  </optgroup>{% endif %}{% endfor %}\n"
        "</select>"
    )
    for name in INPUTS:
        source = (WIDGETS / Path(name).name).read_text().strip()
        assert source == '{% include "django/forms/widgets/input.html" %}', name
    assert {SELECT, OPTION, INPUT} <= {f"django/forms/widgets/{p.name}" for p in WIDGETS.iterdir()}


def test_it_is_the_sites_renderer():
    assert isinstance(get_default_renderer(), FastWidgetRenderer)


class Sample(forms.Form):
    q = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"placeholder": 'Tên "đảng viên" <a>', "autofocus": True}),
    )
    status = forms.ChoiceField(
        choices=[("", gettext_lazy("All")), ("A&B", "A & B"), ("C", mark_safe("<b>C</b>"))],
        required=False,
    )
    grouped = forms.ChoiceField(
        choices=[("Nhóm 1", [("1", "một"), ("2", "hai")]), ("3", "ba"), ("Nhóm <2>", [(4, 4)])]
    )
    many = forms.MultipleChoiceField(choices=[(1, "x"), (2, "y"), (3, "z")], required=False)
    year = forms.IntegerField(min_value=1930, max_value=2100, required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    mail = forms.EmailField(required=False, disabled=True)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    years = forms.TypedChoiceField(choices=[(2024, 2024), (12345, 12345)], coerce=int)
    flag = forms.BooleanField(required=False)  # a checkbox: the templates, as before
    choose = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)


DATA = [
    {},
    {
        "q": 'Lê <Văn> & "An"',
        "status": "A&B",
        "grouped": "2",
        "many": ["1", "3"],
        "year": "1800",
        "secret": "x'y",
        "day": "2026-03-15",
        "years": "12345",
        "flag": "on",
        "choose": "a",
    },
    {"grouped": "4", "year": "abc", "years": "2024"},
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("data", DATA)
def test_every_field_renders_as_the_templates_render_it(language, data):
    with translation.override(language):
        form = Sample(data or None, initial={"day": datetime.date(2026, 1, 5), "year": 2024})
        form.is_valid()
        for name in form.fields:
            fast = form[name].as_widget()
            form.renderer = DjangoTemplates()
            assert fast == form[name].as_widget(), name
            form.renderer = None
            form = Sample(data or None, initial={"day": datetime.date(2026, 1, 5), "year": 2024})
            form.is_valid()
