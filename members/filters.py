"""Filters, search and sorting of the register (``/members/``)."""

import calendar
from datetime import date

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapter.dates import add_months
from chapter.forms import FIRST_YEAR, LAST_YEAR, YearFilter
from chapter.text import fold
from members import access
from members.models import Member
from members.pickers import CellPicker, ChapterPicker, swap_in

Status = Member.Status

ON_THE_ROLL = "ACTIVE"
# Status filter: pseudo-values first, then each status. Default: on the roll.
STATUS_CHOICES = [
    (ON_THE_ROLL, _("On the roll")),
    ("TEMPORARILY_OUT", _("On the roll, temporarily transferred out")),
    ("EXEMPTED", _("On the roll, exempted")),
    *Status.choices,
    ("ALL", _("All, including those no longer on the roll")),
]
_STATUS_QUERIES = {
    ON_THE_ROLL: lambda qs: qs.active(),
    "TEMPORARILY_OUT": lambda qs: qs.active().filter(is_temporarily_out=True),
    "EXEMPTED": lambda qs: qs.active().filter(is_exempted=True),
    "ALL": lambda qs: qs,
}

# Age bands: (lowest age, age of the next band), in completed years.
AGE_BANDS = {
    "under-30": (None, 30),
    "30-39": (30, 40),
    "40-49": (40, 50),
    "50-59": (50, 60),
    "60-plus": (60, None),
}
AGE_BAND_CHOICES = [
    ("under-30", _("under 30")),
    ("30-39", _("30 to 39")),
    ("40-49", _("40 to 49")),
    ("50-59", _("50 to 59")),
    ("60-plus", _("60 and over")),
]

_status_rank = Case(
    *(When(status=value, then=rank) for rank, value in enumerate(Status.values)),
    output_field=IntegerField(),
)
# ?sort= whitelist: public name -> expression; "-name" sorts descending.
SORTS = {
    "name": F("sort_key"),
    "date_of_birth": F("date_of_birth"),
    "ceremony_date": F("ceremony_date"),
    "official_date": F("official_date"),
    "cell": F("cell__name"),
    "status": _status_rank,
}
SORT_CHOICES = [(key, key) for key in SORTS] + [(f"-{key}", f"-{key}") for key in SORTS]


def latest_birth_date(today: date, years: int) -> date:
    """The last birth date of someone at least ``years`` old today (Member.age's month count:
    born 29/02/2000 is 30 on 28/02/2030)."""
    day = add_months(today, -12 * years)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        day = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "class": "form-control",
                "placeholder": _("Name, with or without diacritics"),
            }
        ),
    )
    chapter = django_filters.ModelChoiceFilter(
        queryset=None, label=_("Chapter"), empty_label=_("All chapters")
    )
    cell = django_filters.ModelChoiceFilter(
        queryset=None, label=_("Cell"), empty_label=_("All cells")
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label=_("Status"), empty_label=None
    )
    gender = django_filters.ChoiceFilter(
        choices=Member.Gender.choices, label=_("Sex"), empty_label=_("Both")
    )
    age = django_filters.ChoiceFilter(
        choices=AGE_BAND_CHOICES, method="filter_age", label=_("Age"), empty_label=_("Any age")
    )
    year_admitted = YearFilter(
        field_name="ceremony_date",
        lookup_expr="year",
        label=_("Year admitted"),
        widget=forms.NumberInput(
            attrs={"placeholder": _("yyyy"), "min": FIRST_YEAR, "max": LAST_YEAR}
        ),
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="filter_sort", label=_("Sort order"), widget=forms.HiddenInput
    )

    class Meta:
        model = Member
        fields: list[str] = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        if data is not None and data.get("status") not in dict(STATUS_CHOICES):
            data = data.copy()  # no status, or one that does not exist: the default
            data["status"] = ON_THE_ROLL
        super().__init__(data, *args, request=request, **kwargs)
        user = request.user
        chapters = access.chapters_visible_to(user).order_by("name")
        # The chapter links of the page's header (a few, sorted here: unordered, the database
        # stops at the fourth row instead of sorting a province's chapters).
        self.chapters = sorted(chapters.order_by()[:4], key=lambda c: (fold(c.name), c.name))
        self.several_chapters = len(self.chapters) > 1
        cells = access.cells_visible_to(user)
        if self.several_chapters:
            self.filters["chapter"].queryset = chapters
            cells = cells.select_related("chapter")
            self.filters["cell"].queryset = cells.order_by("chapter__name", "name")
        else:
            del self.filters["chapter"]
            self.filters["cell"].queryset = cells.order_by("name")
        for field in self.form.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not field.widget.is_hidden:
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
        # Thousands of chapters or cells: searchable pickers, never a drop-down of them all.
        if self.several_chapters:
            self.form.fields["cell"].label_from_instance = lambda cell: f"{cell.chapter} · {cell}"
            swap_in(self.form.fields["chapter"], ChapterPicker)
        chapter_field = "chapter" if self.several_chapters else ""
        swap_in(self.form.fields["cell"], CellPicker, chapter_field=chapter_field)

    # Methods ---------------------------------------------------------------------------------

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value)

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        query = _STATUS_QUERIES.get(value)
        return query(queryset) if query else queryset.filter(status=value)

    def filter_age(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Date ranges on date_of_birth, so the database (and its index) does the work.
        low, high = AGE_BANDS[value]
        today = timezone.localdate()
        if low is not None:
            queryset = queryset.filter(date_of_birth__lte=latest_birth_date(today, low))
        if high is not None:
            queryset = queryset.filter(date_of_birth__gt=latest_birth_date(today, high))
        return queryset

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        expression = SORTS[value.removeprefix("-")]
        if value.startswith("-"):
            order = expression.desc(nulls_last=True)
        else:
            order = expression.asc(nulls_last=True)
        return queryset.order_by(order, "sort_key", "id")
