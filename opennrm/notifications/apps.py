from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "opennrm.notifications"
    label = "notifications"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from .audit import NotificationAction

        actions_register(NotificationAction)
