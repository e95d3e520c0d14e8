from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "spendwise.households"
    label = "households"
