from django.apps import AppConfig


class InteropConfig(AppConfig):
    """Data in and out in the formats others keep it in: HTCDS 2.0 (decisions 0028, 0029)."""

    name = "opennrm.interop"
    label = "interop"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from . import audit
        from .audit_exports import ExportAction

        actions_register(*audit.ACTIONS, ExportAction)
