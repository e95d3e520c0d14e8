from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "spendwise.reports"
    label = "reports"
