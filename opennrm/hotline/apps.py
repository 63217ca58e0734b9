from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "opennrm.hotline"
    label = "hotline"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from .audit import SignalAction

        actions_register(SignalAction)
