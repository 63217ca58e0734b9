"""An attacker with database access but neither the audit key nor the checkpoint file.

They may delete the newest events, or change one and recompute every later hash; the keyed chain
and the signed checkpoints outside the database make ``audit_verify`` (and its command) fail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from uuid import uuid4

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from opennrm.accounts import services
from opennrm.audit.checkpoints import checkpoint_path
from opennrm.audit.models import AuditEvent
from opennrm.audit.services import GENESIS, audit_verify, canonical_json
from tests.audit.test_audit import _middle, _tamper

ROOT = Path(__file__).resolve().parents[2]
OTHER_KEY = base64.b64decode(base64.b64encode(b"k" * 32))


def _newest(count: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("-id")[:count])


def _recompute_from(target: AuditEvent, digest) -> None:
    """Rewrite the hash of ``target`` and of every later event, as a database owner could."""
    prev = GENESIS
    for event in AuditEvent.objects.select_related("actor", "organization").order_by("id"):
        if event.id >= target.id:
            new_hash = digest(prev, event)
            _tamper(
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, new_hash, event.id],
            )
            event.hash = new_hash
        prev = event.hash


def _change(target: AuditEvent) -> AuditEvent:
    _tamper(
        "UPDATE audit_auditevent SET action = %s WHERE id = %s", ["nothing.happened", target.id]
    )
    return AuditEvent.objects.get(id=target.id)


def _sha256(prev: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev + canonical_json(event)).encode()).hexdigest()


def _hmac_other_key(prev: str, event: AuditEvent) -> str:
    return hmac.new(OTHER_KEY, (prev + canonical_json(event)).encode(), "sha256").hexdigest()


def _more_events(world, count: int = 3) -> None:
    for _ in range(count):
        services.organization_create(
            actor=world.platform, name=f"Shelter {uuid4().hex[:8]}", org_type="NGO", country="KG"
        )


# --- Holes of the plain SHA-256 chain: both fail on a chain without key and checkpoints.


def test_deleting_the_newest_events_is_detected(world):
    call_command("audit_verify")  # a checkpoint of today's head, outside the database
    checkpointed = AuditEvent.objects.count()
    newest = _newest(3)
    _tamper("DELETE FROM audit_auditevent WHERE id >= %s", [newest[-1].id])
    assert AuditEvent.objects.count() == checkpointed - 3
    result = audit_verify()
    assert not result.ok
    assert f"holds {checkpointed - 3} events" in result.problem
    assert f"counted {checkpointed}" in result.problem
    assert "newest events were removed" in result.problem
    with pytest.raises(CommandError, match="newest events were removed"):
        call_command("audit_verify")
    with pytest.raises(CommandError, match="removed or rewritten"):
        call_command("audit_checkpoint")


def test_deleting_the_newest_events_and_replacing_them_is_detected(world):
    """Fewer events removed than added back: the count holds, the checkpointed head does not."""
    call_command("audit_verify")
    head = _newest(1)[0]
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [head.id])
    _more_events(world, 2)  # appended by the application after the deletion, so chained
    result = audit_verify()
    assert not result.ok
    assert "differs from the checkpoint" in result.problem
    with pytest.raises(CommandError):
        call_command("audit_checkpoint")


@pytest.mark.parametrize("digest", [_sha256, _hmac_other_key], ids=["sha256", "wrong-key"])
def test_changing_an_event_and_recomputing_every_later_hash_is_detected(world, digest):
    target = _change(_middle(world))
    _recompute_from(target, digest)
    result = audit_verify()
    assert not result.ok
    assert result.event_id == target.id
    assert "changed" in result.problem
    with pytest.raises(CommandError, match=f"#{target.id}"):
        call_command("audit_verify")


def test_a_rewrite_with_the_key_itself_still_breaks_the_checkpoint(world, settings):
    """Even whoever steals the key cannot rewrite history that a checkpoint has anchored."""
    from opennrm.audit.services import audit_keys, chain_hash

    call_command("audit_verify")
    key = audit_keys().keys[0][1]
    target = _change(_middle(world))
    _recompute_from(target, lambda prev, event: chain_hash(prev, event, key=key))
    result = audit_verify()
    assert not result.ok
    assert "differs from the checkpoint" in result.problem


# --- Checkpoints: where, what, signed.


def test_verify_writes_a_signed_checkpoint_to_the_file_and_the_log(world, capsys, caplog):
    with caplog.at_level(logging.INFO, logger="opennrm.audit"):
        call_command("audit_verify")
    out = capsys.readouterr().out
    count = AuditEvent.objects.count()
    head = AuditEvent.objects.order_by("id").last()
    assert f"{count} event(s) verified" in out and str(checkpoint_path()) in out
    lines = checkpoint_path().read_text().splitlines()
    assert len(lines) == 1
    checkpoint = json.loads(lines[0])
    assert checkpoint["count"] == count
    assert checkpoint["head_id"] == head.id and checkpoint["head_uuid"] == str(head.uuid)
    assert checkpoint["head_hash"] == head.hash
    assert checkpoint["key_id"] == "audit-test1" and len(checkpoint["signature"]) == 64
    assert lines[0] in caplog.text
    # Appended, never rewritten: the next verify holds the chain against the first checkpoint.
    _more_events(world)
    call_command("audit_verify")
    assert "against 1 checkpoint(s)" in capsys.readouterr().out
    assert len(checkpoint_path().read_text().splitlines()) == 2


def test_a_forged_checkpoint_fails_verification(world):
    call_command("audit_verify")
    checkpoint = json.loads(checkpoint_path().read_text())
    # The attacker lowers the count to hide a deletion: the signature no longer matches.
    checkpoint["count"] -= 3
    with checkpoint_path().open("a") as handle:
        handle.write(json.dumps(checkpoint) + "\n")
    result = audit_verify()
    assert not result.ok
    assert "line 2" in result.problem and "bad signature" in result.problem
    with pytest.raises(CommandError, match="bad signature"):
        call_command("audit_verify")


def test_an_unreadable_checkpoint_fails_verification(world):
    call_command("audit_verify")
    with checkpoint_path().open("a") as handle:
        handle.write("not json\n")
    result = audit_verify()
    assert not result.ok and "line 2" in result.problem and "not a checkpoint" in result.problem


def test_scheduled_checkpoint_verifies_only_what_is_new(world, capsys):
    call_command("audit_checkpoint")  # no checkpoint yet: the whole chain
    count = AuditEvent.objects.count()
    assert f"{count} event(s) verified since" in capsys.readouterr().out
    _more_events(world, 2)
    call_command("audit_checkpoint")
    out = capsys.readouterr().out
    assert f"count {count + 2}," in out and "(2 event(s) verified since" in out
    assert len(checkpoint_path().read_text().splitlines()) == 2
    # A break after the newest checkpoint is found by the scheduled command too.
    _more_events(world, 1)
    newest = _newest(1)[0]
    _tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["x", newest.id])
    with pytest.raises(CommandError, match=f"#{newest.id}"):
        call_command("audit_checkpoint")


def test_a_failed_verify_writes_no_checkpoint(world):
    _change(_middle(world))
    with pytest.raises(CommandError):
        call_command("audit_verify")
    assert not checkpoint_path().exists()


# --- Keys: from the environment, rotated with a key id per event.


def _ring(*pairs: tuple[str, bytes]) -> str:
    return ",".join(f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in pairs)


def test_a_rotated_key_signs_new_events_and_the_old_one_still_verifies(world, settings):
    old = settings.OPENNRM_AUDIT_KEYS
    new = _ring(("audit-test2", b"n" * 32))
    settings.OPENNRM_AUDIT_KEYS = f"{new},{old}"
    _more_events(world, 2)
    assert [e.key_id for e in _newest(3)] == ["audit-test2", "audit-test2", "audit-test1"]
    assert audit_verify().ok
    # Dropping the old key too early: its events no longer verify, and verify says why.
    settings.OPENNRM_AUDIT_KEYS = new
    result = audit_verify()
    assert not result.ok and "'audit-test1'" in result.problem and "not in" in result.problem


def test_an_event_signed_with_a_retired_key_after_a_newer_one_is_refused(world, settings):
    old = settings.OPENNRM_AUDIT_KEYS
    settings.OPENNRM_AUDIT_KEYS = f"{_ring(('audit-test2', b'n' * 32))},{old}"
    _more_events(world, 1)
    # Whoever holds only the retired key appends an event signed with it.
    settings.OPENNRM_AUDIT_KEYS = f"{old},{_ring(('audit-test2', b'n' * 32))}"
    _more_events(world, 1)
    settings.OPENNRM_AUDIT_KEYS = f"{_ring(('audit-test2', b'n' * 32))},{old}"
    result = audit_verify()
    assert not result.ok and "older than the key of the event before it" in result.problem


def test_the_key_is_never_stored_in_the_database(world, settings):
    from opennrm.crypto.keyring import KeyRing

    dump = json.dumps(list(AuditEvent.objects.values()), default=str)
    for _key_id, key in KeyRing.parse(settings.OPENNRM_AUDIT_KEYS).keys:
        assert base64.b64encode(key).decode() not in dump and key.hex() not in dump


def test_production_settings_refuse_to_start_without_the_audit_key():
    key = base64.b64encode(b"x" * 32).decode()
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": "s" * 50,
        "OPENNRM_FIELD_KEYS": f"k1:{key}",
        "OPENNRM_BLIND_INDEX_KEY": key,
        "OPENNRM_ENV_FILE": "/nonexistent",
    }
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import opennrm.settings.production"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode != 0 and "OPENNRM_AUDIT_KEYS" in run.stderr
    ok = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import opennrm.settings.production"],
        env={**env, "OPENNRM_AUDIT_KEYS": f"a1:{key}"},
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert ok.returncode == 0, ok.stderr


def test_keyfile_adds_the_audit_key_to_an_older_env_file(tmp_path):
    from opennrm.crypto import keyfile

    fresh = tmp_path / "fresh.env"
    keyfile.main(str(fresh))
    assert "OPENNRM_AUDIT_KEYS=audit-local1:" in fresh.read_text()
    older = tmp_path / "older.env"
    older.write_text("DJANGO_SECRET_KEY=x\nOPENNRM_FIELD_KEYS=local1:abc")
    keyfile.main(str(older))
    lines = older.read_text().splitlines()
    assert lines[:2] == ["DJANGO_SECRET_KEY=x", "OPENNRM_FIELD_KEYS=local1:abc"]
    assert lines[2].startswith("OPENNRM_AUDIT_KEYS=audit-local1:")
    assert len(base64.b64decode(lines[2].split(":", 1)[1])) == 32
    keyfile.main(str(older))  # once only
    assert older.read_text().count("OPENNRM_AUDIT_KEYS") == 1


# --- The migration that keys an existing chain.


def _migration():
    return importlib.import_module("opennrm.audit.migrations.0003_keyed_chain")


def _as_before_the_migration(migration) -> None:
    """Turn the current chain back into the plain SHA-256 chain of release 0002."""
    prev = GENESIS
    for event in AuditEvent.objects.select_related("actor", "organization").order_by("id"):
        event.key_id = ""
        new_hash = migration._sha256(prev, event)
        _tamper(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s, key_id = '' WHERE id = %s",
            [prev, new_hash, event.id],
        )
        prev = new_hash


def _editor():
    if connection.vendor == "postgresql":
        # The world was built in this test's transaction: its deferred foreign-key checks would
        # keep the migration from altering the table, as they never do in a real migration.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def execute(sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return SimpleNamespace(connection=connection, execute=execute)


def test_the_migration_keys_an_intact_plain_chain(world):
    migration = _migration()
    _as_before_the_migration(migration)
    assert not audit_verify().ok
    migration.forwards(apps, _editor())
    assert audit_verify().ok
    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {"audit-test1"}
    migration.backwards(apps, _editor())
    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {""}


def test_the_migration_refuses_to_key_a_tampered_chain(world):
    migration = _migration()
    _as_before_the_migration(migration)
    target = _change(_middle(world))
    with pytest.raises(RuntimeError, match=f"#{target.id}"):
        migration.forwards(apps, _editor())
