from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "spendwise.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from spendwise.webhooks import capture  # noqa: F401 - connects the outbox receivers
