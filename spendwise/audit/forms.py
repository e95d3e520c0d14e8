"""The audit log's filters (a GET form: a value that does not parse filters nothing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spendwise.audit.models import Action
from spendwise.audit.queries import SYSTEM, AuditFilters, model_name
from spendwise.audit.receivers import audited_models
from spendwise.households.models import Household, Membership
from spendwise.web.forms import date_input


def kind_choices() -> list[tuple[str, str]]:
    labels = {m._meta.label_lower: model_name(m._meta.label_lower) for m in audited_models()}
    labels["imports.importbatch"] = model_name("imports.importbatch")
    return sorted(labels.items(), key=lambda item: item[1].lower())


class AuditFilterForm(forms.Form):
    actor = forms.ChoiceField(label=_("Who"), required=False)
    model = forms.ChoiceField(label=_("What"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *Action.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=date_input())
    q = forms.CharField(label=_("Text"), required=False, max_length=100)

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(household=household).select_related("user")
        actor_field: Any = self.fields["actor"]
        actor_field.choices = [
            ("", _("Anyone")),
            *sorted(((str(m.user_id), m.user.email) for m in members), key=lambda c: c[1]),
            (SYSTEM, _("The system (scheduled jobs)")),
        ]
        model_field: Any = self.fields["model"]
        model_field.choices = [("", _("Anything")), *kind_choices()]

    def filters(self, time_zone: str) -> AuditFilters:
        """The valid filters (an invalid one is dropped, as on the transaction list)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return AuditFilters(
            actor=data.get("actor") or "",
            model=data.get("model") or "",
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            text=(data.get("q") or "").strip(),
            time_zone=time_zone,
        )
