"""The month-start scenario for Locust: people sign in on the first days of a month, look at
the dashboard, add what they spent, open reports and import their bank's statement.

Run by ``bench/load/run.py`` (``make bench-load``) against ``make stack``'s nginx on 127.0.0.1.
The accounts come from the JSON file in ``LOAD_USERS`` (``[{"email", "password"}, …]``, made by
``run.py seed``); each simulated user signs in through the app's own sign-in form (Cognito
mode: the app calls Cognito, here moto) with one of them, round robin.

``ROUTES`` names every URL the scenario requests by its Django URL name, and ``WEIGHTS`` the
task weights: ``spendwise/ops/tests/test_load_scenario.py`` resolves them so the scenario cannot
drift from ``urls.py`` silently.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from datetime import date
from typing import Any

from locust import HttpUser, between, task

from bench.load.forms import post_form

# Django URL name -> the path the scenario requests (reports: the ones people open monthly).
ROUTES: dict[str, str] = {
    "identity:sign_in": "/sign-in/",
    "identity:sign_out": "/sign-out/",
    "web:dashboard": "/",
    "ledger:transactions": "/transactions/",
    "ledger:transaction_create": "/transactions/add/",
    "reports:spending": "/reports/spending/",
    "reports:income_expenses": "/reports/income-expenses/",
    "reports:cash_flow": "/reports/cash-flow/",
    "reports:trend": "/reports/trend/",
    "budgets:index": "/budgets/",
    "imports:upload": "/imports/new/",
    "imports:mapping": "/imports/drafts/1/columns/",
    "imports:preview": "/imports/drafts/1/preview/",
    "imports:commit": "/imports/drafts/1/commit/",
}
REPORTS = ["reports:spending", "reports:income_expenses", "reports:cash_flow", "reports:trend"]

# A month start: the dashboard and the month's budgets first, then entering what was spent,
# then last month's reports; a few import the bank statement; some sign out and in again.
WEIGHTS: dict[str, int] = {
    "dashboard": 10,
    "add_transaction": 6,
    "report": 4,
    "budgets": 3,
    "import_statement": 1,
    "sign_in_again": 1,
}

_accounts: list[dict[str, str]] = []
_next_account = itertools.count()


def accounts() -> list[dict[str, str]]:
    if not _accounts:
        path = os.environ.get("LOAD_USERS", "")
        if not path:
            raise RuntimeError("LOAD_USERS must name the JSON file of seeded accounts.")
        with open(path) as handle:
            _accounts.extend(json.load(handle))
    return _accounts


def statement_csv(rows: int = 5) -> bytes:
    """A small bank statement: this month's card payments, in the commonest CSV layout."""
    today = date.today()
    lines = ["Date,Description,Amount"]
    for n in range(rows):
        day = today.replace(day=1 + n % max(1, today.day))
        cents = random.randint(300, 9000)  # noqa: S311 - load data
        lines.append(f"{day.isoformat()},LOAD SHOP {random.randint(1, 10**9)},-{cents / 100:.2f}")  # noqa: S311
    return ("\n".join(lines) + "\n").encode()


def path(name: str) -> str:
    return ROUTES[name]


class MonthStartUser(HttpUser):
    """One person at the start of a month (think time 1–3 s between pages)."""

    wait_time = between(1, 3)

    def on_start(self) -> None:
        pool = accounts()
        self.account = pool[next(_next_account) % len(pool)]
        self.sign_in()

    # --- helpers --------------------------------------------------------------------------

    def sign_in(self) -> None:
        page = self.client.get(path("identity:sign_in"), name="sign-in form")
        form = post_form(page.text)
        data: dict[str, Any] = form.data() if form else {}
        data.update(email=self.account["email"], password=self.account["password"])
        with self.client.post(
            path("identity:sign_in"),
            data=data,
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in refused ({response.status_code})")

    def _csrf(self) -> str:
        return str(self.client.cookies.get("csrftoken", ""))

    # --- tasks ----------------------------------------------------------------------------

    @task(WEIGHTS["dashboard"])
    def dashboard(self) -> None:
        self.client.get(path("web:dashboard"), name="dashboard")

    @task(WEIGHTS["budgets"])
    def budgets(self) -> None:
        self.client.get(path("budgets:index"), name="budgets")

    @task(WEIGHTS["report"])
    def report(self) -> None:
        name = random.choice(REPORTS)  # noqa: S311
        self.client.get(path(name), name=name.partition(":")[2].replace("_", " "))

    @task(WEIGHTS["add_transaction"])
    def add_transaction(self) -> None:
        """The transaction list, then its quick-add row (an HTMX post, as the browser sends)."""
        page = self.client.get(path("ledger:transactions"), name="transactions")
        form = post_form(page.text, path("ledger:transaction_create"))
        if form is None:
            return
        data = form.data(
            kind="expense",
            date=date.today().isoformat(),
            amount=f"{random.randint(100, 20000) / 100:.2f}",  # noqa: S311
            payee=random.choice(["FreshMart", "Corner Café", "Shell", "Uber"]),  # noqa: S311
            note="load test",
        )
        categories = [
            v for group, v in form.options.get("category", []) if v and group == "Expense"
        ]
        if categories:
            data["category"] = random.choice(categories)  # noqa: S311
        with self.client.post(
            path("ledger:transaction_create"),
            data=data,
            headers={"HX-Request": "true", "X-CSRFToken": self._csrf()},
            name="add transaction",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"not added ({response.status_code})")

    @task(WEIGHTS["import_statement"])
    def import_statement(self) -> None:
        """The import wizard: upload a 5-row CSV, keep the detected columns, import them all."""
        page = self.client.get(path("imports:upload"), name="import: upload form")
        form = post_form(page.text)
        if form is None:
            return
        upload = self.client.post(
            path("imports:upload"),
            data=form.data(),
            files={"file": ("statement.csv", statement_csv(), "text/csv")},
            name="import: upload",
        )
        mapping = post_form(upload.text)  # redirected to the column mapping
        if mapping is None or "/columns/" not in upload.url:
            return
        preview = self.client.post(upload.url, data=mapping.data(), name="import: columns")
        commit = post_form(preview.text, "/preview/")
        if commit is None or "/preview/" not in preview.url:
            return
        with self.client.post(
            preview.url.replace("/preview/", "/commit/").split("?")[0],
            data=commit.data(),
            name="import: commit",
            catch_response=True,
        ) as response:
            if "/imports/" not in response.url or "/drafts/" in response.url:
                response.failure("import not committed")

    @task(WEIGHTS["sign_in_again"])
    def sign_in_again(self) -> None:
        self.client.post(
            path("identity:sign_out"),
            data={"csrfmiddlewaretoken": self._csrf()},
            name="sign out",
        )
        self.sign_in()
