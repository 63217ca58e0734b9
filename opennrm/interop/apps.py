from django.apps import AppConfig


class InteropConfig(AppConfig):
    """Data in and out of OpenNRM in the formats others keep it in: HTCDS 2.0 (decision 0028)."""

    name = "opennrm.interop"
    label = "interop"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from . import audit

        actions_register(*audit.ACTIONS)
