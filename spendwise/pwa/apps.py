from django.apps import AppConfig


class PwaConfig(AppConfig):
    name = "spendwise.pwa"
    label = "pwa"
    verbose_name = "Installable app"
