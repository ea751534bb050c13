"""Searchable pickers for a chapter or a cell, instead of a drop-down of thousands of options.

A committee officer of a province reads 20,000 chapters and 50,000 cells: a ``<select>`` of them
all weighs megabytes. ``ChapterPicker`` and ``CellPicker`` are form widgets (for a
``ModelChoiceField`` or a django-filter ``ModelChoiceFilter``) that render the chosen unit only,
as an ARIA combobox (static/js/picker.js); typing asks ``pick_chapters`` / ``pick_cells`` for at
most ``MATCHES`` units of the user's scope (``members.access``) whose name matches, without
diacritics. A scope of a few units keeps its plain ``<select>`` (``SELECT_AT_MOST``).

The value submitted is what the field expects (its ``to_field_name``: the public id, or the pk
for the register's and the board's filters). Out of scope: a ``chapter`` parameter the user does
not see is 404, and a query never matches a unit outside the scope.
"""

from __future__ import annotations

import uuid

from django import forms
from django.db.models import CharField, Func, Lookup, QuerySet, Value
from django.db.models.functions import Concat
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from chapter.text import fold
from members import access
from members.models import Cell, Chapter

# Above this many chapters (or cells) in a field, a picker instead of a drop-down.
SELECT_AT_MOST = 30
MATCHES = 20  # options a picker shows at a time
KEYS = ("pk", "public_id")  # what an option's value is (the field's to_field_name)
MAX_WORDS = 6


# Folding names in the database -------------------------------------------------------------

SQLITE_FOLD = "members_fold"


class FoldedText(CharField):
    """The output of ``Folded``: a text with the ``like`` lookup below."""


@FoldedText.register_lookup
class Like(Lookup):
    """``LIKE`` with a pattern built here (``matching``), its wildcards escaped by the caller."""

    lookup_name = "like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]


class Folded(Func):
    """``chapter.text.fold`` in SQL for a name column (the diacritics of Vietnamese, đ, case;
    spaces apart, a name's double space stays double): PostgreSQL's ``unaccent`` (its extension,
    created by migration 0013; 3 µs a name where ``translate`` over the Vietnamese letters took
    50), and on SQLite ``fold`` itself, registered on the connection (nothing to install)."""

    output_field = FoldedText()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"LOWER(UNACCENT({sql}))", params

    def as_sqlite(self, compiler, connection, **extra):
        connection.ensure_connection()
        connection.connection.create_function(SQLITE_FOLD, 1, fold, deterministic=True)
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{SQLITE_FOLD}({sql})", params


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matching(queryset: QuerySet, text, query: str) -> QuerySet:
    """Rows whose folded ``text`` holds the words of ``query`` in their order, without
    diacritics ("nguyen du" finds "Chi bộ Trường THCS Nguyễn Du"): one ``LIKE '%nguyen%du%'``,
    so the name is folded once a row."""
    words = fold(query).split()[:MAX_WORDS]
    if not words:
        return queryset
    pattern = "%" + "%".join(_escaped(word) for word in words) + "%"
    return queryset.alias(folded_text=text).filter(folded_text__like=pattern)


# The endpoints -----------------------------------------------------------------------------


def _key(request: HttpRequest) -> str:
    key = request.GET.get("key", "public_id")
    return key if key in KEYS else "public_id"


def _lookup(key: str, value: str) -> dict | None:
    """``{key: value}`` when ``value`` is well formed for ``key``, else None."""
    try:
        return {key: int(value) if key == "pk" else uuid.UUID(value)}
    except (TypeError, ValueError):
        return None


def _options(request, options: list[dict], kind: str) -> HttpResponse:
    shown, more = options[:MATCHES], len(options) > MATCHES
    context = {"options": shown, "more": more, "kind": kind, "announce": _said(len(shown), kind)}
    return render(request, "members/_picker_options.html", context)


def _said(count: int, kind: str) -> str:
    """What a screen reader says of the matches (static/js/picker.js puts it in the picker's
    status), not the list itself."""
    if kind == "cells":
        text = ngettext("%(count)d cell found", "%(count)d cells found", count)
    else:
        text = ngettext("%(count)d chapter found", "%(count)d chapters found", count)
    return text % {"count": count}


def chapter_label(chapter: Chapter) -> str:
    return chapter.name


def cell_label(cell: Cell) -> str:
    """A cell with its chapter, in the picker's box and list alike."""
    return f"{cell.chapter.name} · {cell.name}"


@require_safe
def pick_chapters(request: HttpRequest) -> HttpResponse:
    """Up to ``MATCHES`` chapters of the user's scope whose name holds the words of ``q``."""
    key = _key(request)
    chapters = matching(
        access.chapters_visible_to(request.user), Folded("name"), request.GET.get("q", "")
    )
    options = [
        {"value": getattr(c, key), "name": c.name, "label": chapter_label(c)}
        for c in chapters.order_by("name", "pk")[: MATCHES + 1]
    ]
    return _options(request, options, "chapters")


