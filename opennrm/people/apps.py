from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "opennrm.people"
    label = "people"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from .audit import PersonAction

        actions_register(PersonAction)
