from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "spendwise.web"
    label = "web"