@require_safe
def pick_cells(request: HttpRequest) -> HttpResponse:
    """Up to ``MATCHES`` cells of the user's scope (of ``chapter`` when given: 404 when the
    user does not see it) whose name or chapter's name holds the words of ``q``."""
    key = _key(request)
    cells = access.cells_visible_to(request.user).select_related("chapter")
    if chapter := request.GET.get("chapter"):
        lookup = _lookup(key, chapter)
        if lookup is None or not access.chapters_visible_to(request.user).filter(**lookup):
            raise Http404
        cells = cells.filter(**{f"chapter__{k}": v for k, v in lookup.items()})
        text = Folded("name")
    else:
        text = Folded(Concat("name", Value(" "), "chapter__name", output_field=CharField()))
    cells = matching(cells, text, request.GET.get("q", ""))
    options = [
        {
            "value": getattr(c, key),
            "name": c.name,
            "context": "" if chapter else c.chapter.name,
            "label": cell_label(c),
        }
        for c in cells.order_by("chapter__name", "name", "pk")[: MATCHES + 1]
    ]
    return _options(request, options, "cells")


# The widgets -------------------------------------------------------------------------------


class Picker(forms.Widget):
    """A combobox that submits the chosen unit's key in a hidden input (``name``) and asks
    ``url`` for matches as the user types; or, when the field's queryset (already scoped) holds
    at most ``SELECT_AT_MOST`` units, a plain drop-down of them. Decided when rendered, with one
    bounded query (a form that is never shown, an export's, costs none); the picker reads the
    field's queryset once more only for the label of the value chosen."""

    template_name = "members/_picker.html"
    url_name = ""
    kind = ""

    def __init__(
        self, attrs=None, *, select_attrs=None, placeholder: str = "", chapter_field: str = ""
    ) -> None:
        super().__init__(attrs)
        self.select_attrs = select_attrs or {}
        self.placeholder = placeholder
        self.chapter_field = chapter_field
        self.choices = None  # the ModelChoiceField's ModelChoiceIterator

    def _field(self):
        return getattr(self.choices, "field", None)

    def render(self, name, value, attrs=None, renderer=None):
        field = self._field()
        if field is not None:
            # Unordered, so the database stops at the first rows (ordered, it sorted all of a
            # province's cells first); a few are sorted here, by their label without diacritics.
            units = list(field.queryset.order_by()[: SELECT_AT_MOST + 1])
            if len(units) <= SELECT_AT_MOST:
                select = forms.Select(attrs=self.select_attrs)
                empty = [] if field.empty_label is None else [("", field.empty_label)]
                labelled = [(field.label_from_instance(unit), unit) for unit in units]
                labelled.sort(key=lambda pair: (fold(pair[0]), pair[0]))
                select.choices = empty + [
                    (field.prepare_value(unit), label) for label, unit in labelled
                ]
                return select.render(name, value, attrs, renderer)
        return super().render(name, value, attrs, renderer)

    def _render(self, template_name, context, renderer=None):
        # The project's templates (templates/members/), which the form renderer does not read.
        return loader.render_to_string(template_name, context)  # a SafeString, auto-escaped

    def label_of(self, value) -> str:
        """The chosen unit's label, read inside the field's (scoped) queryset: a value out of
        scope shows nothing."""
        field = self._field()
        if field is None or value in (None, ""):
            return ""
        lookup = _lookup(field.to_field_name or "pk", str(value))
        if lookup is None:
            return ""
        unit = self.chosen(field.queryset.filter(**lookup))
        return self.label(unit) if unit is not None else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        field = self._field()
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or f"id_{name}"
        widget["attrs"]["id"] = widget_id
        widget.update(
            {
                "label": self.label_of(value),
                "url": reverse(self.url_name),
                "key": (field.to_field_name if field else None) or "pk",
                "listbox_id": f"{widget_id}-listbox",
                "placeholder": self.placeholder,
                "chapter_field": self.chapter_field,
                "kind": self.kind,
            }
        )
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def chosen(self, units: QuerySet):
        return units.first()

    def label(self, unit) -> str:
        return str(unit)


class ChapterPicker(Picker):
    url_name = "members:pick-chapters"
    kind = "chapters"

    def label(self, unit: Chapter) -> str:
        return chapter_label(unit)


class CellPicker(Picker):
    """``chapter_field``: the name of the form's chapter field, whose value narrows the cells
    offered."""

    url_name = "members:pick-cells"
    kind = "cells"

    def chosen(self, units: QuerySet):
        return units.select_related("chapter").first()

    def label(self, unit: Cell) -> str:
        return cell_label(unit)


def swap_in(
    field: forms.ModelChoiceField, picker: type[Picker], *, chapter_field: str = ""
) -> None:
    """Give ``field`` (a ``ModelChoiceField`` whose queryset is already scoped) a picker in place
    of its drop-down, which it keeps for a few units; the placeholder is its empty label
    ("All chapters")."""
    select_attrs = dict(field.widget.attrs)
    css = select_attrs.get("class", "form-select")
    widget = picker(
        attrs={"class": css.replace("form-select", "form-control")},
        select_attrs=select_attrs,
        placeholder=str(field.empty_label or ""),
        chapter_field=chapter_field,
    )
    widget.choices = field.choices
    field.widget = widget
