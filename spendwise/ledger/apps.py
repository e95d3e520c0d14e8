from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "spendwise.ledger"
    label = "ledger"
