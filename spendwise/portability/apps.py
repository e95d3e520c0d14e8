from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    name = "spendwise.portability"
    label = "portability"
