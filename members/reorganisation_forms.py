"""Forms of a reorganisation decision (members/reorganisation_views.py): the decision's paper
and deciding committee, then the choices of its kind (chapters and cells among the officer's,
through the searchable pickers of ``members.pickers``). Each form calls its service of
``members.services.reorganisation`` (``perform``), once as a rehearsal (``preview``) for the
confirmation page, once for good; the rules stay in the service.

A split or a move of cells needs the cells of the chosen chapter: once the chapter is chosen
(``source``), one field per open cell appears (``cell_<public id>``) and the user says where
each goes; ``cells_for`` remembers which chapter the fields were drawn for.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chapter.forms import date_field
from members.access import in_subtrees, reach_of
from members.models import Cell, Chapter, Committee, Reorganisation
from members.movement_forms import ServiceForm
from members.pickers import ChapterPicker, swap_in
from members.services import reorganisation as service
from members.services.reorganisation import Decision

Kind = Reorganisation.Kind
SLOTS = 4  # chapters chosen one picker each: merged, or moved to another committee
PARTS = 3  # new chapters of a split


def deciding_committees(user) -> QuerySet[Committee]:
    """The committees whose decisions the user records: an officer's own; any for a superuser."""
    reach = reach_of(user)
    if reach.is_superuser:
        return Committee.objects.all()
    return Committee.objects.filter(pk__in=reach.committee_ids)


def chapters_in_reach(user) -> QuerySet[Chapter]:
    """Chapters a reorganisation may touch: under the officer's committees, not dissolved."""
    reach = reach_of(user)
    chapters = Chapter.objects.filter(dissolved_on__isnull=True).select_related("committee")
    if reach.is_superuser:
        return chapters
    return chapters.filter(in_subtrees(reach.committee_paths, "committee__path"))


def committees_in_reach(user) -> QuerySet[Committee]:
    reach = reach_of(user)
    if reach.is_superuser:
        return Committee.objects.all()
    return Committee.objects.filter(in_subtrees(reach.committee_paths))


class CommitteeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Committee) -> str:
        return obj.name


