from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "spendwise.identity"
    label = "identity"
