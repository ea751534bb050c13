"""The rating page's form set (one row per member to rate) and the badge list's parameters."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import access
from members.models import Chapter
from ratings.models import FIRST_YEAR, Level


class RatingRowForm(forms.Form):
    member = forms.UUIDField(widget=forms.HiddenInput)
    level = forms.ChoiceField(
        label=_("Rating"), choices=[("", _("— not rated yet —")), *Level.choices], required=False
    )


RatingFormSet = forms.formset_factory(RatingRowForm, extra=0, absolute_max=20000, max_num=20000)


class ChapterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Chapter) -> str:
        return obj.name


class BadgeListForm(forms.Form):
    """``?year=`` (default: next year) and ``?chapter=`` (a public id among the user's)."""

    year = forms.IntegerField(label=_("Year"), required=False)
    chapter = ChapterChoiceField(
        label=_("Chapter"),
        queryset=Chapter.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("All my chapters"),
    )

    def __init__(self, data, *, user, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.user = user
        today = timezone.localdate()
        self.fields["year"] = forms.IntegerField(
            label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=today.year + 50
        )
        self.fields["chapter"].queryset = access.chapters_visible_to(user).order_by("name")
        self.default_year = today.year + 1

    def clean_year(self) -> int:
        return self.cleaned_data.get("year") or self.default_year

    def chapter_out_of_scope(self) -> bool:
        """A chapter id that is not one of the user's: a 404, not a form error."""
        return "chapter" in self.errors

    def scope(self):
        members = access.members_visible_to(self.user)
        chapter = self.cleaned_data.get("chapter")
        return members.filter(chapter=chapter) if chapter else members
