"""Key the audit chain: each hash becomes HMAC-SHA256 under OPENNRM_AUDIT_KEYS, with its key id.

An existing log is checked against its old SHA-256 chain first and re-signed only when intact: a
log that was tampered with is not blessed with the new key (the migration stops, naming the
event). The canonical form is frozen here; the code's may change in later releases.
"""

import base64
import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64
PG_TRIGGER = "audit_event_no_update_delete"


def _keys():
    keys = []
    for item in settings.OPENNRM_AUDIT_KEYS.split(","):
        key_id, _, encoded = item.strip().partition(":")
        if key_id:
            keys.append((key_id, base64.b64decode(encoded)))
    return keys


def _canonical(event, *, keyed):
    payload = {
        "uuid": str(event.uuid),
        "occurred_at": event.occurred_at.isoformat(),
        "actor": str(event.actor.uuid) if event.actor_id else None,
        "organization": str(event.organization.uuid) if event.organization_id else None,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": str(event.object_id) if event.object_id else None,
        "fields": sorted(event.fields),
        "request_id": event.request_id,
    }
    if keyed:
        payload.update(rule=event.rule, key_id=event.key_id)
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sha256(prev, event):
    return hashlib.sha256((prev + _canonical(event, keyed=False)).encode()).hexdigest()


def _hmac(prev, event, key):
    message = (prev + _canonical(event, keyed=True)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _rewrite(apps, schema_editor, check, sign):
    """Walk the chain, ``check`` each event against its stored hashes, store ``sign``'s instead."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    if not AuditEvent.objects.exists():
        return
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {PG_TRIGGER}")
    old_prev = new_prev = GENESIS
    batch = []
    events = AuditEvent.objects.select_related("actor", "organization").order_by("id")
    for event in events.iterator(chunk_size=2000):
        if event.prev_hash != old_prev or not check(old_prev, event):
            raise RuntimeError(
                f"audit chain broken at event #{event.id} ({event.uuid}); not re-signing a log"
                " that was tampered with. Investigate with the previous release's audit_verify."
            )
        old_prev = event.hash
        event.prev_hash = new_prev
        event.hash = new_prev = sign(new_prev, event)
        batch.append(event)
        if len(batch) >= 1000:
            AuditEvent.objects.bulk_update(batch, ["prev_hash", "hash", "key_id"])
            batch = []
    AuditEvent.objects.bulk_update(batch, ["prev_hash", "hash", "key_id"])
    if connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {PG_TRIGGER}")


def forwards(apps, schema_editor):
    key_id, key = _keys()[0]

    def sign(prev, event):
        event.key_id = key_id
        return _hmac(prev, event, key)

    _rewrite(apps, schema_editor, lambda prev, event: _sha256(prev, event) == event.hash, sign)


def backwards(apps, schema_editor):
    keys = dict(_keys())

    def check(prev, event):
        key = keys.get(event.key_id)
        return key is not None and _hmac(prev, event, key) == event.hash

    def sign(prev, event):
        event.key_id = ""
        return _sha256(prev, event)

    _rewrite(apps, schema_editor, check, sign)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="rule",
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, backwards),
    ]
