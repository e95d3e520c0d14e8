from __future__ import annotations

import zoneinfo

from django import forms

from spendwise.identity.models import User
from spendwise.money import MoneyError, check_currency

LOCALE_CHOICES = [("en", "English"), ("en_GB", "English (UK)"), ("vi", "Tiếng Việt")]


class SignUpForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters; not a common or all-digit password.",
    )


class ConfirmForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    code = forms.CharField(
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="The 6-digit code from the e-mail we sent you.",
    )


class EmailForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class SignInForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ResetPasswordForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    code = forms.CharField(
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    password = forms.CharField(
        label="New password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=[])
    locale = forms.ChoiceField(choices=LOCALE_CHOICES, label="Language and number format")

    class Meta:
        model = User
        fields = [
            "display_name",
            "home_currency",
            "time_zone",
            "locale",
            "month_start_day",
            "budget_alert_emails",
        ]
        labels = {
            "display_name": "Name",
            "home_currency": "Home currency",
            "month_start_day": "Budget month starts on day",
            "budget_alert_emails": "E-mail me budget alerts",
        }
        help_texts = {
            "home_currency": "ISO 4217 code, e.g. USD, EUR, VND.",
            "month_start_day": (
                "1–28. Paid on the 25th? Choose 25 and your month runs 25th to 24th."
            ),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["time_zone"].choices = [  # type: ignore[attr-defined]
            (name, name) for name in sorted(zoneinfo.available_timezones())
        ]
        self.fields["month_start_day"].widget.attrs.update({"min": 1, "max": 28})

    def clean_home_currency(self) -> str:
        try:
            return check_currency(self.cleaned_data["home_currency"])
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from exc
