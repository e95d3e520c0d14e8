from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "spendwise.attachments"
    label = "attachments"

    def ready(self) -> None:
        from spendwise.attachments import signals  # noqa: F401  (connects the receivers)
