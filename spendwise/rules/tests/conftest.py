from __future__ import annotations

import pytest

from spendwise.households.models import Membership
from spendwise.rules import suggest
from spendwise.rules.actions import RuleInput, rule_create
from spendwise.rules.models import Rule
from spendwise.testing.factories import category


@pytest.fixture(autouse=True)
def fresh_suggestions():
    """Each test trains its own suggestion model."""
    suggest.forget()
    yield
    suggest.forget()


def make_rule(
    member: Membership, name: str = "Netflix", *, category_name: str | None = None, **fields
) -> Rule:
    """A rule through the real action; ``category_name`` sets the category action."""
    fields.setdefault("currency", member.user.home_currency)
    if category_name is not None:
        fields["set_category"] = category(member, category_name)
    return rule_create(actor=member, data=RuleInput(name=name, **fields))
