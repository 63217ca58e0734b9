from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "opennrm.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from opennrm.audit.actions import actions_register

        from .audit import AccountAction
        from .tasks import forget_finished_task

        actions_register(AccountAction)
        # Finished jobs leave no row behind in the database queue (see tasks.py).
        task_finished.connect(forget_finished_task, dispatch_uid="accounts.forget_finished_task")
