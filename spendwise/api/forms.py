"""The personal access token form on the settings page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from spendwise.api.models import TokenScope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What will use it, e.g. “Budget app on my phone”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Access"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Read only is enough to show your numbers elsewhere."),
    )
