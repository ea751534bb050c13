from django import forms
from django.utils.translation import gettext_lazy as _

from chapter.forms import model_formfield
from documents.models import DocumentSettings, Meeting


class DocumentSettingsForm(forms.ModelForm):
    class Meta:
        model = DocumentSettings
        fields = ["superior_body", "issuing_body", "place", "number_pattern"]


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        formfield_callback = model_formfield
        fields = [
            "place",
            "started_at",
            "ended_at",
            "chair",
            "chair_post",
            "minute_taker",
            "probationary_present",
            "absences",
            "strengths",
            "weaknesses",
        ]
        widgets = {
            "started_at": forms.TimeInput(attrs={"type": "time"}),
            "ended_at": forms.TimeInput(attrs={"type": "time"}),
            "absences": forms.Textarea(attrs={"rows": 3}),
            "strengths": forms.Textarea(attrs={"rows": 4}),
            "weaknesses": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("started_at"), data.get("ended_at")
        if start and end and end <= start:
            self.add_error("ended_at", _("The meeting ends after it begins."))
        return data
