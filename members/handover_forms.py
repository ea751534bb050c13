"""Forms of a transfer between two chapters of this system (members/handover_views.py):
the sending secretary's request (with the letter or without), the committee's letter, the
receiving secretary's acceptance or "not arrived", and the sending chapter's withdrawal.

Each feeds one service of ``members.services.handover`` (``service_kwargs``) and summarises
itself on the confirmation page (``summary``); the rules stay in the services.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapter.documents import Document
from chapter.forms import DateKind, date_field, note_field
from members.models import Cell, Chapter, Handover, Member, MemberEvent
from members.movement_forms import ServiceForm
from members.pickers import ChapterPicker, swap_in
from members.transfers import TemporaryKind

Kind = Handover.Kind
LETTER = MemberEvent.DocumentKind.TRANSFER_LETTER


def destination_label(chapter: Chapter) -> str:
    """A chapter with its committee: two chapters of a province may share a name."""
    return f"{chapter.name} · {chapter.committee.name}"


def destinations(member: Member | None = None) -> QuerySet[Chapter]:
    """Where a member may be transferred: any chapter of the system not dissolved, but their
    own. Chapter names are not confidential (the letter names both chapters); no member of
    them is read."""
    chapters = Chapter.objects.filter(dissolved_on__isnull=True).select_related("committee")
    if member is not None:
        chapters = chapters.exclude(pk=member.chapter_id)
    return chapters


class DestinationField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Chapter) -> str:
        return destination_label(obj)


class DestinationPicker(ChapterPicker):
    """The chapter picker over the whole tree (``members:pick-destinations``)."""

    url_name = "members:pick-destinations"

    def chosen(self, units: QuerySet):
        return units.select_related("committee").first()

    def label(self, unit: Chapter) -> str:
        return destination_label(unit)


class _LetterFields(forms.Form):
    document_number = forms.CharField(
        label=_("Transfer letter number"), max_length=50, required=False
    )
    document_date = date_field(_("Transfer letter date"), required=False)
    issuing_body = forms.CharField(label=_("Issued by"), max_length=200, required=False)

    def document(self) -> Document | None:
        data = self.cleaned_data
        if not (data.get("document_number") or data.get("document_date")):
            return None
        return Document(
            kind=LETTER,
            number=data.get("document_number") or "",
            date=data.get("document_date"),
            issuing_body=data.get("issuing_body") or "",
        )


class HandoverForm(ServiceForm, _LetterFields):
    """The sending secretary's transfer of ``member`` to a chapter of this system."""

    kind = forms.ChoiceField(
        label=_("Kind of transfer"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        initial=Kind.PERMANENT,
    )
    to_chapter = DestinationField(
        label=_("Receiving chapter"),
        queryset=Chapter.objects.none(),
        to_field_name="public_id",
        empty_label=_("Type the chapter's name"),
        help_text=_("Any chapter of this system; its committee is shown beside its name."),
    )
    requested_on = date_field(_("Requested on"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=250,
        required=False,
        help_text=_("e.g. change of job, retirement, move of residence."),
    )
    change_date = date_field(
        _("Job, retirement or residence changed on"),
        required=False,
        help_text=_(
            "Permanent transfer: started within 60 working days of the change (Quy định "
            "294-QĐ/TW, mục 6). A late start is flagged, not refused."
        ),
    )
    temporary_kind = forms.ChoiceField(
        label=_("Kind of temporary transfer"),
        choices=TemporaryKind.choices,
        widget=forms.RadioSelect,
        required=False,
        initial=TemporaryKind.WORK,
    )
    until = date_field(
        _("Planned end"),
        required=False,
        kind=DateKind.PLANNED,
        help_text=_("Temporary transfer: the day the member is expected back."),
    )
    note = note_field(
        help_text=_(
            "Shown to the receiving chapter with the transfer letter: nothing the receiving "
            "chapter should not read."
        )
    )

    error_fields = {"future_date": "requested_on", "before_latest_movement": "document_date"}

    def __init__(self, member: Member, *args, **kwargs) -> None:
        self.member = member
        super().__init__(*args, **kwargs)
        self.fields["to_chapter"].queryset = destinations(member)
        self.fields["to_chapter"].widget.attrs["class"] = "form-select"  # full width on a phone
        swap_in(self.fields["to_chapter"], DestinationPicker)
        self.fields["requested_on"].initial = timezone.localdate()
        self.fields["issuing_body"].initial = member.chapter.committee.name
        self.fields["document_number"].help_text = _(
            "With the letter already issued, the member leaves this chapter's roll on its date "
            "and the receiving chapter sees the arrival. Without it, the committee has a letter "
            "to issue."
        )

    def layout(self) -> Layout:
        return Layout(
            "kind",
            "to_chapter",
            Row(Column("requested_on"), Column("change_date")),
            "reason",
            Fieldset(
                _("Temporary transfer"),
                "temporary_kind",
                Row(Column("until")),
            ),
            Fieldset(
                _("Transfer letter (optional)"),
                Row(Column("document_number"), Column("document_date"), Column("issuing_body")),
            ),
            "note",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == Kind.TEMPORARY:
            data["change_date"] = None
            data["temporary_kind"] = data.get("temporary_kind") or TemporaryKind.WORK
        else:
            data["temporary_kind"], data["until"] = "", None
        if data.get("document_number") and not data.get("document_date"):
            self.add_error("document_date", _("Give the date of the paper."))
        if data.get("document_date") and not data.get("document_number"):
            self.add_error("document_number", _("Give the number of the paper."))
        return data

    def summarised_fields(self) -> list[str]:
        names = ["kind", "to_chapter", "requested_on", "reason"]
        if self.cleaned_data.get("kind") == Kind.TEMPORARY:
            names += ["temporary_kind", "until"]
        else:
            names += ["change_date"]
        if self.document() is not None:
            names += ["document_number", "document_date", "issuing_body"]
        return [*names, "note"]

    def with_letter(self) -> bool:
        return self.document() is not None

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "to_chapter": data["to_chapter"],
            "requested_on": data["requested_on"],
            "reason": data.get("reason") or "",
            "change_date": data.get("change_date"),
            "temporary_kind": data.get("temporary_kind") or "",
            "until": data.get("until"),
            "letter": self.document(),
            "note": data.get("note") or "",
        }


class IssueLetterForm(ServiceForm, _LetterFields):
    """The transfer letter of a requested transfer (the committee's, or entered from paper)."""

    error_fields = {"future_date": "document_date", "before_latest_movement": "document_date"}

    def __init__(self, handover: Handover, *args, **kwargs) -> None:
        self.handover = handover
        super().__init__(*args, **kwargs)
        self.fields["document_number"].required = True
        self.fields["document_date"].required = True
        self.fields["issuing_body"].initial = handover.from_chapter.committee.name

    def layout(self) -> Layout:
        return Layout(Row(Column("document_number"), Column("document_date")), "issuing_body")

    def service_kwargs(self) -> dict[str, Any]:
        return {"letter": self.document()}


class AcceptForm(ServiceForm):
    """The receiving chapter accepts the member who presented the letter."""

    presented_on = date_field(
        _("Letter presented on"),
        help_text=_(
            "Due within 30 working days of the letter's date (Quy định 294-QĐ/TW, mục 6.3.1); "
            "a late one is flagged, not refused."
        ),
    )
    cell = forms.ModelChoiceField(
        label=_("Cell"),
        queryset=Cell.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=_("— No cell —"),
        error_messages={"invalid_choice": _("Choose one of this chapter's cells.")},
    )
    note = note_field()

    always_summarised = ("cell",)
    error_fields = {"future_date": "presented_on", "before_latest_movement": "presented_on"}

    def __init__(self, handover: Handover, *args, **kwargs) -> None:
        self.handover = handover
        super().__init__(*args, **kwargs)
        self.fields["presented_on"].initial = timezone.localdate()
        if handover.kind == Kind.PERMANENT:
            self.fields["cell"].queryset = Cell.objects.filter(
                chapter_id=handover.to_chapter_id, closed_on__isnull=True
            ).order_by("name")
        else:  # a temporary stay joins no cell of the host
            del self.fields["cell"]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "presented_on": data["presented_on"],
            "cell": data.get("cell"),
            "note": data.get("note") or "",
        }


class NotArrivedForm(ServiceForm):
    on = date_field(_("Reported on"))
    note = note_field()

    error_fields = {"future_date": "on"}

    def __init__(self, handover: Handover, *args, **kwargs) -> None:
        self.handover = handover
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()

    def service_kwargs(self) -> dict[str, Any]:
        return {"on": self.cleaned_data["on"], "note": self.cleaned_data.get("note") or ""}


class CancelForm(ServiceForm):
    reason = note_field(_("Reason"), required=True)

    def __init__(self, handover: Handover, *args, **kwargs) -> None:
        self.handover = handover
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}