def _chapter_field(label, *, required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=Chapter.objects.none(),
        to_field_name="public_id",
        required=required,
        empty_label=_("Type the chapter's name"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class DecisionForm(ServiceForm):
    """The decision itself; subclasses add the choices of their kind."""

    kind: str = ""
    committee = CommitteeField(
        label=_("Deciding committee"),
        queryset=Committee.objects.none(),
        to_field_name="public_id",
        empty_label=None,
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=50)
    decision_date = date_field(_("Decision date"))
    issuing_body = forms.CharField(label=_("Issued by"), max_length=200)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, user, *args, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = deciding_committees(user).order_by("path")
        self.order_fields(["committee", "decision_number", "decision_date", "issuing_body"])

    def _chapters(self, *names: str) -> None:
        chapters = chapters_in_reach(self.user)
        for name in names:
            self.fields[name].queryset = chapters
            swap_in(self.fields[name], ChapterPicker)

    def decision(self) -> Decision:
        data = self.cleaned_data
        return Decision(
            committee=data["committee"],
            number=data["decision_number"],
            date=data["decision_date"],
            issuing_body=data["issuing_body"],
            note=data.get("note") or "",
        )

    def perform(self, *, preview: bool):
        raise NotImplementedError

    def summarised_fields(self) -> list[str]:
        """The decision's own fields: what moves is the service's summary, shown beside."""
        return ["committee", "decision_number", "decision_date", "issuing_body", "note"]


class MergeForm(DecisionForm):
    kind = Kind.MERGE
    target = _chapter_field(_("Chapter they merge into"), required=True)
    error_fields = {"sources": "source_1", "target": "target", "target_is_source": "target"}

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        for n in range(1, SLOTS + 1):
            self.fields[f"source_{n}"] = _chapter_field(
                _("Chapter merged (%(n)d)") % {"n": n}, required=n == 1
            )
        self._chapters("target", *(f"source_{n}" for n in range(1, SLOTS + 1)))
        self.order_fields([*self.fields][:5] + [f"source_{n}" for n in range(1, SLOTS + 1)])

    def sources(self) -> list[Chapter]:
        found = [self.cleaned_data.get(f"source_{n}") for n in range(1, SLOTS + 1)]
        return [chapter for chapter in found if chapter is not None]

    def perform(self, *, preview: bool):
        return service.reorganise_merge(
            self.decision(),
            sources=self.sources(),
            target=self.cleaned_data["target"],
            actor=self.user,
            preview=preview,
        )


class MoveChaptersForm(DecisionForm):
    kind = Kind.MOVE_CHAPTERS
    target_committee = CommitteeField(
        label=_("Committee they move under"),
        queryset=Committee.objects.none(),
        to_field_name="public_id",
    )
    error_fields = {"chapters": "chapter_1", "same_committee": "target_committee"}

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        for n in range(1, SLOTS + 1):
            self.fields[f"chapter_{n}"] = _chapter_field(
                _("Chapter moved (%(n)d)") % {"n": n}, required=n == 1
            )
        self._chapters(*(f"chapter_{n}" for n in range(1, SLOTS + 1)))
        self.fields["target_committee"].queryset = committees_in_reach(user).order_by("path")

    def perform(self, *, preview: bool):
        found = [self.cleaned_data.get(f"chapter_{n}") for n in range(1, SLOTS + 1)]
        return service.reorganise_move_chapters(
            self.decision(),
            chapters=[chapter for chapter in found if chapter is not None],
            target_committee=self.cleaned_data["target_committee"],
            actor=self.user,
            preview=preview,
        )


class _CellsForm(DecisionForm):
    """A form with one field per open cell of the chosen ``source`` chapter."""

    source = _chapter_field(_("Chapter whose cells are divided"), required=True)
    cells_for = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        self._chapters("source")
        raw = self.data.get("source") if self.is_bound else self.initial.get("source")
        self.chosen = self._lookup(raw)
        self.cells: list[Cell] = []
        if self.chosen is not None:
            self.cells = list(
                Cell.objects.filter(chapter=self.chosen, closed_on__isnull=True).order_by("name")
            )
            for cell in self.cells:
                self.fields[f"cell_{cell.public_id}"] = self.cell_field(cell)
            self.initial["cells_for"] = str(self.chosen.public_id)

    def _lookup(self, value) -> Chapter | None:
        if not value:
            return None
        try:
            return self.fields["source"].queryset.filter(public_id=value).first()
        except (ValueError, forms.ValidationError):
            return None

    def cell_field(self, cell: Cell) -> forms.Field:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        source = data.get("source")
        if source is not None and data.get("cells_for") != str(source.public_id):
            # The cells were not shown yet (or were another chapter's): show them now.
            self.data = self.data.copy()
            self.data["cells_for"] = str(source.public_id)
            raise forms.ValidationError(
                _("Now say where each cell of %(chapter)s goes.") % {"chapter": source.name},
                code="choose_cells",
            )
        return data

    def chosen_cells(self, value: str) -> list[Cell]:
        return [c for c in self.cells if self.cleaned_data.get(f"cell_{c.public_id}") == value]


class MoveCellsForm(_CellsForm):
    kind = Kind.MOVE_CELLS
    target = _chapter_field(_("Chapter they move to"), required=True)
    error_fields = {"cells": "source", "target": "target", "target_is_source": "target"}

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        self._chapters("target")
        self.fields["source"].label = _("Chapter the cells leave")

    def cell_field(self, cell: Cell) -> forms.Field:
        return forms.ChoiceField(
            label=cell.name,
            choices=[("", _("stays")), ("move", _("moves"))],
            required=False,
            widget=forms.RadioSelect,
        )

    def perform(self, *, preview: bool):
        return service.reorganise_move_cells(
            self.decision(),
            cells=self.chosen_cells("move"),
            target=self.cleaned_data["target"],
            actor=self.user,
            preview=preview,
        )


class SplitForm(_CellsForm):
    kind = Kind.SPLIT
    keep_source = forms.BooleanField(
        label=_("The chapter continues (otherwise it is dissolved)"), required=False
    )
    no_cell = forms.ChoiceField(label=_("Members without a cell go to"), required=False, choices=[])
    error_fields = {"parts": "part_1"}

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        for n in range(1, PARTS + 1):
            self.fields[f"part_{n}"] = forms.CharField(
                label=_("New chapter %(n)d: name") % {"n": n},
                max_length=200,
                required=n == 1,
            )
        self.fields["no_cell"].choices = self.part_choices()
        self.fields["source"].label = _("Chapter split")
        names = ["committee", "decision_number", "decision_date", "issuing_body", "note"]
        names += ["source", *(f"part_{n}" for n in range(1, PARTS + 1)), "keep_source"]
        self.order_fields(names)

    @staticmethod
    def part_choices() -> list[tuple[str, str]]:
        return [("", _("stays in the chapter"))] + [
            (str(n), _("new chapter %(n)d") % {"n": n}) for n in range(1, PARTS + 1)
        ]

    def cell_field(self, cell: Cell) -> forms.Field:
        return forms.ChoiceField(label=cell.name, choices=self.part_choices(), required=False)

    def perform(self, *, preview: bool):
        data = self.cleaned_data
        parts, index = [], {}
        for n in range(1, PARTS + 1):
            name = (data.get(f"part_{n}") or "").strip()
            if name:
                index[str(n)] = len(parts)
                parts.append((name, self.chosen_cells(str(n))))
        stray = [
            cell.name
            for cell in self.cells
            if data.get(f"cell_{cell.public_id}") and data[f"cell_{cell.public_id}"] not in index
        ]
        if stray or (data.get("no_cell") and data["no_cell"] not in index):
            raise forms.ValidationError(
                _("A cell goes to a new chapter without a name."), code="unnamed_part"
            )
        return service.reorganise_split(
            self.decision(),
            source=data["source"],
            parts=parts,
            keep_source=data.get("keep_source", False),
            no_cell_part=index.get(data.get("no_cell") or ""),
            actor=self.user,
            preview=preview,
        )


FORMS: dict[str, type[DecisionForm]] = {
    Kind.MERGE: MergeForm,
    Kind.SPLIT: SplitForm,
    Kind.MOVE_CELLS: MoveCellsForm,
    Kind.MOVE_CHAPTERS: MoveChaptersForm,
}
