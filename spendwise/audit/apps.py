from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "spendwise.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from spendwise.audit import receivers

        receivers.connect()
