"""The upload form of the register import (members/import_views.py).

The form checks the file can be read at all (type, size, encoding, columns) through
``members.importing.read_table``; the row-by-row check is the preview's.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from members import importing


class ImportUploadForm(forms.Form):
    chapter = forms.ModelChoiceField(queryset=None, label=_("Chapter"))
    file = forms.FileField(
        label=_("Spreadsheet file"),
        help_text=_("Excel (.xlsx) or CSV (.csv), at most 5 MB and 10,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def __init__(self, *args, chapters: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chapter"].queryset = chapters
        chapter_ids = list(chapters.values_list("pk", flat=True)[:2])
        if len(chapter_ids) == 1:
            self.fields["chapter"].initial = chapter_ids[0]
            self.fields["chapter"].widget = forms.HiddenInput()
        self.content = b""
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template holds <form>, the CSRF token and the button
        if self.fields["chapter"].widget.is_hidden:
            self.helper.layout = Layout("chapter", "file")
        else:
            self.helper.layout = Layout(
                Row(Column("chapter", css_class="col-md-5"), Column("file", css_class="col-md-7"))
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.read.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB: split it into several files."),
                code="too_large",
                params={"size": importing.read.MAX_BYTES // (1024 * 1024)},
            )
        self.content = upload.read()
        importing.read_table(upload.name, self.content)  # ImportFileError is a ValidationError
        return upload
