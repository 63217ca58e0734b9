from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "opennrm.accounts"
    label = "accounts"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from .audit import AccountAction

        actions_register(AccountAction)
