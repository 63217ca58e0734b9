from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "opennrm.notifications"
    label = "notifications"

    def ready(self) -> None:
        from opennrm import events
        from opennrm.accounts.events import RoleGrantChanged

        from .services import on_role_grant_changed

        # The organization's admins hear of every role request, approval and refusal.
        events.subscribe(RoleGrantChanged)(on_role_grant_changed)
