"""The personal access token form on the settings page."""

from __future__ import annotations

from django import forms

from spendwise.api.models import TokenScope


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What will use it, e.g. “Budget app on my phone”."
    )
    scope = forms.ChoiceField(
        label="Access",
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text="Read only is enough to show your numbers elsewhere.",
    )
