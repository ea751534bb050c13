"""Step forms of the dossier's verification and introducers (D, E): a background check (R5),
an introducer (R6) and a replacement introducer (R6).

Each calls, before anything is saved, the same check the service runs
(``checks.check_exemption``, ``checks.check_replacement``), so the step page shows the refusal
beside the box; the service checks everything again under its lock.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from admissions import checks
from admissions.forms import MemberChoiceField, StepForm, date_field, text_field
from admissions.models import BackgroundCheck, Introduction
from members.models import Member


class CheckForm(StepForm):
    check = forms.ModelChoiceField(
        queryset=BackgroundCheck.objects.none(),
        label=_("Row"),
        required=False,
        empty_label=_("— a new row —"),
    )
    relation = forms.ChoiceField(label=_("Relation"), choices=BackgroundCheck.Relation.choices)
    person_name = text_field(_("Name"), required=True, max_length=120)
    requested_on = date_field(_("Request sent on"), required=False)
    replied_on = date_field(_("Reply received on"), required=False)
    result = text_field(_("Result"), max_length=250)
    is_party_member = forms.BooleanField(
        label=_("Party member"), required=False, help_text=_("This relative is a party member.")
    )
    fully_declared = forms.BooleanField(
        label=_("Fully declared"),
        required=False,
        help_text=_("The background declaration (2-KNĐ) states this relative fully and truly."),
    )
    abroad = forms.BooleanField(label=_("Lives abroad"), required=False)
    verifying_body = text_field(
        _("Verified through"),
        help_text=_("For a relative abroad: the overseas party committee or the mission."),
    )
    exempted = forms.BooleanField(
        label=_("Exempted"),
        required=False,
        help_text=_(
            "A birth parent, full sibling or child who is a party member and fully declared; "
            "or the spouse's side, when the spouse or a parent or sibling of the spouse is a "
            "party member."
        ),
    )
    exemption_reason = text_field(_("Reason for the exemption"), max_length=250)

    def setup(self, query) -> None:
        checks = self.candidate.checks.all()
        self.fields["check"].queryset = checks
        chosen = str(query.get("check", ""))
        if not self.is_bound and chosen.isdigit():
            row = checks.filter(pk=chosen).first()
            if row is not None:
                self.initial.update(
                    {name: getattr(row, name) for name in self.fields if hasattr(row, name)}
                )
                self.initial["check"] = row.pk

    def clean(self) -> dict[str, Any]:
        """R5 before saving: the same check the service runs (``checks.check_exemption``)."""
        data = super().clean()
        if "relation" not in data:
            return data
        chosen = data.get("check")
        row = BackgroundCheck(
            pk=chosen.pk if chosen else None,
            candidate=self.candidate,
            relation=data["relation"],
            person_name=data.get("person_name") or "",
            is_party_member=bool(data.get("is_party_member")),
            fully_declared=bool(data.get("fully_declared")),
            abroad=bool(data.get("abroad")),
            verifying_body=data.get("verifying_body") or "",
            exempted=bool(data.get("exempted")),
        )
        for violation in checks.check_exemption(row, list(self.fields["check"].queryset)):
            self.add_error(violation.field, violation.message)
        return data


class IntroductionForm(StepForm):
    kind = forms.ChoiceField(label=_("Introduced by"), choices=Introduction.Kind.choices)
    introducer = MemberChoiceField(
        queryset=Member.objects.none(), label=_("Introducing member"), required=False
    )
    organisation = text_field(_("Organisation"), help_text=_("For a union's resolution."))
    document_number = text_field(_("Letter or resolution number"), max_length=50)
    date = date_field(_("Date of the introduction"))
    together_since = date_field(
        _("Working or living with the applicant since"),
        required=False,
        help_text=_("At least 12 months together on the introduction date."),
    )

    def setup(self, query) -> None:
        # Probationary members are listed too: the service refuses them with R6, which says why.
        self.fields["introducer"].queryset = Member.objects.filter(
            chapter=self.candidate.chapter, status__in=Member.ACTIVE_STATUSES
        ).order_by("sort_key", "pk")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == Introduction.Kind.MEMBER and not data.get("introducer"):
            self.add_error("introducer", _("Choose the introducing member."))
        if data.get("kind") in (Introduction.Kind.YOUTH_UNION, Introduction.Kind.TRADE_UNION):
            for name in ("organisation", "document_number"):
                if not data.get(name):
                    self.add_error(name, _("Required for a union's resolution."))
        return data


class ReplaceIntroducerForm(StepForm):
    """R6: the chapter assigns another official member, by resolution, in place of an introducer
    who moved away or was disciplined."""

    replaced = forms.ModelChoiceField(
        queryset=Introduction.objects.none(), label=_("Introducer replaced")
    )
    reason = forms.ChoiceField(
        label=_("Why"),
        choices=[
            (value, label)
            for value, label in Introduction.ReplacementReason.choices
            if value  # not the empty choice
        ],
    )
    disciplined_on = date_field(
        _("Disciplined on"), required=False, help_text=_("When the introducer was disciplined.")
    )
    assignment_number = text_field(
        _("Chapter resolution assigning the replacement"), required=True, max_length=50
    )
    assignment_date = date_field(_("Resolution dated"))
    introducer = MemberChoiceField(queryset=Member.objects.none(), label=_("New introducer"))
    date = date_field(_("Date of the introduction"))
    document_number = text_field(_("Letter number"), max_length=50)

    def setup(self, query) -> None:
        standing = checks.standing_introductions(
            list(self.candidate.introductions.select_related("introducer"))
        )
        self.fields["replaced"].queryset = Introduction.objects.filter(
            pk__in=[i.pk for i in standing if i.kind == Introduction.Kind.MEMBER]
        ).select_related("introducer")
        # Probationary members are listed too: the service refuses them with R6, saying why.
        self.fields["introducer"].queryset = Member.objects.filter(
            chapter=self.candidate.chapter, status__in=Member.ACTIVE_STATUSES
        ).order_by("sort_key", "pk")

    def clean(self) -> dict[str, Any]:
        """R6 before saving: the same check the service runs (``checks.check_replacement``)."""
        data = super().clean()
        replaced, introducer = data.get("replaced"), data.get("introducer")
        if replaced is None or introducer is None or not data.get("date"):
            return data
        intro = Introduction(
            candidate=self.candidate,
            kind=Introduction.Kind.MEMBER,
            introducer=introducer,
            date=data["date"],
            replaces=replaced,
            assignment_number=data.get("assignment_number") or "",
            assignment_date=data.get("assignment_date"),
        )
        found = checks.check_replacement(
            replaced,
            intro,
            list(self.candidate.introductions.all()),
            reason=data.get("reason") or "",
            disciplined_on=data.get("disciplined_on"),
        )
        for violation in found:
            self.add_error(
                violation.field if violation.field in self.fields else None, violation.message
            )
        return data
