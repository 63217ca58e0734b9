from django.apps import AppConfig


class InteropConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "opennrm.interop"
    label = "interop"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from .audit_exports import ExportAction

        actions_register(ExportAction)
