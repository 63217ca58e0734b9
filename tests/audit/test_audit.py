"""The audit log: an event per write, chained by HMAC, verified, append-only in the database."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client

from opennrm.accounts import services, sessions
from opennrm.accounts.models import RoleGrant
from opennrm.audit.models import AuditEvent
from opennrm.audit.services import audit_record, audit_verify, canonical_json
from tests.conftest import sign_in


def _events(action: str, obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=obj.uuid))


def test_every_write_leaves_an_event_naming_fields_not_values(world):
    admin = world.actor(world.a["organization_admin"])
    member = world.a["case_worker"]
    org = services.organization_create(
        actor=world.platform, name="Shelter C", org_type="NGO", country="KG", city="Osh"
    )
    services.organization_update(actor=world.platform, organization=org, version=1, city="Bishkek")
    added = services.membership_create(
        actor=admin,
        organization=world.org_a,
        email="zarina@example.org",
        full_name="Зарина Каримова",
        role="data_analyst",
    )
    services.membership_change_role(actor=admin, membership=added, role="hotline_operator")
    grant = RoleGrant.objects.get(membership=added)
    services.role_grant_approve(actor=world.platform, grant=grant)
    token, _raw = services.api_token_create(actor=world.actor(member), name="sync", days=3)
    services.api_token_revoke(actor=world.actor(member), token=token)
    services.membership_deactivate(actor=admin, membership=added)
    sessions.password_set(user=member.user, password="another-long-password-9", reset=False)

    expectations = [
        ("organization.create", org, {"name", "org_type", "country", "city", "phone", "time_zone"}),
        ("organization.update", org, {"city"}),
        ("user.create", added.user, {"email", "full_name", "password"}),
        ("membership.create", added, {"user", "organization", "role", "is_active"}),
        ("role_grant.request", grant, {"membership", "role", "activates"}),
        ("role_grant.approve", grant, {"status", "decided_by", "decided_at"}),
        ("membership.change_role", added, {"role"}),
        ("api_token.create", token, {"name", "expires_at"}),
        ("api_token.revoke", token, {"revoked_at"}),
        ("membership.deactivate", added, {"is_active"}),
        ("user.deactivate", added.user, {"is_active"}),
        ("user.password_change", member.user, {"password"}),
    ]
    for action, obj, fields in expectations:
        events = _events(action, obj)
        assert len(events) == 1, action
        assert set(events[0].fields) == fields, action
    # Identifying values never enter the log, only field names.
    dump = json.dumps([canonical_json(e) for e in AuditEvent.objects.all()], ensure_ascii=False)
    assert "Зарина" not in dump and "Bishkek" not in dump and "another-long" not in dump
    creation = _events("membership.create", added)[0]
    assert creation.actor == world.a["organization_admin"].user
    assert creation.organization == world.org_a


def test_event_is_written_in_the_same_transaction(world):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.organization_create(
            actor=world.platform, name="Rolled back", org_type="NGO", country="KZ"
        )
        raise RuntimeError("the change fails after its event was appended")
    assert AuditEvent.objects.count() == before
    assert not AuditEvent.objects.filter(action="organization.create", object_type="x").exists()


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, organization=None, action="x")


def test_a_refused_write_leaves_no_event(world):
    before = AuditEvent.objects.count()
    with pytest.raises(services.ValidationFailed):
        services.organization_create(actor=world.platform, name="Bad", org_type="NGO", country="XX")
    assert AuditEvent.objects.count() == before


def test_reads_of_a_protected_record_are_audited(world):
    viewer = world.a["supervisor"]
    client = sign_in(Client(), viewer.user, viewer)
    target = world.a["case_worker"]
    response = client.get(f"/members/{target.uuid}/")
    event = AuditEvent.objects.filter(action="read").last()
    assert event.object_id == target.user.uuid
    assert event.actor == viewer.user
    assert event.organization == world.org_a
    assert event.request_id == response["X-Request-ID"]


def test_chain_is_intact_and_verify_command_says_so(world, capsys):
    assert audit_verify().ok
    call_command("audit_verify")
    assert "audit log intact" in capsys.readouterr().out


def _tamper(sql: str, params: list) -> None:
    """Change the table directly, as someone with database access would (past the trigger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A database superuser can switch triggers off for the session.
            cursor.execute("SET session_replication_role = replica")
        else:
            # Whoever can write the SQLite file can drop its triggers (the test rolls this back).
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def _middle(world) -> AuditEvent:
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) > 10
    return events[len(events) // 2]


def test_verify_names_an_edited_event(world):
    target = _middle(world)
    _tamper(
        "UPDATE audit_auditevent SET action = %s WHERE id = %s", ["nothing.happened", target.id]
    )
    result = audit_verify()
    assert not result.ok
    assert result.event_id == target.id
    assert "changed" in result.problem
    with pytest.raises(CommandError, match=f"#{target.id}"):
        call_command("audit_verify")


def test_verify_names_the_event_after_a_deleted_one(world):
    target = _middle(world)
    following = AuditEvent.objects.filter(id__gt=target.id).order_by("id").first()
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [target.id])
    result = audit_verify()
    assert not result.ok
    assert result.event_id == following.id
    assert "removed or reordered" in result.problem


def test_verify_names_reordered_events(world):
    target = _middle(world)
    following = AuditEvent.objects.filter(id__gt=target.id).order_by("id").first()
    # Swap the two rows' positions in the sequence.
    _tamper("UPDATE audit_auditevent SET id = %s WHERE id = %s", [-1, target.id])
    _tamper("UPDATE audit_auditevent SET id = %s WHERE id = %s", [target.id, following.id])
    _tamper("UPDATE audit_auditevent SET id = %s WHERE id = %s", [following.id, -1])
    result = audit_verify()
    assert not result.ok
    assert result.event_id == target.id


def test_the_database_refuses_update_and_delete(world):
    """On SQLite as on PostgreSQL: the application cannot change or remove an event."""
    from django.db.utils import DatabaseError

    target = _middle(world)
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [target.id])
    for attempt in (
        lambda: AuditEvent.objects.filter(id=target.id).update(action="x"),
        lambda: AuditEvent.objects.filter(id=target.id).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert AuditEvent.objects.filter(id=target.id, action=target.action).exists()
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_whole_database_and_the_guard_stays():
    """The test runner empties the database between transactional tests (TRUNCATE on
    PostgreSQL, which the row trigger does not see; on SQLite the flush lifts its triggers)."""
    from django.db.utils import DatabaseError

    from tests.conftest import build_world

    build_world()
    assert AuditEvent.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    build_world()  # the teardown's flush empties this one
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
