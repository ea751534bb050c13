"""Forms of the admissions pages: the filters, a new candidate, each pipeline step, observations.

The forms validate what was typed and lay it out; ``admissions.services`` writes and enforces
the Party's rules (``admissions.checks``), and its errors come back on the right fields through
``add_service_error``. Where a form alone can tell a rule is broken (more votes than members
present), it calls the same check the service runs. Dates are typed dd/mm/yyyy in text boxes
(DATE_INPUT_FORMATS).
"""

from __future__ import annotations

from typing import Any

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from admissions import checks
from admissions.files import validate_scan
from admissions.models import (
    STAGE_TRANSITIONS,
    Candidate,
    Form,
    Observation,
)
from chapter.forms import (  # noqa: F401
    LONG_TEXT_MAX,
    add_service_error,
    date_field,
    model_formfield,
    note_field,
)
from members import access as member_access
from members.models import Cell, Chapter, Member
from members.pickers import CellPicker, ChapterPicker, swap_in

St = Candidate.Stage
WIDE = "col-12"
HALF = "col-md-6"


def text_field(label, *, required: bool = False, max_length: int = 200, **kwargs):
    return forms.CharField(label=label, required=required, max_length=max_length, **kwargs)


def count_field(label, help_text: str = "", *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=10_000, help_text=help_text, required=required
    )


def _helper(*rows: Any) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template holds <form>, the CSRF token and the buttons
    helper.disable_csrf = True
    helper.layout = Layout(*rows)
    return helper


def _columns(form: forms.Form, names: list[str]) -> Row:
    def css(name: str) -> str:
        widget = form.fields[name].widget
        return WIDE if isinstance(widget, forms.Textarea | forms.ClearableFileInput) else HALF

    return Row(*(Column(name, css_class=css(name)) for name in names))


class MemberChoiceField(forms.ModelChoiceField):
    """A member by name, with the status shown when it is not official."""

    def label_from_instance(self, obj: Member) -> str:
        if obj.status == Member.Status.OFFICIAL:
            return obj.full_name
        return f"{obj.full_name} ({obj.get_status_display()})"


def official_members(chapter_ids) -> QuerySet[Member]:
    return Member.objects.filter(
        chapter_id__in=chapter_ids, status=Member.Status.OFFICIAL
    ).order_by("sort_key", "pk")


# Filters -----------------------------------------------------------------------------------------

OPEN, CLOSED = "OPEN", "CLOSED"
# Open cases whose candidate is not a member yet (the dashboard's "candidates" figure).
BEFORE_CEREMONY = "BEFORE_CEREMONY"


class BoardFilter(django_filters.FilterSet):
    """Chapter (when the user sees several), cell and a name search without diacritics."""

    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, with or without diacritics")}
        ),
    )
    chapter = django_filters.ModelChoiceFilter(
        queryset=Chapter.objects.none(), label=_("Chapter"), empty_label=_("All chapters")
    )
    cell = django_filters.ModelChoiceFilter(
        queryset=Cell.objects.none(), label=_("Cell"), empty_label=_("All cells")
    )

    class Meta:
        model = Candidate
        fields = ["q", "chapter", "cell"]

    def __init__(self, *args, request, **kwargs) -> None:
        super().__init__(*args, request=request, **kwargs)
        chapters = member_access.chapters_visible_to(request.user).order_by("name")
        self.several_chapters = len(chapters[:2]) > 1
        if self.several_chapters:
            self.filters["chapter"].queryset = chapters
        else:
            del self.filters["chapter"]
        self.filters["cell"].queryset = (
            member_access.cells_visible_to(request.user)
            .select_related("chapter")
            .order_by("chapter__name", "name")
        )
        for name, field in self.form.fields.items():
            css = "form-select form-select-sm" if name != "q" else "form-control"
            field.widget.attrs.setdefault("class", css)
        # A committee's thousands of chapters and cells: searchable pickers (members.pickers).
        if self.several_chapters:
            swap_in(self.form.fields["chapter"], ChapterPicker)
        chapter_field = "chapter" if self.several_chapters else ""
        swap_in(self.form.fields["cell"], CellPicker, chapter_field=chapter_field)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class CandidateFilter(BoardFilter):
    """The list of every case: also by stage (open / closed / one stage) and by source."""

    stage = django_filters.ChoiceFilter(
        method="filter_stage",
        label=_("Stage"),
        empty_label=_("Every case"),
        choices=[
            (OPEN, _("Open cases")),
            (BEFORE_CEREMONY, _("Open cases before the ceremony")),
            (CLOSED, _("Closed cases")),
            *St.choices,
        ],
    )
    source = django_filters.ChoiceFilter(
        label=_("Proposed by"), empty_label=_("Any source"), choices=Candidate.Source.choices
    )

    class Meta:
        model = Candidate
        fields = ["q", "chapter", "cell", "stage", "source"]

    def filter_stage(self, queryset, name, value):
        if value == OPEN:
            return queryset.open()
        if value == CLOSED:
            return queryset.closed()
        if value == BEFORE_CEREMONY:
            return queryset.open().filter(member__isnull=True)
        return queryset.filter(stage=value)


