from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "spendwise.budgets"
    label = "budgets"

    def ready(self) -> None:
        from spendwise.budgets import alerts  # noqa: F401 - connects the ledger signal receiver
