"""SQLite's guard of the audit table: triggers that refuse UPDATE and DELETE.

PostgreSQL's trigger is in migration 0002. SQLite drops a table's triggers when Django rebuilds
the table (some later migrations do), so ``AuditConfig`` recreates them after every migrate.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_CREATE = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]


def sqlite_triggers_create(connection: BaseDatabaseWrapper) -> None:
    """Install the triggers on SQLite when the audit table exists; elsewhere do nothing."""
    if connection.vendor != "sqlite":
        return
    if "audit_auditevent" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for statement in SQLITE_CREATE:
            cursor.execute(statement)


def sqlite_triggers_drop(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in SQLITE_DROP:
            cursor.execute(statement)