# A new candidate ---------------------------------------------------------------------------------

IDENTITY = (
    "full_name", "other_names", "gender", "date_of_birth", "ethnicity", "religion", "hometown",
    "citizen_id", "phone",
)  # fmt: skip
WORK = (
    "occupation", "workplace", "education", "qualification", "education_exception",
    "education_exception_approval", "education_exception_approval_date",
    "is_youth_union_member", "over_age_approval",
)  # fmt: skip
FORMER = (
    "former_member", "former_exit_date", "former_exit_reason", "hardship_document",
    "hardship_number", "hardship_date", "conviction", "conviction_expunged_on",
    "readmission_consent",
)  # fmt: skip
# Exits after which a former member of the chapter may apply again (R20 decides if they may).
FORMER_STATUSES = (
    Member.Status.REMOVED,
    Member.Status.EXPELLED,
    Member.Status.LEFT,
    Member.Status.REMOVED_FROM_PROBATIONARY_LIST,
)


def _model_formfield(field, **kwargs):
    """Bounded dd/mm/yyyy dates and length-limited notes (``chapter.forms.model_formfield``)."""
    return model_formfield(field, **kwargs)


def former_exit_date(member: Member):
    """The day the member left the roll: their latest status movement."""
    event = (
        member.events.standing()
        .filter(status__isnull=False)
        .order_by("-effective_date", "-pk")
        .first()
    )
    return event.effective_date if event else None


