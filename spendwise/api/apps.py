from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "spendwise.api"
    label = "api"
