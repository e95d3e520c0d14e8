from django.apps import AppConfig


class RecurringConfig(AppConfig):
    name = "spendwise.recurring"
    label = "recurring"
    verbose_name = "Recurring transactions"
