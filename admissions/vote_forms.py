"""Step forms around the votes: the grassroots committee's vote (R10) and the supplementary
background check of a dossier over twelve months old (R29).

As for the chapter vote (``forms.VoteForm``), the form calls the same check the service runs
where the typed figures alone tell (more present than members, more votes than present); the
service checks everything again under its lock.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from admissions import checks
from admissions.forms import StepForm, count_field, date_field, note_field, text_field
from admissions.models import BackgroundCheck


class GrassrootsForm(StepForm):
    """The grassroots committee's resolution (8-KNĐ) and its vote, like the chapter's."""

    number = text_field(_("Resolution (8-KNĐ) number"), required=True, max_length=50)
    date = date_field(_("Meeting date"))
    issuing_body = text_field(_("Grassroots committee"))
    committee_members = count_field(
        _("Members of the committee"),
        _("All the committee's members, present or not: two thirds of them must vote for."),
    )
    present = count_field(_("Members present"))
    votes_for = count_field(_("For"))
    votes_against = count_field(_("Against"))
    appraisal_number = text_field(_("Appraisal (7-KNĐ) number"), max_length=50)
    appraisal_date = date_field(_("Appraisal dated"), required=False)
    note = note_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        figures = [data.get(n) for n in ("committee_members", "present", "votes_for")]
        figures.append(data.get("votes_against"))
        if None not in figures:
            for violation in checks.check_committee_figures(*figures):
                self.add_error(
                    violation.field if violation.field in self.fields else None, violation.message
                )
        return data


class SupplementaryCheckForm(StepForm):
    """R29: the supplementary background check of a renewed dossier."""

    check = forms.ModelChoiceField(
        queryset=BackgroundCheck.objects.none(),
        label=_("Request"),
        required=False,
        empty_label=_("— a new request —"),
        help_text=_("Choose an earlier supplementary request to add its reply."),
    )
    relation = forms.ChoiceField(
        label=_("Relation"),
        choices=BackgroundCheck.Relation.choices,
        initial=BackgroundCheck.Relation.SELF,
    )
    person_name = text_field(_("Name"), required=True, max_length=120)
    requested_on = date_field(_("Request sent on"))
    replied_on = date_field(_("Reply received on"), required=False)
    result = text_field(_("Result"), max_length=250)

    def setup(self, query) -> None:
        fresh = checks.case_freshness(self.candidate, timezone.localdate())
        rows = self.candidate.checks.all()
        if fresh is not None:
            rows = rows.filter(requested_on__gt=fresh.fresh_until)
        self.fields["check"].queryset = rows.order_by("requested_on", "pk")
        self.fields["person_name"].initial = self.candidate.full_name
