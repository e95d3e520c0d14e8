from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "spendwise.rules"
    label = "rules"
