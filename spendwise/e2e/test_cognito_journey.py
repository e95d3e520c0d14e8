"""Cognito identity mode on a phone in the dark: sign up, confirm, sign in, a short money path.

Cognito is moto's, on 127.0.0.1 (one server per test process, shared with the identity tests);
moto accepts any confirmation code, so "123456" plays the one from the e-mail. The money path
uses the transaction list's quick-add form, which HTMX posts and swaps in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from spendwise.e2e.browser import PHONE
from spendwise.identity import tokens
from spendwise.identity.tests.aws import (
    FAKE_CREDENTIALS,
    CognitoPool,
    MotoUnavailable,
    cognito_user,
    create_user_pool,
    shared_moto_endpoint,
    unavailable,
)
from spendwise.ledger.models import Transaction

EMAIL = "phone.person@example.com"
PASSWORD = "violet-teapot-marathon-42"
CODE = "123456"


@pytest.fixture
def cognito_mode(settings: Any) -> Iterator[CognitoPool]:
    """IDENTITY_PROVIDER=cognito against a fresh pool on moto's server."""
    try:
        endpoint = shared_moto_endpoint()
    except MotoUnavailable as exc:
        unavailable(str(exc))
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FAKE_CREDENTIALS.items():
            patch.setenv(name, value)
        pool = create_user_pool(endpoint, name="spendwise-e2e")
        settings.IDENTITY_PROVIDER = "cognito"
        settings.COGNITO_USER_POOL_ID = pool.pool_id
        settings.COGNITO_CLIENT_ID = pool.client_id
        settings.COGNITO_CLIENT_SECRET = ""
        settings.AWS_REGION = pool.region
        settings.AWS_ENDPOINT_URL = pool.endpoint
        tokens.forget_keys()
        yield pool
        tokens.forget_keys()


def test_it_signs_up_with_cognito_and_adds_an_expense_on_a_phone(
    cognito_mode: CognitoPool, open_page: Any
) -> None:
    page = open_page(PHONE, "dark")
    page.goto("/sign-up/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/confirm/"))
    assert cognito_user(cognito_mode, EMAIL)["UserStatus"] == "UNCONFIRMED"
    page.get_by_label("Code").fill(CODE)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/sign-in/"))
    assert cognito_user(cognito_mode, EMAIL)["UserStatus"] == "CONFIRMED"

    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", name="Welcome to SpendWise").is_visible()

    page.get_by_role("link", name="Add your first account").tap()
    page.get_by_label("Name").fill("Wallet")
    page.get_by_label("Kind").select_option(label="Cash")
    page.get_by_label("Currency").fill("USD")
    page.get_by_label("Opening balance").fill("50")
    page.get_by_role("button", name="Add account").tap()
    page.wait_for_url(re.compile(r"/accounts/\d+/"))

    page.goto("/transactions/")
    quick_add = page.locator("#quick-add")
    quick_add.get_by_label("Amount").fill("4.20")
    quick_add.get_by_label("Category").select_option(label="Food › Coffee")
    quick_add.get_by_label("Payee").fill("Corner Café")
    quick_add.get_by_role("button", name="Add", exact=True).tap()
    # HTMX swaps the form and puts the new row on top of the list, without a page load.
    added = page.locator("#quick-add").get_by_role("status")
    assert added.inner_text() == "Added: expense of $4.20 — Corner Café."
    assert page.locator("#transaction-rows tr").first.get_by_text("Corner Café").is_visible()
    assert page.url.endswith("/transactions/")
    assert list(Transaction.objects.values_list("amount", "currency")) == [(-420, "USD")]

    page.goto("/")
    assert page.get_by_test_id("spent").inner_text() == "$4.20"
    assert page.get_by_test_id("net-worth").inner_text() == "$45.80"

    page.get_by_role("button", name="Sign out").tap()
    page.wait_for_url(re.compile(r"/sign-in/"))
    page.goto("/")
    assert "/sign-in/" in page.url
