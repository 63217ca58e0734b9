from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "opennrm.notifications"
    label = "notifications"

    def ready(self) -> None:
        from opennrm import events
        from opennrm.accounts.events import RoleGrantChanged
        from opennrm.audit.actions import actions_register

        from .audit import NotificationAction
        from .services import on_role_grant_changed

        actions_register(NotificationAction)
        # The organization's admins hear of every role request, approval and refusal.
        events.subscribe(RoleGrantChanged)(on_role_grant_changed)
