"""The endpoint form: URL, what it is for, which events, on or off."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from spendwise.webhooks.addresses import MAX_URL_LENGTH
from spendwise.webhooks.models import EventType


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=MAX_URL_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/spendwise-hook"}),
        help_text=_("HTTPS only. SpendWise POSTs each event here as JSON."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("What receives it, e.g. “Home automation”."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[EventType.TRANSACTION_CREATED],
    )
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Nothing is sent to an endpoint that is turned off."),
    )