class CandidateCreateForm(forms.Form):
    """An outstanding non-member enters the pool (``services.candidate_create``)."""

    chapter = forms.ModelChoiceField(queryset=Chapter.objects.none(), label=_("Chapter"))
    cell = forms.ModelChoiceField(
        queryset=Cell.objects.none(), label=_("Cell"), required=False, empty_label=_("— no cell —")
    )
    source = forms.ChoiceField(label=_("Proposed by"), choices=Candidate.Source.choices)
    helper_member = MemberChoiceField(
        queryset=Member.objects.none(),
        label=_("Member assigned to help"),
        required=False,
        help_text=_("An official member of the chapter."),
    )
    day = date_field(_("In the pool since"), help_text=_("The date of the chapter's resolution."))
    is_readmission = forms.BooleanField(
        label=_("This person is a former party member (re-admission, Quy định 294-QĐ/TW, mục 3.5)"),
        required=False,
    )

    def __init__(self, *args, chapters: QuerySet[Chapter], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        chapter_list = list(chapters)
        chapter_ids = [c.pk for c in chapter_list]
        self.fields.update(
            forms.fields_for_model(
                Candidate, fields=(*IDENTITY, *WORK, *FORMER, "note"),
                formfield_callback=_model_formfield,
            )
        )  # fmt: skip
        self.fields["chapter"].queryset = chapters
        self.only_chapter = chapter_list[0] if len(chapter_list) == 1 else None
        if self.only_chapter is not None:
            self.fields["chapter"].required = False
            self.fields["chapter"].widget = forms.HiddenInput()
        self.fields["cell"].queryset = Cell.objects.filter(chapter_id__in=chapter_ids).order_by(
            "name"
        )
        self.fields["helper_member"].queryset = official_members(chapter_ids)
        self.fields["former_member"] = MemberChoiceField(
            queryset=Member.objects.filter(
                chapter_id__in=chapter_ids, status__in=FORMER_STATUSES
            ).order_by("sort_key", "pk"),
            required=False,
            label=self.fields["former_member"].label,
            help_text=_(
                "If the person's former record is in this register: the date they left is "
                "taken from it, and a second re-admission is refused."
            ),
        )
        self.fields["day"].initial = timezone.localdate()
        self.helper = _helper(
            "chapter",
            Fieldset(_("Identity"), _columns(self, list(IDENTITY))),
            Fieldset(
                _("In the chapter"), _columns(self, ["cell", "source", "helper_member", "day"])
            ),
            Fieldset(_("Education and work"), _columns(self, list(WORK))),
            HTML(
                format_html(
                    '<details class="readmission mb-3"{}>'
                    '<summary class="fw-semibold mb-2">{}</summary>',
                    " open" if self["is_readmission"].value() else "",
                    _("Former party member (re-admission, Quy định 294-QĐ/TW, mục 3.5)"),
                )
            ),
            _columns(self, ["is_readmission", *FORMER]),
            HTML("</details>"),
            Fieldset(_("Notes"), _columns(self, ["note"])),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["chapter"] = self.only_chapter or data.get("chapter")
        chapter, cell = data["chapter"], data.get("cell")
        if chapter and cell and cell.chapter_id != chapter.pk:
            self.add_error("cell", _("This cell belongs to another chapter."))
        helper = data.get("helper_member")
        if chapter and helper and helper.chapter_id != chapter.pk:
            self.add_error("helper_member", _("This member belongs to another chapter."))
        self._check_education(data)
        if not data.get("is_readmission"):
            for name in FORMER:
                data[name] = self.fields[name].to_python("")
            return data
        former = data.get("former_member")
        if former is not None and not data.get("former_exit_date"):
            data["former_exit_date"] = former_exit_date(former)
        if not data.get("former_exit_date"):
            self.add_error("former_exit_date", _("Give the date the person left the Party."))
        return data

    def _check_education(self, data: dict[str, Any]) -> None:
        """R2 as the service checks it at entry: the level and the exception's category agree
        (the provincial consent a village elder needs is checked at the vote)."""
        if "education" not in data:
            return
        applicant = Candidate(
            education=data["education"],
            education_exception=data.get("education_exception") or "",
            education_exception_approval=data.get("education_exception_approval") or "",
            education_exception_approval_date=data.get("education_exception_approval_date"),
        )
        for violation in checks.check_education_category(applicant):
            self.add_error(violation.field, violation.message)

    def details(self) -> dict[str, Any]:
        names = (*IDENTITY, *WORK, *FORMER, "note")
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


# Pipeline steps ----------------------------------------------------------------------------------


class StepForm(forms.Form):
    """A step's form; knows its candidate (member choices, kinds by stage)."""

    #: warnings (non-blocking rules) are confirmed with this box before the step is recorded
    acknowledge = forms.BooleanField(label=_("I have read the warnings"), required=False)

    def __init__(self, *args, candidate: Candidate, query=None, **kwargs) -> None:
        self.candidate = candidate
        super().__init__(*args, **kwargs)
        self.setup(query or {})
        names = [name for name in self.fields if name != "acknowledge"]
        self.helper = _helper(_columns(self, names))

    def setup(self, query) -> None:
        """Adjust fields for the candidate (querysets, choices, initial values)."""


class SympathiserForm(StepForm):
    day = date_field(_("Date of the chapter's resolution"))
    number = text_field(_("Resolution number"), max_length=50)
    note = note_field()


class CourseForm(StepForm):
    number = text_field(_("Certificate number"), required=True, max_length=50)
    date = date_field(_("Issued on"))
    issuing_body = text_field(_("Issued by"), help_text=_("The political training centre."))
    note = note_field()


class DossierForm(StepForm):
    application_date = date_field(_("Application (1-KNĐ) dated"))
    background_date = date_field(_("Background declaration (2-KNĐ) dated"))
    note = note_field()


class CertifyForm(StepForm):
    certified_on = date_field(_("Certified on"))
    note = note_field()


class IntroducedForm(StepForm):
    number = text_field(_("Summary of opinions (5-KNĐ) number"), max_length=50)
    date = date_field(_("Dated"))
    issuing_body = text_field(_("Issued by"), initial=_("chapter committee"))
    note = note_field()


class VoteForm(StepForm):
    """A chapter meeting's vote (6-KNĐ or 13-KNĐ): the minutes' figures."""

    date = date_field(_("Meeting date"))
    number = text_field(_("Resolution number"), max_length=50)
    present = count_field(_("Members present"), _("Official members present and voting."))
    votes_for = count_field(_("For"))
    votes_against = count_field(_("Against"))
    exempted_present = count_field(
        _("Exempted members who attended"),
        _("Exempted members who attend and vote count in the base."),
        required=False,
    )
    note = note_field()

    def setup(self, query) -> None:
        self.fields["exempted_present"].initial = 0

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        present, yes, no = (data.get(n) for n in ("present", "votes_for", "votes_against"))
        if None not in (present, yes, no):
            for violation in checks.check_vote_counts(present, yes, no):
                self.add_error(None, violation.message)
        return data


class DecisionForm(StepForm):
    """A committee's decision: number, date, issuing body."""

    number = text_field(_("Decision number"), required=True, max_length=50)
    date = date_field(_("Decision dated"))
    issuing_body = text_field(_("Issued by"), required=True)


class DecideForm(DecisionForm):
    received_on = date_field(
        _("Received by the chapter on"),
        help_text=_("The ceremony's 30 working days count from here."),
    )
    note = note_field()


class ExtendForm(StepForm):
    number = text_field(_("Number"), required=True, max_length=50)
    date = date_field(_("Dated"))
    issuing_body = text_field(_("Issued by"))


class ReasonedDecisionForm(DecisionForm):
    reason = note_field(_("Reason"), required=True)


class WithdrawForm(StepForm):
    kind = forms.ChoiceField(label=_("Why the case ends"))
    day = date_field(_("Date"))
    reason = note_field(_("Reason"), required=True)

    def setup(self, query) -> None:
        allowed = self.candidate_exits()
        self.fields["kind"].choices = [(s, St(s).label) for s in allowed]

    def candidate_exits(self) -> list[str]:
        targets = STAGE_TRANSITIONS.get(self.candidate.stage, set())
        return [s for s in (St.WITHDRAWN, St.DOCUMENTS_EXPIRED) if s in targets]


class CeremonyForm(StepForm):
    day = date_field(_("Ceremony date"))
    mentor = MemberChoiceField(
        queryset=Member.objects.none(),
        label=_("Mentor"),
        help_text=_("One official member of the chapter."),
    )
    mentor_resolution = text_field(_("Chapter resolution assigning the mentor"), max_length=100)
    note = note_field()

    def setup(self, query) -> None:
        self.fields["mentor"].queryset = official_members([self.candidate.chapter_id])


class DocumentForm(StepForm):
    form = forms.ChoiceField(label=_("Paper"), choices=Form.choices)
    number = text_field(_("Number"), max_length=50)
    date = date_field(_("Dated"))
    issuing_body = text_field(_("Issued by"))
    scan = forms.FileField(
        label=_("Scan"),
        required=False,
        validators=[validate_scan],
        help_text=_("PDF, JPEG or PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    note = text_field(_("Note"), max_length=250)

    def setup(self, query) -> None:
        if query.get("form") in Form.values:
            self.initial["form"] = query["form"]


class MentorForm(StepForm):
    mentor = MemberChoiceField(queryset=Member.objects.none(), label=_("New mentor"))
    day = date_field(_("From"))
    resolution = text_field(_("Chapter resolution"), required=True, max_length=100)

    def setup(self, query) -> None:
        self.fields["mentor"].queryset = official_members([self.candidate.chapter_id])


class ConfirmForm(DecisionForm):
    note = note_field()


class ObservationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Observation.Kind.choices)
    date = date_field(_("Date"))
    text = forms.CharField(
        label=_("Observation"), max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.helper = _helper(
            Row(Column("kind", css_class=HALF), Column("date", css_class=HALF)), "text"
        )
