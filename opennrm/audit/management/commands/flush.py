"""Django's ``flush``, which on SQLite must lift the audit table's append-only triggers.

PostgreSQL empties tables with TRUNCATE, which its row trigger does not see (privileges keep the
application from it); SQLite deletes the rows one by one, which its triggers refuse. Emptying
the whole database is the one deletion allowed on both, and the test runner needs it between
transactional tests. The audit checkpoints reveal it on a real database.
"""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from opennrm.audit.triggers import sqlite_triggers_create, sqlite_triggers_drop


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        # One transaction: SQLite's DDL is transactional, so the triggers never stay lifted.
        with transaction.atomic(using=connection.alias):
            sqlite_triggers_drop(connection)
            super().handle(**options)
            sqlite_triggers_create(connection)
