"""What the expense/income form (``ledger.forms.EntryForm``) borrows from rules: the "Apply my
rules" step and the category suggestion next to the category select.

Applied to an entry a person typed, rules **fill** rather than override: a category the person
chose is kept (a rule's category fills an empty one), the payee is renamed and the rules' tags
are added to the person's.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString

from spendwise.households.models import Household
from spendwise.ledger.actions import EntryInput
from spendwise.ledger.models import Category, signed_amount
from spendwise.rules.engine import Draft, apply_rules

SUGGESTION_ID = "category-suggestion"


def apply_rules_to_entry(household: Household, entry: EntryInput) -> EntryInput:
    """``entry`` with the household's rules applied (see the module's docstring)."""
    (draft,) = apply_rules(
        household,
        [
            Draft(
                account_id=entry.account.pk,
                date=entry.date,
                amount_minor=signed_amount(entry.kind, entry.amount.minor),
                payee_name=entry.payee_name,
                description=entry.note,
                tag_names=list(entry.tag_names),
            )
        ],
    )
    category = entry.category
    if category is None and draft.category_id is not None:
        category = Category.objects.filter(household=household, pk=draft.category_id).first()
    return dataclasses.replace(
        entry, category=category, payee_name=draft.payee_name, tag_names=tuple(draft.tag_names)
    )


def payee_suggest_attrs() -> dict[str, Any]:
    """HTMX attributes for the payee box: ask for a category suggestion when it changes."""
    return {
        "hx-get": reverse_lazy("rules:suggest"),
        "hx-trigger": "change",
        "hx-target": f"#{SUGGESTION_ID}",
        "hx-include": "#id_note, #id_kind",
        "hx-sync": "this:replace",
    }


class SuggestingCategorySelect(forms.Select):
    """A category ``<select>`` followed by the place where a suggestion appears."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        select = super().render(name, value, attrs, renderer)
        return format_html(
            '{}<span id="{}" class="category-suggestion" aria-live="polite"></span>',
            select,
            SUGGESTION_ID,
        )
