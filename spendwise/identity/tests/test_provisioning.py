import pytest

from spendwise.households.models import Household, Membership
from spendwise.identity.actions import provision_user
from spendwise.identity.models import User
from spendwise.ledger.models import Category

pytestmark = pytest.mark.django_db


def test_provision_user_is_idempotent():
    first = provision_user(email="Same@Example.com", cognito_sub="sub-1")
    categories = Category.objects.count()
    second = provision_user(email="same@example.com", cognito_sub="sub-1")
    assert first.pk == second.pk
    assert User.objects.count() == 1
    assert Household.objects.count() == 1
    assert Membership.objects.count() == 1
    assert Category.objects.count() == categories > 20


def test_provision_user_restores_deleted_default_categories_only():
    user = provision_user(email="a@example.com")
    household = Membership.objects.get(user=user).household
    Category.objects.filter(household=household, name="Coffee").delete()
    Category.objects.create(household=household, name="Hobbies", kind="expense")
    provision_user(email="a@example.com")
    assert Category.objects.filter(household=household, name="Coffee").count() == 1
    assert Category.objects.filter(household=household, name="Hobbies").count() == 1
