from django.apps import AppConfig


class CurrencyConfig(AppConfig):
    name = "spendwise.currency"
    label = "currency"
    verbose_name = "Exchange rates"
