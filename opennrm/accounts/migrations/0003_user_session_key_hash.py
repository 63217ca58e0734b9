"""UserSession keeps the session key's SHA-256 and the key encrypted, never the key in plain text.

The sessions recorded before cannot be carried over (their keys would have to stay readable
meanwhile): they are ended, and their users sign in again once.
"""

import uuid
from importlib import import_module

from django.conf import settings
from django.db import migrations, models

import opennrm.crypto.fields


def end_recorded_sessions(apps, schema_editor):
    store = import_module(settings.SESSION_ENGINE).SessionStore
    UserSession = apps.get_model("accounts", "UserSession")
    for key in UserSession.objects.values_list("session_key", flat=True):
        store(session_key=key).delete()
    UserSession.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_grant"),
    ]

    operations = [
        migrations.RunPython(end_recorded_sessions, migrations.RunPython.noop),
        migrations.RemoveField(model_name="usersession", name="session_key"),
        migrations.AddField(
            model_name="usersession",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="usersession",
            name="key_hash",
            field=models.CharField(default="", max_length=64, unique=True),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="usersession",
            name="session_key",
            field=opennrm.crypto.fields.EncryptedTextField(default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="usersession",
            name="device",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AlterModelOptions(
            name="usersession",
            options={"ordering": ["-created_at", "-id"]},
        ),
    ]
