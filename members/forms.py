"""Forms of the register pages: a new member on the roll, and editing a member's details.

The forms validate input and lay it out; ``members.services`` does the writing and the rules
(citizen ID format, dates in order, one active member per citizen ID), and its errors come back
on the right fields through ``add_service_error``.
"""

from datetime import date
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapter.dates import OLDEST_BIRTH, add_months
from chapter.forms import date_field, model_formfield
from members.models import Cell, Member
from members.services import DETAIL_FIELDS, KEY_DATE_FIELDS

# The register's fields in the sections the forms show them in (7-HSĐV order, roughly).
SECTIONS = (
    (
        _("Identity"),
        (
            "full_name", "other_names", "gender", "date_of_birth", "ethnicity", "religion",
            "hometown", "birthplace", "permanent_address", "citizen_id",
        ),
    ),
    (_("Contact"), ("phone", "email", "current_address")),
    (
        _("Education and work"),
        (
            "general_education", "qualification", "political_theory", "foreign_language",
            "occupation_before", "occupation", "workplace", "job_title", "service",
        ),
    ),
    (
        _("Party dates and identifiers"),
        (
            "admission_decision_date", "admission_decision_number", "ceremony_date",
            "official_date", "confirmation_decision_date", "confirmation_decision_number",
            "youth_union_date", "first_admission_decision_date", "earlier_interruption_months",
            "card_number", "dossier_number", "badge_number",
        ),
    ),
    (_("Notes"), ("note",)),
)  # fmt: skip
WIDE_FIELDS = {"note", "permanent_address", "current_address"}


def member_fields(names: tuple[str, ...]) -> dict[str, forms.Field]:
    """Form fields for these Member fields, with the model's labels, choices and help texts;
    dates typed dd/mm/yyyy within sane bounds, notes of bounded length (``model_formfield``)."""
    return forms.fields_for_model(Member, fields=names, formfield_callback=model_formfield)


def section_layout(names) -> list[Fieldset]:
    """The sections holding any of ``names``, each field in a responsive column."""
    fieldsets = []
    for title, section in SECTIONS:
        present = [name for name in section if name in names]
        if present:
            columns = [
                Column(name, css_class="col-12" if name in WIDE_FIELDS else "col-md-6 col-lg-4")
                for name in present
            ]
            fieldsets.append(Fieldset(title, Row(*columns)))
    return fieldsets


def _helper(layout: Layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template holds <form>, the CSRF token and the buttons
    helper.layout = layout
    return helper


class MemberCreateForm(forms.Form):
    """Put a member on the roll (``services.member_register``)."""

    # Service errors without a field that belong to the joining date.
    SERVICE_CODE_FIELDS = {"future_date": "effective_date", "before_founding": "effective_date"}
    OLDEST_BIRTH = OLDEST_BIRTH

    chapter = forms.ModelChoiceField(queryset=None, label=_("Chapter"))
    cell = forms.ModelChoiceField(
        queryset=None, label=_("Cell"), required=False, empty_label=_("— no cell —")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Member.Status.PROBATIONARY, Member.Status.PROBATIONARY.label),
            (Member.Status.OFFICIAL, Member.Status.OFFICIAL.label),
        ],
    )
    effective_date = date_field(
        _("On the chapter's roll from"),
        help_text=_("The day the member joined this chapter (or the day the register starts)."),
    )

    def __init__(self, *args, chapters: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(member_fields(DETAIL_FIELDS + KEY_DATE_FIELDS))
        self.fields["official_date"].help_text = _(
            "Leave blank: the ceremony date plus 12 months is filled in."
        )
        self.fields["chapter"].queryset = chapters
        cells = Cell.objects.filter(chapter__in=chapters, closed_on__isnull=True)
        cells = cells.select_related("chapter")
        self.fields["cell"].queryset = cells.order_by("chapter__name", "name")
        self.initial.setdefault("effective_date", timezone.localdate())
        chapter_ids = list(chapters.values_list("pk", flat=True)[:2])
        if len(chapter_ids) == 1:
            self.fields["chapter"].initial = chapter_ids[0]
            self.fields["chapter"].widget = forms.HiddenInput()
        else:
            self.fields["cell"].label_from_instance = lambda cell: f"{cell.chapter} · {cell}"
        names = ("chapter", "cell", "status", "effective_date")
        shown = [name for name in names if not self.fields[name].widget.is_hidden]
        membership = Fieldset(
            _("Membership in this chapter"),
            *(name for name in names if name not in shown),
            Row(*(Column(name, css_class="col-md-6 col-lg-3") for name in shown)),
        )
        self.helper = _helper(Layout(membership, *section_layout(self.fields)))

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born < self.OLDEST_BIRTH or born > add_months(today, -12 * 18):
            raise ValidationError(
                _("This date of birth is not plausible for a party member."), code="implausible"
            )
        return born

    def details(self) -> dict[str, Any]:
        names = DETAIL_FIELDS + KEY_DATE_FIELDS
        return {name: self.cleaned_data[name] for name in names}


class MemberEditForm(forms.Form):
    """Edit the register details a user may change (``access.fields_editable_by``)."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=100,
        help_text=_("Kept in the member's history, e.g. “new phone number”."),
    )

    def __init__(self, *args, member: Member, editable: tuple[str, ...], **kwargs) -> None:
        kwargs.setdefault("initial", {name: getattr(member, name) for name in editable})
        super().__init__(*args, **kwargs)
        self.editable = editable
        reason = self.fields.pop("reason")
        self.fields.update(member_fields(editable))
        self.fields["reason"] = reason
        self.helper = _helper(
            Layout(*section_layout(editable), Fieldset(_("Why"), Row(Column("reason"))))
        )

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.editable}
