from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat


class RestoreForm(forms.Form):
    archive = forms.FileField(
        label="SpendWise export (.zip)",
        help_text="The file that “Export my data” gave you.",
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_archive(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["archive"]
        limit = settings.RESTORE_MAX_BYTES
        size = upload.size or 0
        if size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(size)}; at most {filesizeformat(limit)} "
                "can be imported here. An operator can import it with manage.py restore_export."
            )
        return upload


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )
    confirm = forms.BooleanField(
        label="I understand that this deletes my account and my data for good.",
        error_messages={"required": "Tick the box to confirm."},
    )
