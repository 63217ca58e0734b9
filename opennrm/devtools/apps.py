from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Tools that write invented people (``generate_population``); installed by development and
    test settings only, so a production database never gets them."""

    name = "opennrm.devtools"
    label = "devtools"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from .audit import DevtoolsAction

        actions_register(DevtoolsAction)
