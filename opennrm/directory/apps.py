from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "opennrm.directory"
    label = "directory"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from .audit import DirectoryAction

        actions_register(DirectoryAction)
