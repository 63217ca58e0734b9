import sys
from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _load_questionnaires(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """After every migrate (and flush), load new questionnaire files; idempotent."""
    from .loader import questionnaires_load
    from .models import Indicator, Questionnaire

    tables = connections[using].introspection.table_names()
    if Questionnaire._meta.db_table not in tables or Indicator._meta.db_table not in tables:
        return  # migrated only part of the way
    report = questionnaires_load()
    if kwargs.get("verbosity", 1) and (report.created or report.reloaded):
        print(  # noqa: T201
            f"  Questionnaires loaded: {', '.join(report.created + report.reloaded)}",
            file=kwargs.get("stdout") or sys.stdout,
        )
    for label in report.refused:
        print(  # noqa: T201
            f"  Questionnaire {label} is in use and its file changed: left unchanged. "
            "Publish the correction as a new version.",
            file=sys.stderr,
        )


class ScreeningConfig(AppConfig):
    name = "opennrm.screening"
    label = "screening"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from .audit import ScreeningAction

        actions_register(ScreeningAction)
        post_migrate.connect(_load_questionnaires, sender=self, dispatch_uid="screening.load")
