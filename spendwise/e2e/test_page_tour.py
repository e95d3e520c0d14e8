"""Every main page with three months of demo money, checked by axe-core and photographed.

The tour runs in three of the four viewport × colour-scheme combinations (the local journey
covers desktop-light's flows, the Cognito journey phone-dark's); each page must load with a 200,
draw without a browser error, and have no axe-core violation of impact "serious" or "critical".
Screenshots go to var/screenshots/<viewport>-<scheme>/ (git-ignored);
``SPENDWISE_SCREENSHOTS_TO_DOCS=1`` (``make screenshots``) also copies the README's pictures
into docs/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from spendwise.budgets.models import Budget
from spendwise.e2e.browser import (
    COLOUR_RULES,
    DESKTOP,
    PHONE,
    REPO,
    Viewport,
    axe_violations,
    chart_data,
    describe_violations,
)
from spendwise.households.models import Membership
from spendwise.ledger.management.commands.seed_demo import DEMO_EMAIL, DEMO_PASSWORD
from spendwise.ledger.models import Account, Transaction, TransactionKind

# A small statement for the import wizard's steps.
STATEMENT = "Date,Description,Amount\n{day},Corner Bakery,-12.30\n{day},Refund,5.00\n"

# (screenshot name, path): the pages a signed-in person reaches from the menu and its forms.
SIGNED_IN_PAGES = [
    ("dashboard", "/"),
    ("transactions", "/transactions/"),
    ("transaction-new", "/transactions/add/"),
    ("transfer-new", "/transfers/add/"),
    ("accounts", "/accounts/"),
    ("account-new", "/accounts/add/"),
    ("categories", "/categories/"),
    ("category-new", "/categories/add/"),
    ("payees", "/payees/"),
    ("tags", "/tags/"),
    ("budgets", "/budgets/"),
    ("budget-set", "/budgets/set/"),
    ("reports", "/reports/"),
    ("report-spending", "/reports/spending/"),
    ("report-trend", "/reports/trend/"),
    ("report-income-expenses", "/reports/income-expenses/"),
    ("report-cash-flow", "/reports/cash-flow/"),
    ("report-net-worth", "/reports/net-worth/"),
    ("report-payees", "/reports/payees/"),
    ("report-tags", "/reports/tags/"),
    ("recurring", "/recurring/"),
    ("recurring-new", "/recurring/new/"),
    ("rules", "/rules/"),
    ("rule-new", "/rules/add/"),
    ("imports", "/imports/"),
    ("import-upload", "/imports/new/"),
    ("notifications", "/notifications/"),
    ("settings", "/settings/"),
    ("tokens", "/settings/tokens/"),
    ("exchange-rates", "/exchange-rates/"),
    ("exchange-rate-new", "/exchange-rates/add/"),
    ("exchange-rates-upload", "/exchange-rates/upload/"),
    ("export", "/export/"),
    ("restore", "/import/"),
    ("delete-account", "/account/delete/"),
    ("household-members", "/household/members/"),
    ("settle-up", "/household/settle-up/"),
    ("household-new", "/households/new/"),
    ("audit-log", "/audit/"),
    ("security-log", "/settings/security-log/"),
    ("security", "/security/"),
    ("two-step-set-up", "/security/two-step/set-up/"),
    ("webhooks", "/settings/webhooks/"),
    ("webhook-new", "/settings/webhooks/new/"),
    ("offline", "/offline/"),
]
SIGNED_OUT_PAGES = [
    ("sign-in", "/sign-in/"),
    ("sign-up", "/sign-up/"),
    ("confirm", "/confirm/?email=someone%40example.com"),
    ("forgot-password", "/forgot-password/"),
    ("reset-password", "/reset-password/?email=someone%40example.com"),
]
# var/screenshots/<combination>/<name>.png -> docs/screenshots/<name>.png (README).
README_SCREENSHOTS = {
    ("desktop-light", "dashboard"): "dashboard.png",
    ("desktop-light", "budgets"): "budgets.png",
    ("desktop-dark", "report-spending"): "report-spending-dark.png",
    ("phone-light", "transactions"): "quick-add-phone.png",
}
# The phone tour: what the menu leads to, where the narrow layout differs most.
PHONE_PAGES = {
    "sign-in",
    "sign-up",
    "dashboard",
    "transactions",
    "transaction-new",
    "accounts",
    "account-detail",
    "budgets",
    "reports",
    "report-spending",
    "report-trend",
    "recurring",
    "rules",
    "imports",
    "notifications",
    "settings",
    "export",
}
ALL_PAGES = None
COMBINATIONS = [
    # Every page, every rule.
    pytest.param(DESKTOP, "light", ALL_PAGES, None, id="desktop-light"),
    # Every page again in the dark palette: only the colour rules can find anything new there.
    pytest.param(DESKTOP, "dark", ALL_PAGES, COLOUR_RULES, id="desktop-dark"),
    # The main pages in the phone layout, every rule (the dark phone is the Cognito journey's).
    pytest.param(PHONE, "light", PHONE_PAGES, None, id="phone-light"),
]


def demo_member() -> Membership:
    call_command("seed_demo", months=3, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return Membership.objects.select_related("household", "user").get(user__email=DEMO_EMAIL)


def pages_with_objects(member: Membership) -> list[tuple[str, str]]:
    """The pages about one object of the demo household: an account, an entry, a transfer."""
    household = member.household
    account = Account.objects.filter(household=household).order_by("pk").first()
    entry = (
        Transaction.objects.filter(household=household, kind=TransactionKind.EXPENSE)
        .order_by("-date", "-pk")
        .first()
    )
    transfer = (
        Transaction.objects.filter(household=household, kind=TransactionKind.TRANSFER)
        .order_by("-date", "-pk")
        .first()
    )
    assert account and entry and transfer and transfer.transfer_id
    budget = Budget.objects.filter(household=household).order_by("pk").first()
    pages = [
        ("account-detail", f"/accounts/{account.pk}/"),
        ("account-edit", f"/accounts/{account.pk}/edit/"),
        ("transaction-edit", f"/transactions/{entry.pk}/edit/"),
        ("receipts", f"/transactions/{entry.pk}/receipts/"),
        ("transfer-edit", f"/transfers/{transfer.transfer_id}/edit/"),
    ]
    assert budget is not None
    pages.append(("budget-edit", f"/budgets/{budget.pk}/edit/"))
    return pages


class Tour:
    """Visits pages in one browser page, checking and photographing each."""

    def __init__(self, page: Any, folder: Path, where: str, rules: tuple[str, ...] | None) -> None:
        self.page = page
        self.rules = rules
        self.folder = folder
        self.where = where
        self.failures: list[str] = []

    def visit(self, name: str, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == 200, (
            f"{path}: {response and response.status}"
        )
        self.check(name)

    def check(self, name: str) -> None:
        self.page.screenshot(path=self.folder / f"{name}.png")
        violations = axe_violations(self.page, rules=self.rules)
        if violations:
            self.failures.append(
                describe_violations(f"{self.where} {name} ({self.page.url})", violations)
            )


def sign_in_as_demo(page: Any) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


@pytest.mark.parametrize(("viewport", "scheme", "only", "rules"), COMBINATIONS)
def test_it_shows_every_main_page_accessibly(
    open_page: Any,
    screenshot_dir: Path,
    tmp_path: Path,
    viewport: Viewport,
    scheme: str,
    only: set[str] | None,
    rules: tuple[str, ...] | None,
) -> None:
    member = demo_member()
    combination = f"{viewport.name}-{scheme}"
    folder = screenshot_dir / combination
    folder.mkdir(parents=True, exist_ok=True)
    page = open_page(viewport, scheme, bypass_csp=True)
    tour = Tour(page, folder, combination, rules)

    def wanted(pages: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, path) for name, path in pages if only is None or name in only]

    for name, path in wanted(SIGNED_OUT_PAGES):
        tour.visit(name, path)

    sign_in_as_demo(page)
    for name, path in wanted(SIGNED_IN_PAGES + pages_with_objects(member)):
        tour.visit(name, path)
        if name == "report-spending":
            assert page.locator("canvas[data-chart=chart-data]").is_visible()
            assert chart_data(page)["labels"], "the spending chart has no categories"

    if only is None:
        # The import wizard's steps: columns, preview and the import done, of a small CSV.
        statement = tmp_path / "statement.csv"
        statement.write_text(STATEMENT.format(day=member.user.today().isoformat()))
        page.goto("/imports/new/")
        page.get_by_label("Statement file").set_input_files(statement)
        page.get_by_role("button", name="Upload and check").click()
        page.wait_for_url(re.compile(r"/imports/drafts/\d+/columns/"))
        tour.check("import-columns")
        page.get_by_role("button", name="Preview the rows").click()
        page.wait_for_url(re.compile(r"/imports/drafts/\d+/preview/"))
        tour.check("import-preview")
        page.get_by_role("button", name="Import the ticked rows").click()
        page.wait_for_url(re.compile(r"/imports/\d+/"))
        tour.check("import-done")

    assert not tour.failures, "\n\n".join(tour.failures)
    if os.environ.get("SPENDWISE_SCREENSHOTS_TO_DOCS") == "1":
        for (where, name), target in README_SCREENSHOTS.items():
            if where == combination:
                shutil.copyfile(folder / f"{name}.png", REPO / "docs" / "screenshots" / target)
