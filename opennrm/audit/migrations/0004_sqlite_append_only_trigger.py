"""On SQLite too the database refuses to change or remove audit events (PostgreSQL: 0002).

The test runner's flush (opennrm/audit/management/commands/flush.py) lifts them while it empties
the whole database, as TRUNCATE passes PostgreSQL's row trigger.
"""

from django.db import migrations

from opennrm.audit.triggers import sqlite_triggers_create, sqlite_triggers_drop


def forwards(apps, schema_editor):
    sqlite_triggers_create(schema_editor.connection)


def backwards(apps, schema_editor):
    sqlite_triggers_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_chain")]

    operations = [migrations.RunPython(forwards, backwards)]
