from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "opennrm.cases"
    label = "cases"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from .audit import CaseAction

        actions_register(CaseAction)
