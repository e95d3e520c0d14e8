from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_lazy


class RestoreForm(forms.Form):
    archive = forms.FileField(
        label=gettext_lazy("SpendWise export (.zip)"),
        help_text=gettext_lazy("The file that “Export my data” gave you."),
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_archive(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["archive"]
        limit = settings.RESTORE_MAX_BYTES
        size = upload.size or 0
        if size > limit:
            raise forms.ValidationError(
                gettext(
                    "The file is %(filesizeformat)s; at most %(filesizeformat2)s can be imported "
                    "here. An operator can import it with manage.py restore_export."
                )
                % {"filesizeformat": filesizeformat(size), "filesizeformat2": filesizeformat(limit)}
            )
        return upload


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("To be sure it is you."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that this deletes my account and my data for good."),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )
