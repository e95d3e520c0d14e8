from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from spendwise.identity.models import Theme, User
from spendwise.money import MoneyError, check_currency
from spendwise.web.forms import money_error_text

LOCALE_CHOICES = [
    ("en", _("English")),
    ("en_GB", _("English (UK)")),
    ("vi", _("Tiếng Việt")),
]


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common or all-digit password."),
    )


class ConfirmForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("The 6-digit code from the e-mail we sent you."),
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ResetPasswordForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[])
    locale = forms.ChoiceField(
        choices=LOCALE_CHOICES,
        label=_("Language"),
        help_text=_("Also how amounts, numbers and dates are written."),
    )
    # Not required: a form posted without it (an older page, a script) keeps the saved theme.
    theme = forms.ChoiceField(
        choices=Theme.choices,
        required=False,
        label=_("Theme"),
        help_text=_("Signed-out pages always follow this device's setting."),
    )

    class Meta:
        model = User
        fields = [
            "display_name",
            "home_currency",
            "time_zone",
            "locale",
            "month_start_day",
            "budget_alert_emails",
            "theme",
        ]
        labels = {
            "display_name": _("Name"),
            "home_currency": _("Home currency"),
            "month_start_day": _("Budget month starts on day"),
            "budget_alert_emails": _("E-mail me budget alerts"),
        }
        help_texts = {
            "home_currency": _("ISO 4217 code, e.g. USD, EUR, VND."),
            "month_start_day": (
                _("1–28. Paid on the 25th? Choose 25 and your month runs 25th to 24th.")
            ),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["time_zone"].choices = [  # type: ignore[attr-defined]
            (name, name) for name in sorted(zoneinfo.available_timezones())
        ]
        self.fields["month_start_day"].widget.attrs.update({"min": 1, "max": 28})

    def clean_theme(self) -> str:
        return str(self.cleaned_data.get("theme") or self.instance.theme)

    def clean_home_currency(self) -> str:
        try:
            return check_currency(self.cleaned_data["home_currency"])
        except MoneyError as exc:
            raise forms.ValidationError(money_error_text(exc)) from exc
