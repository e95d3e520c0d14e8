from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "spendwise.notifications"
    label = "notifications"
