"""The report's parameters: a day, a period and the part of the user's scope to count.

Read from the query string (a GET form): ``as_of``, ``from``, ``to`` as ISO dates
(``2020-02-05``, the public contract) or typed dd/mm/yyyy, and ``chapter`` / ``cell`` by public
id, chosen among those ``members.access`` lets the user see (a searchable picker when there are
many, ``members.pickers``).
"""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapter.dates import DATE_PLACEHOLDER, DAY_MONTH_YEAR
from chapter.forms import BoundedDateField, DateKind
from members import access
from members.models import Cell, Chapter, Member
from members.pickers import CellPicker, ChapterPicker, swap_in
from reports.quarters import quarter_start

# Accepted as typed; ISO first so the documented ?as_of=YYYY-MM-DD never reads as day-first.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


def _date_field(label, help_text="") -> forms.DateField:
    # Bounded like every date (1930 to a few years ahead): 01/01/0001 would overflow the
    # period arithmetic.
    return BoundedDateField(
        kind=DateKind.PLANNED,
        label=label,
        required=False,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            format=DAY_MONTH_YEAR, attrs={"placeholder": DATE_PLACEHOLDER, "autocomplete": "off"}
        ),
    )


class ChapterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Chapter) -> str:
        return obj.name


class CellChoiceField(forms.ModelChoiceField):
    several_chapters = False

    def label_from_instance(self, obj: Cell) -> str:
        return f"{obj.chapter.name} · {obj.name}" if self.several_chapters else obj.name


class ReportForm(forms.Form):
    """Bound to ``request.GET``; empty fields take their defaults in ``clean``."""

    def __init__(self, data, *, user, today: date | None = None, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        chapters = access.chapters_visible_to(user).order_by("name")
        cells = access.cells_visible_to(user).select_related("chapter")
        # "from" is a Python keyword: the fields are declared here, in display order.
        self.fields["as_of"] = _date_field(_("As of"), _("Default: today."))
        self.fields["from"] = _date_field(_("Period from"), _("Default: the quarter so far."))
        self.fields["to"] = _date_field(_("to"))
        self.fields["chapter"] = ChapterChoiceField(
            queryset=chapters,
            to_field_name="public_id",
            required=False,
            label=_("Chapter"),
            empty_label=_("All my chapters"),
        )
        self.fields["cell"] = CellChoiceField(
            queryset=cells.order_by("chapter__name", "name"),
            to_field_name="public_id",
            required=False,
            label=_("Cell"),
            empty_label=_("All cells"),
            help_text=_("Members now in the cell."),
        )
        # A committee's thousands of chapters and cells: searchable pickers (a few: drop-downs).
        swap_in(self.fields["chapter"], ChapterPicker)
        swap_in(self.fields["cell"], CellPicker, chapter_field="chapter")
        self.helper = self._helper()

    def _helper(self, *, several_chapters: bool = True) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        dates = [
            Column(name, css_class="col-6 col-md-4 col-lg-2") for name in ("as_of", "from", "to")
        ]
        if several_chapters:
            units = [
                Column("chapter", css_class="col-6 col-md-6 col-lg-3"),
                Column("cell", css_class="col-6 col-md-6 col-lg-3"),
            ]
        else:
            units = [Column("cell", css_class="col-6 col-md-12 col-lg-4")]
        helper.layout = Layout(Row(*dates, *units))
        return helper

    def show_chapter_choice(self, several: bool) -> None:
        """Leave the chapter choice out for a user with one chapter (a ``chapter`` in the query
        string is still checked against the user's scope)."""
        self.fields["cell"].several_chapters = several
        self.helper = self._helper(several_chapters=several)

    def clean(self) -> dict:
        data = super().clean()
        as_of = data.get("as_of") or self.today
        data["as_of"] = as_of
        start, end = data.get("from"), data.get("to")
        if start is None:
            start = quarter_start(end or as_of)
        if end is None:
            end = max(as_of, start)
        if end < start:
            self.add_error("to", _("The period ends before it starts."))
        data["from"], data["to"] = start, end
        chapter, cell = data.get("chapter"), data.get("cell")
        if chapter and cell and cell.chapter_id != chapter.pk:
            self.add_error("cell", _("This cell belongs to another chapter."))
        return data

    def raise_if_out_of_scope(self) -> None:
        """A chapter or cell the user may not see is not found (404), as everywhere else."""
        for name in ("chapter", "cell"):
            if self.has_error(name, "invalid_choice"):
                raise Http404

    # After validation --------------------------------------------------------------------

    def scope(self) -> QuerySet[Member]:
        """The members counted: the user's scope, narrowed to the chosen chapter or cell."""
        members = access.members_visible_to(self.user)
        chapter = self.cleaned_data.get("chapter")
        if chapter:
            members = members.filter(chapter=chapter).in_chapters(
                Chapter.objects.filter(pk=chapter.pk), filtered=True
            )
        if self.cleaned_data.get("cell"):  # the cell holding the record now
            members = members.filter(cell=self.cleaned_data["cell"]).in_chapters(None)
        return members

    def params(self) -> dict[str, str]:
        """The query string that gives this report again (ISO dates, public ids)."""
        data = self.cleaned_data
        params = {
            "as_of": data["as_of"].isoformat(),
            "from": data["from"].isoformat(),
            "to": data["to"].isoformat(),
        }
        for name in ("chapter", "cell"):
            if data.get(name):
                params[name] = str(data[name].public_id)
        return params

    def for_display(self) -> ReportForm:
        """An unbound copy showing the cleaned values, dates as dd/mm/yyyy."""
        return ReportForm(None, user=self.user, today=self.today, initial=self.cleaned_data)
