"""The transfer-in form (members/movement_views.py ``transfer_in``): receive a member by
permanent transfer, with the letter, the day it was presented (R22's 30 working days) and the
register details, or bring back a member who once transferred out of the chapter."""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.db.models import Max, Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from chapter.dates import format_date
from chapter.documents import Document
from chapter.forms import date_field, model_formfield, note_field
from members.models import Cell, Chapter, Member, MemberEvent
from members.movement_forms import LetterFields, ServiceForm

Status = Member.Status
DocumentKind = MemberEvent.DocumentKind


# Transfer in ------------------------------------------------------------------------------

# Register details typed for a member received by transfer (a returning member keeps theirs).
TRANSFER_IN_DETAILS = (
    "full_name", "other_names", "gender", "date_of_birth", "ethnicity", "religion", "hometown",
    "citizen_id", "phone", "occupation", "workplace", "card_number", "dossier_number",
    "admission_decision_date", "ceremony_date", "official_date",
)  # fmt: skip
NEW_PERSON = "new"


class TransferInForm(ServiceForm, LetterFields):
    """Receive a member by permanent transfer. If a member who once transferred out of the
    chapter has the same citizen ID or card number, the secretary says whether it is the same
    person (then they come back on their old record) or not."""

    chapter = forms.ModelChoiceField(label=_("Chapter"), queryset=Chapter.objects.none())
    cell = forms.ModelChoiceField(
        label=_("Cell"), queryset=Cell.objects.none(), required=False, empty_label=_("— No cell —")
    )
    status = forms.ChoiceField(
        label=_("Status on arrival"),
        choices=[(s, capfirst(Status(s).label)) for s in (Status.OFFICIAL, Status.PROBATIONARY)],
        widget=forms.RadioSelect,
        initial=Status.OFFICIAL,
    )
    effective_date = date_field(_("Received on"))
    presented_date = date_field(
        _("Letter presented on"),
        required=False,
        help_text=_(
            "The day the member presented the transfer letter here (empty: the day received). "
            "It is due within 30 working days of the letter's date (Quy định 294-QĐ/TW, "
            "mục 6.3.1); a late one is flagged, not refused."
        ),
    )
    from_organisation = forms.CharField(
        label=_("From which party organisation"),
        max_length=250,
        help_text=_("As written on the transfer letter."),
    )
    returning = forms.ChoiceField(
        label=_("Is this the same person?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _(
                "A member who transferred out of this chapter has the same citizen ID or party "
                "card number: say whether this is the same person."
            )
        },
    )
    note = note_field()

    field_order = ["chapter", "status", "effective_date", "cell", "from_organisation"]
    always_summarised = ("cell",)
    error_fields = {
        "future_date": "effective_date",
        "before_founding": "effective_date",
        "before_latest_movement": "effective_date",
    }

    def __init__(self, chapters, *args, **kwargs) -> None:
        self.chapters = list(chapters)
        super().__init__(*args, **kwargs)
        details = forms.fields_for_model(
            Member, fields=TRANSFER_IN_DETAILS, formfield_callback=model_formfield
        )
        self.fields.update(details)  # dates typed dd/mm/yyyy, bounded (model_formfield)
        self.fields["note"] = self.fields.pop("note")  # last, after the register details
        self.fields["official_date"].help_text = _(
            "Leave empty: it is the ceremony date plus 12 months."
        )
        self._set_units()
        self.matches = self._returning_matches()
        if self.matches:
            self.fields["returning"].choices = [
                (str(m.public_id), self._match_label(m)) for m in self.matches
            ] + [(NEW_PERSON, _("No: a different person. Create a new record."))]
            if self.data.get("returning") not in (None, "", NEW_PERSON):
                # The old record keeps its details: nothing more to type.
                for name in TRANSFER_IN_DETAILS:
                    self.fields[name].required = False
        else:
            del self.fields["returning"]

    def _set_units(self) -> None:
        ids = [chapter.pk for chapter in self.chapters]
        cells = Cell.objects.filter(chapter_id__in=ids, closed_on__isnull=True)
        cells = cells.select_related("chapter")
        self.fields["cell"].queryset = cells
        if len(self.chapters) == 1:
            del self.fields["chapter"]
        else:
            self.fields["chapter"].queryset = Chapter.objects.filter(pk__in=ids)
            self.fields["cell"].label_from_instance = lambda c: f"{c.chapter} · {c}"

    def _chosen_chapter_id(self) -> int | None:
        if len(self.chapters) == 1:
            return self.chapters[0].pk
        raw = self.data.get("chapter", "")
        return int(raw) if str(raw).isdigit() else None

    def _returning_matches(self) -> list[Member]:
        if not self.is_bound:
            return []
        citizen_id = (self.data.get("citizen_id") or "").strip()
        card = (self.data.get("card_number") or "").strip()
        chapter_id = self._chosen_chapter_id()
        if not (citizen_id or card) or chapter_id is None:
            return []
        same = Q(citizen_id=citizen_id) if citizen_id else Q(pk__in=[])
        if card:
            same |= Q(card_number=card)
        out = MemberEvent.Kind.TRANSFERRED_OUT
        return list(
            Member.objects.filter(same, chapter_id=chapter_id, status=Status.TRANSFERRED_OUT)
            .annotate(left_on=Max("events__effective_date", filter=Q(events__kind=out)))
            .order_by("-left_on")
        )

    @staticmethod
    def _match_label(member: Member) -> str:
        return _(
            "Yes: this is %(name)s, born %(born)s, who transferred out on %(left)s. "
            "Bring them back on the same record."
        ) % {
            "name": member.full_name,
            "born": format_date(member.date_of_birth, "—"),
            "left": format_date(member.left_on, "—"),
        }

    def layout(self) -> Layout:
        row = lambda *names: Row(*[Column(n) for n in self.present(*names)])  # noqa: E731
        parts: list[Any] = []
        if "returning" in self.fields:
            parts.append(
                Fieldset(
                    _("A member with the same identifiers transferred out of this chapter"),
                    "returning",
                    css_class="border border-warning rounded p-3 mb-3 bg-warning-subtle",
                )
            )
        parts += [
            Fieldset(
                _("Arrival"),
                *self.present("chapter"),
                row("status", "effective_date"),
                row("cell", "from_organisation"),
            ),
            Fieldset(
                _("Transfer letter"),
                row("document_number", "document_date", "issuing_body"),
                row("presented_date"),
            ),
            Fieldset(
                _("Register details"),
                HTML(
                    '<p class="small text-body-secondary">{}</p>'.format(
                        _(
                            "As on the member's record sent with the letter. A member who "
                            "comes back keeps the record they had."
                        )
                    )
                ),
                row("full_name", "other_names"),
                row("gender", "date_of_birth", "ethnicity", "religion"),
                row("hometown", "citizen_id", "phone"),
                row("occupation", "workplace"),
                row("card_number", "dossier_number"),
                row("admission_decision_date", "ceremony_date", "official_date"),
            ),
            "note",
        ]
        return Layout(*parts)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        cell, chapter = data.get("cell"), self.chosen_chapter()
        if cell is not None and chapter is not None and cell.chapter_id != chapter.pk:
            self.add_error("cell", _("This cell belongs to another chapter."))
        return data

    def chosen_chapter(self) -> Chapter | None:
        if len(self.chapters) == 1:
            return self.chapters[0]
        return self.cleaned_data.get("chapter")

    def returning_member(self) -> Member | None:
        chosen = self.cleaned_data.get("returning")
        return next((m for m in self.matches if str(m.public_id) == chosen), None)

    def summarised_fields(self) -> list[str]:
        names = [n for n in self.fields if n != "returning"]
        if self.returning_member() is not None:
            names = [n for n in names if n not in TRANSFER_IN_DETAILS]
        return names

    def summary(self) -> list[tuple[str, str]]:
        rows = super().summary()
        back = self.returning_member()
        if back is not None:
            who = _("%(name)s, born %(born)s") % {
                "name": back.full_name,
                "born": format_date(back.date_of_birth, "—"),
            }
            rows.insert(0, (str(_("Comes back on the record of")), who))
        return rows

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        back = self.returning_member()
        details = None
        if back is None:
            details = {name: data[name] for name in TRANSFER_IN_DETAILS}
            details = {k: v for k, v in details.items() if v not in (None, "")}
        return {
            "chapter": self.chosen_chapter(),
            "cell": data["cell"],
            "status": data["status"],
            "effective_date": data["effective_date"],
            "from_organisation": data["from_organisation"],
            "letter": Document(
                kind=DocumentKind.TRANSFER_LETTER,
                number=data["document_number"],
                date=data["document_date"],
                issuing_body=data["issuing_body"],
            ),
            "details": details,
            "member_id": back.pk if back else None,
            "note": data["note"],
            "presented_date": data.get("presented_date"),
        }
