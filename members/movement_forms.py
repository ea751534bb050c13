"""Forms for movements, key-date corrections, cells and roles (members/movement_views.py).

Forms validate and type what was typed; they never write. A movement form knows the service
call it stands for (``service_kwargs``) and how to summarise itself on the confirmation page
(``summary``). ``members.actions`` says which form feeds which service.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from chapter.dates import format_date
from chapter.documents import Document
from chapter.forms import DateKind, date_field, note_field
from chapter.forms import add_service_error as _add_service_error
from members.models import Cell, Member, MemberEvent, RoleAssignment
from members.services import KEY_DATE_FIELDS
from members.transfers import TemporaryKind

Status = Member.Status
DocumentKind = MemberEvent.DocumentKind
Role = RoleAssignment.Role


def _display(field: forms.Field, value: Any) -> str:
    if value is None or value == "":
        return str(getattr(field, "empty_label", None) or "—")
    if isinstance(value, date):
        return format_date(value, "—")
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(field, forms.ModelChoiceField):
        return field.label_from_instance(value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)


def _field_label(name: str) -> str:
    try:
        return capfirst(Member._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


class ServiceForm(forms.Form):
    """A form whose cleaned data feeds one service, shown with a crispy FormHelper.

    The page template draws the <form> tag and the buttons; the helper lays out the fields.
    """

    # service field name or error code -> form field that shows the error
    error_fields: dict[str, str] = {}
    # fields shown in the summary even when left empty (e.g. "no cell")
    always_summarised: tuple[str, ...] = ()

    @cached_property
    def helper(self) -> FormHelper:
        # Built on first use, once the subclass has finished adding and removing fields.
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        layout = self.layout()
        if layout is not None:
            helper.layout = layout
        return helper

    def layout(self) -> Layout | None:
        return None

    def present(self, *names: str) -> list[str]:
        """Names of fields this instance has (layouts must not name a missing field)."""
        return [name for name in names if name in self.fields]

    def summary(self) -> list[tuple[str, str]]:
        """(label, value) rows of what will be recorded, for the confirmation page."""
        rows = []
        for name in self.summarised_fields():
            field, value = self.fields[name], self.cleaned_data.get(name)
            if value in (None, "", False) and name not in self.always_summarised:
                continue
            rows.append((str(field.label), _display(field, value)))
        return rows

    def summarised_fields(self) -> list[str]:
        return list(self.fields)


# Movements --------------------------------------------------------------------------------


class MovementForm(ServiceForm):
    """The fields of one movement of ``member``. ``service_fields`` go to the service as they
    are; the document fields, if any, go as one ``Document`` under ``document_arg``."""

    service_fields: tuple[str, ...] = ("effective_date", "note")
    document_arg: str | None = None  # "letter" or "decision"
    document_kind: str = DocumentKind.DECISION
    document_required: bool = False
    date_field_name = "effective_date"

    def __init__(self, member: Member | None, *args, **kwargs) -> None:
        # ``member`` is None in the admin, where one form serves every member ticked.
        self.member = member
        super().__init__(*args, **kwargs)
        if "document_number" in self.fields:
            for name in ("document_number", "document_date"):
                self.fields[name].required = self.document_required
            if member is not None:
                self.fields["issuing_body"].initial = member.chapter.committee.name
        # The service's date errors (future, before founding, before the latest movement)
        # belong beside the date the movement is recorded on.
        self.error_fields = {
            "future_date": self.date_field_name,
            "before_founding": self.date_field_name,
            "before_latest_movement": self.date_field_name,
            **self.error_fields,
        }

    def layout(self) -> Layout:
        dated = self.present("effective_date", "until", "change_date")
        parts: list[Any] = [Row(*[Column(name) for name in dated])] if dated else []
        parts += self.present("temporary_kind", "cell", "to_organisation")
        document = self.present("document_number", "document_date", "issuing_body")
        if document:
            parts.append(Fieldset(self.document_legend(), Row(*[Column(n) for n in document])))
        parts += self.present("reason", "note")
        return Layout(*parts)

    def document_legend(self) -> str:
        if self.document_kind == DocumentKind.TRANSFER_LETTER:
            return str(_("Transfer letter"))
        return str(_("Decision"))

    def document(self) -> Document:
        data = self.cleaned_data
        return Document(
            kind=self.document_kind if data.get("document_number") else "",
            number=data.get("document_number", ""),
            date=data.get("document_date"),
            issuing_body=data.get("issuing_body", ""),
        )

    def service_kwargs(self) -> dict[str, Any]:
        kwargs = {name: self.cleaned_data[name] for name in self.service_fields}
        if self.document_arg:
            kwargs[self.document_arg] = self.document()
        return kwargs

    def extra_summary(self) -> list[tuple[str, str]]:
        return []

    def summary(self) -> list[tuple[str, str]]:
        return super().summary() + self.extra_summary()


class LetterFields(forms.Form):
    document_number = forms.CharField(label=_("Transfer letter number"), max_length=50)
    document_date = date_field(_("Transfer letter date"))
    issuing_body = forms.CharField(label=_("Issued by"), max_length=200, required=False)


class DecisionFields(forms.Form):
    document_number = forms.CharField(label=_("Decision number"), max_length=50)
    document_date = date_field(_("Decision date"))
    issuing_body = forms.CharField(label=_("Issued by"), max_length=200, required=False)


class TransferOutForm(MovementForm, LetterFields):
    effective_date = date_field(_("Transferred out on"))
    change_date = date_field(
        _("Job, retirement or residence changed on"),
        required=False,
        help_text=_(
            "The effective date of the job change or retirement decision, or of the move: the "
            "permanent transfer starts within 60 working days of it (Quy định 294-QĐ/TW, "
            "mục 6). A late start is flagged, not refused."
        ),
    )
    to_organisation = forms.CharField(
        label=_("To which party organisation"),
        max_length=250,
        help_text=_("The chapter or grassroots organisation that receives the member."),
    )
    note = note_field()

    field_order = ["effective_date", "change_date", "to_organisation"]
    service_fields = ("effective_date", "change_date", "to_organisation", "note")
    document_arg = "letter"
    document_kind = DocumentKind.TRANSFER_LETTER
    document_required = True


class TemporaryOutForm(MovementForm, LetterFields):
    effective_date = date_field(_("Temporarily transferred out on"))
    temporary_kind = forms.ChoiceField(
        label=_("Kind of temporary transfer"),
        choices=TemporaryKind.choices,
        widget=forms.RadioSelect,
        required=False,  # residence or work unless said otherwise
        initial=TemporaryKind.WORK,
        help_text=_(
            "Quy định 294-QĐ/TW, mục 6; Hướng dẫn 06-HD/TW. A longer stay is flagged, not refused."
        ),
    )
    until = date_field(
        _("Expected return"),
        required=False,
        help_text=_("Leave empty if not known yet."),
        kind=DateKind.PLANNED,
    )
    to_organisation = forms.CharField(
        label=_("To which party organisation"),
        max_length=250,
        help_text=_("Where the member attends party meetings in the meantime."),
    )
    note = note_field()

    field_order = ["effective_date", "until", "temporary_kind", "to_organisation"]
    service_fields = ("effective_date", "until", "temporary_kind", "to_organisation", "note")

    def clean_temporary_kind(self) -> str:
        return self.cleaned_data.get("temporary_kind") or TemporaryKind.WORK

    document_arg = "letter"
    document_kind = DocumentKind.TRANSFER_LETTER


class DatedNoteForm(MovementForm):
    """A dated movement with an optional note (return, end of exemption, death)."""

    effective_date = date_field(_("Effective date"))
    note = note_field()


class TemporaryReturnForm(DatedNoteForm):
    effective_date = date_field(_("Returned on"))


class EndExemptionForm(DatedNoteForm):
    effective_date = date_field(_("Exemption ends on"))


class DeathForm(DatedNoteForm):
    effective_date = date_field(_("Date of death"))


class MoveCellForm(MovementForm):
    cell = forms.ModelChoiceField(
        label=_("New cell"),
        queryset=Cell.objects.none(),
        required=False,
        empty_label=_("— No cell —"),
    )
    effective_date = date_field(_("Moved on"))
    note = note_field()

    service_fields = ("cell", "effective_date", "note")
    always_summarised = ("cell",)

    def __init__(self, member: Member, *args, **kwargs) -> None:
        super().__init__(member, *args, **kwargs)
        cells = Cell.objects.filter(chapter_id=member.chapter_id, closed_on__isnull=True)
        if member.cell_id:
            cells = cells.exclude(pk=member.cell_id)
        self.fields["cell"].queryset = cells
        # Help texts are rendered unescaped (crispy, Django): escape the cell's name here.
        now = _("Now: %(cell)s.") % {"cell": member.cell or _("no cell")}
        self.fields["cell"].help_text = conditional_escape(now)


class ExemptForm(MovementForm, DecisionFields):
    effective_date = date_field(_("Exempted from"))
    reason = note_field(
        _("Reason"),
        required=True,
        help_text=_("e.g. old age and poor health, long treatment, work abroad."),
    )

    field_order = ["effective_date", "reason"]
    service_fields = ("effective_date", "reason")
    document_arg = "decision"


class ConfirmForm(MovementForm, DecisionFields):
    note = note_field()

    service_fields = ("note",)
    document_arg = "decision"
    document_required = True
    date_field_name = "document_date"
    error_fields = {"probation_not_served": "document_date", "required": "document_number"}

    def extra_summary(self) -> list[tuple[str, str]]:
        return [(str(_("Official member from")), format_date(self.member.official_date, "—"))]


class RemoveFromProbationaryListForm(MovementForm, DecisionFields):
    reason = note_field(_("Reason"), required=True)

    service_fields = ("reason",)
    document_arg = "decision"
    document_required = True
    date_field_name = "document_date"


class LeaveRollForm(MovementForm, DecisionFields):
    """Removal from the roll, expulsion, leaving: dated, with the decision and the reason."""

    effective_date = date_field(_("Effective date"))
    reason = note_field(_("Reason"), required=True)

    field_order = ["effective_date", "reason"]
    service_fields = ("effective_date", "reason")
    document_arg = "decision"
    document_required = True


# Key-date correction ----------------------------------------------------------------------


class CorrectKeyDateForm(ServiceForm):
    field_name = forms.ChoiceField(label=_("Date to correct"), widget=forms.RadioSelect)
    value = date_field(_("Correct date"), kind=DateKind.PLANNED)  # the official date is ahead
    reason = note_field(
        _("Reason for the correction"),
        required=True,
        help_text=_("Kept in the member's history with the correction, e.g. the paper checked."),
    )

    def __init__(self, member: Member, *args, **kwargs) -> None:
        self.member = member
        super().__init__(*args, **kwargs)
        self.fields["field_name"].choices = [
            (name, self._choice_label(name)) for name in KEY_DATE_FIELDS
        ]
        # A service error on the date being corrected shows beside the new value.
        chosen = self.data.get("field_name") if self.is_bound else None
        self.error_fields = {chosen: "value"} if chosen in KEY_DATE_FIELDS else {}

    def _choice_label(self, name: str) -> str:
        return _("%(label)s (now %(value)s)") % {
            "label": _field_label(name),
            "value": format_date(getattr(self.member, name), "—"),
        }

    def changes(self) -> list[tuple[str, str, str]]:
        """(label, before, after) for each date that will change."""
        name, value = self.cleaned_data["field_name"], self.cleaned_data["value"]
        after = {name: value}
        if name == "ceremony_date":
            after["official_date"] = Member.official_date_for(value)
        return [
            (_field_label(f), format_date(getattr(self.member, f), "—"), format_date(new, "—"))
            for f, new in after.items()
            if getattr(self.member, f) != new
        ]

    def summary(self) -> list[tuple[str, str]]:
        rows = [(label, f"{before} → {after}") for label, before, after in self.changes()]
        return [*rows, (str(self.fields["reason"].label), self.cleaned_data["reason"])]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"field_name": data["field_name"], "value": data["value"], "reason": data["reason"]}


# Annulment --------------------------------------------------------------------------------


class AnnulForm(ServiceForm):
    """Annul the latest entry (a member's movement or a case's step), recorded by mistake.
    ``entry`` is the entry the secretary saw as the latest; the service refuses any other."""

    entry = forms.IntegerField(widget=forms.HiddenInput)
    reason = note_field(
        _("Why the entry was a mistake"),
        required=True,
        help_text=_("Kept in the ledger with the annulment, beside the annulled entry."),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason."), code="required")
        return reason


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """A service error on a movement form; one the form has no field for names its field."""
    _add_service_error(form, error, label_for=_field_label)
