from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy

from spendwise.attachments import actions, filetypes
from spendwise.errors import DomainError


class ReceiptForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Add a receipt"),
        help_text=gettext_lazy("A photo or scan (JPEG, PNG, WebP, HEIC) or a PDF."),
        widget=forms.FileInput(attrs={"accept": ",".join(filetypes.ACCEPTED) + ",.heic,.heif"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:  # before reading it: a file far over the limit is refused by its size alone
            actions.check_size(upload.size or 0)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload

    def upload(self) -> tuple[str, bytes]:
        """(the name it was uploaded as, its bytes) of a valid form."""
        upload: UploadedFile = self.cleaned_data["file"]
        upload.seek(0)
        return upload.name or "", upload.read()
