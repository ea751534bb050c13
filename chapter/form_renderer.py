"""The form renderer: Django's own (``DjangoTemplates``), with its commonest widget templates
written in Python (issue 14).

A filter form (the register's, the board's) renders a few selects of some 30 options: Django
renders each option through two template includes (select_option.html, attrs.html), which took a
fifth of a secretary's register page. ``render`` below writes the markup of
django/forms/widgets/select.html, select_option.html, input.html and the input templates that
only include it (text, number, hidden, …) from the same widget context, escaped the same way;
every other template (pickers, checkboxes, radios, the form and field layouts) goes to the
templates as before. tests/chapter/test_form_renderer.py keeps the two in step: the template
sources it copies, and the output for many widgets, compared with the templates'.
"""

from __future__ import annotations

import html

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.timezone import template_localtime

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
INPUT = "django/forms/widgets/input.html"
# Input widgets whose template is only {% include "django/forms/widgets/input.html" %}.
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "text",
        "number",
        "hidden",
        "email",
        "url",
        "password",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
    )
)


def _text(value) -> str:
    """``{{ value }}`` in an autoescaping template: safe text as it is, other text escaped,
    numbers and dates localized first."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    if not isinstance(value, (str, Promise)):
        value = localize(template_localtime(value))
    return html.escape(str(value))


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, then escaped (unless safe)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_text(name)}")
        else:
            parts.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711 (the template's test)
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION:
                return None  # another option template: the templates render it
            # select_option.html ends with a newline, which its include keeps
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FastWidgetRenderer(DjangoTemplates):
    """DjangoTemplates, with the select and the plain inputs written in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            if template_name == SELECT:
                written = _select(widget)
                if written is not None:
                    return written
            elif template_name in INPUTS or template_name == INPUT:
                return _input(widget)
        return super().render(template_name, context, request)
