from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "spendwise.imports"
    label = "imports"
    verbose_name = "Imports"
