"""A tag named outside ASCII is found again, not created twice.

Python's ``str.lower`` lowercases "Ð"; the database's ``lower()`` under a C collation (and
SQLite's) does not, so a lookup by Python's lowercase missed the row the unique index on
``lower(name)`` then refused: an IntegrityError, a 500 on the page and in the API.
"""

from __future__ import annotations

import pytest

from spendwise.ledger.models import Tag
from spendwise.testing.factories import make_entry

pytestmark = pytest.mark.django_db


def test_it_reuses_a_tag_named_outside_ascii(owner, checking):
    first = make_entry(owner, checking, 100, tags=("Ðà Lạt",))
    second = make_entry(owner, checking, 200, tags=("Ðà Lạt",))
    assert Tag.objects.filter(household=owner.household).count() == 1
    assert first.tags.get() == second.tags.get()
