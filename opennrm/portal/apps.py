from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "opennrm.portal"
    label = "portal"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from .audit import PortalAction
        from .audit_agencies import AgencyAction

        actions_register(PortalAction)
        actions_register(AgencyAction)
