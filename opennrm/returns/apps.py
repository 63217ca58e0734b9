from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "opennrm.returns"
    label = "returns"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from .audit import ReturnAction

        actions_register(ReturnAction)
