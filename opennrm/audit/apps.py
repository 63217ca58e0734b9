from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _sqlite_triggers(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """After every migrate: a migration that rebuilt the audit table on SQLite lost its triggers."""
    from .triggers import sqlite_triggers_create

    sqlite_triggers_create(connections[using])


class AuditConfig(AppConfig):
    name = "opennrm.audit"
    label = "audit"

    def ready(self) -> None:
        from .actions import AuditAction, actions_register

        actions_register(AuditAction)
        post_migrate.connect(_sqlite_triggers, sender=self, dispatch_uid="audit.sqlite_triggers")
