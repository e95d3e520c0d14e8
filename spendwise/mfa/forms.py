from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def _code_input() -> forms.TextInput:
    return forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
    )


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=_code_input(),
        help_text=_("The 6-digit code your authenticator app shows for SpendWise."),
    )


class SignInCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )


class ConfirmItIsYouForm(forms.Form):
    """A current code or the password, before turning the second factor off or replacing the
    recovery codes."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
    password = forms.CharField(
        label=_("or your password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("code") or "").strip() and not data.get("password"):
            raise forms.ValidationError(_("Enter a code from your app or your password."))
        return data


class PolicyForm(forms.Form):
    require_mfa = forms.BooleanField(
        label=_("Require two-step sign-in of every member"),
        required=False,
        help_text=_("Members without it are sent to set it up before they can see the household."),
    )
