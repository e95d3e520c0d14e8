import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from spendwise.budgets.models import Budget
from spendwise.households.models import Membership
from spendwise.identity.models import User
from spendwise.ledger import rollup
from spendwise.ledger.management.commands.seed_demo import DEMO_EMAIL, DEMO_PASSWORD
from spendwise.ledger.models import Transaction
from spendwise.recurring.models import Schedule

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_year_the_demo_user_can_sign_in_to(capsys):
    call_command("seed_demo")
    assert f"{DEMO_EMAIL} / {DEMO_PASSWORD}" in capsys.readouterr().out
    household = Membership.objects.get(user__email=DEMO_EMAIL).household
    rows = Transaction.objects.filter(household=household)
    assert rows.count() > 400
    assert rows.filter(kind="transfer").count() % 2 == 0
    assert rollup.differences(household.pk) == []
    assert Budget.objects.filter(household=household).count() == 5
    assert Schedule.objects.filter(household=household).count() == 3

    client = Client()
    response = client.post(
        reverse("identity:sign_in"), {"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "Checking" in page and "Recent transactions" in page


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    count = Transaction.objects.count()
    call_command("seed_demo")
    assert Transaction.objects.count() == count
    assert User.objects.filter(email=DEMO_EMAIL).count() == 1
