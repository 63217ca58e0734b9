"""Appending to the audit log and verifying its keyed chain against the checkpoints."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.db.models import TextChoices
from django.utils import timezone

from opennrm.crypto.keyring import KeyRing

from .actions import Acting, AuditAction, action_registered
from .checkpoints import (
    Checkpoint,
    CheckpointError,
    checkpoint_append,
    checkpoint_read_all,
    checkpoint_sign,
)
from .context import request_id as current_request_id
from .models import AuditEvent

GENESIS = "0" * 64
# Any constant shared by every writer: serializes appends on PostgreSQL.
_ADVISORY_LOCK_KEY = 0x4F4E524D


@lru_cache(maxsize=8)
def _ring_for(spec: str) -> KeyRing:
    ring = KeyRing.parse(spec, setting="OPENNRM_AUDIT_KEYS")
    if any(len(key_id) > 32 for key_id, _key in ring.keys):
        raise ValueError("a key id in OPENNRM_AUDIT_KEYS is longer than 32 characters")
    return ring


def audit_keys() -> KeyRing:
    """The audit key ring from settings: the first key signs new events, every key verifies."""
    return _ring_for(settings.OPENNRM_AUDIT_KEYS)


def canonical_json(event: AuditEvent) -> str:
    """The event as sorted, compact JSON; what the hash covers besides the previous hash."""
    payload = {
        "uuid": str(event.uuid),
        "occurred_at": event.occurred_at.isoformat(),
        "actor": str(event.actor.uuid) if event.actor is not None else None,
        "organization": str(event.organization.uuid) if event.organization is not None else None,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": str(event.object_id) if event.object_id else None,
        "fields": sorted(event.fields),
        "request_id": event.request_id,
        "rule": event.rule,
        "key_id": event.key_id,
    }
    if event.object_ids:  # only where present, so that the events before it verify unchanged
        payload["object_ids"] = [str(value) for value in event.object_ids]
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, event: AuditEvent, *, key: bytes) -> str:
    """HMAC-SHA256 of the previous hash and the event: without the key, no one can recompute it."""
    message = (prev_hash + canonical_json(event)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def audit_record(
    *,
    actor: Acting | None,
    action: TextChoices,
    obj: Any = None,
    object_type: str = "",
    object_id: UUID | None = None,
    object_ids: list[UUID] | None = None,
    fields: list[str] | tuple[str, ...] = (),
    rule: str = "",
    organization: Any = None,
) -> AuditEvent:
    """Append one event; must run inside the transaction of the change it records.

    ``actor`` is who acts (None for a scheduled job or an anonymous sender); the event is recorded
    under the actor's organization unless ``organization`` names another (the platform admin
    creating one, the receiving side of a referral, a job acting for no one). ``action`` is a
    member of an app's registered action enum (``opennrm.audit.actions``).
    """
    entry = AuditEntry(obj, object_type, object_id, object_ids, tuple(fields), rule, organization)
    return audit_record_many(actor=actor, action=action, entries=[entry])[0]


@dataclass(frozen=True)
class AuditEntry:
    """What one event of ``audit_record_many`` is about (``audit_record``'s keywords)."""

    obj: Any = None
    object_type: str = ""
    object_id: UUID | None = None
    object_ids: list[UUID] | None = None
    fields: tuple[str, ...] = ()
    rule: str = ""
    organization: Any = None


def audit_record_many(
    *, actor: Acting | None, action: TextChoices, entries: list[AuditEntry]
) -> list[AuditEvent]:
    """Append several events of one actor and action in one step: the chain's lock taken and its
    end read once, one insert (a hint shown to one organization is recorded under both)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")
    if not action_registered(action):
        raise TypeError(f"audit action {action!r} is not a member of a registered action enum")
    if actor is not None and not hasattr(actor, "organization"):
        raise TypeError("audit_record takes the acting Actor, not a user")
    user = actor.user if actor is not None else None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    key_id, key = audit_keys().keys[0]
    events = []
    for entry in entries:
        organization = entry.organization
        if organization is None and actor is not None:
            organization = actor.organization
        object_type, object_id = entry.object_type, entry.object_id
        if entry.obj is not None:
            object_type = object_type or entry.obj._meta.label_lower
            object_id = object_id or entry.obj.uuid
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=user if getattr(user, "pk", None) else None,
            organization=organization,
            action=action.value,
            object_type=object_type,
            object_id=object_id,
            object_ids=[str(value) for value in entry.object_ids] if entry.object_ids else None,
            fields=sorted(set(entry.fields)),
            request_id=current_request_id.get(),
            rule=entry.rule,
            key_id=key_id,
            prev_hash=last or GENESIS,
        )
        event.hash = last = chain_hash(event.prev_hash, event, key=key)
        events.append(event)
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        AuditEvent.objects.bulk_create(events)
    return events


def audit_read(*, actor: Acting, obj: Any) -> None:
    """Record that ``actor`` read a protected record."""
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.READ, obj=obj)


def audit_read_many(
    *,
    actor: Acting,
    object_type: str,
    object_ids: list[UUID],
    fields: list[str] | tuple[str, ...] = (),
) -> None:
    """Record that ``actor`` read ``fields`` of several records of one type (the rows of a list
    page) as one event listing their ids: one append, not one per row."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.READ,
            object_type=object_type,
            object_ids=object_ids,
            fields=fields,
        )


ACCESS_DENIED = AuditAction.ACCESS_DENIED


def audit_denial(*, actor: Acting, object_type: str, rule: str) -> AuditEvent:
    """Record a refused access (who, what kind of object, which rule) in its own transaction.

    Called by the gates after the request's own transaction has ended, so a rolled-back change
    does not take the record of its refusal with it. Never the object's id.
    """
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action=ACCESS_DENIED,
            object_type=object_type[:80],
            rule=rule[:120],
        )


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    event_id: int | None = None
    event_uuid: str | None = None
    problem: str = ""
    # The newest event verified, and how many checkpoints the chain was held against.
    head: AuditEvent | None = None
    checkpoints: int = 0
    started_from: Checkpoint | None = field(default=None)


def _broken(checked: int, event: AuditEvent | None, problem: str) -> VerifyResult:
    return VerifyResult(
        False,
        checked,
        event.id if event else None,
        str(event.uuid) if event else None,
        problem,
    )


def audit_verify(*, from_checkpoint: bool = False) -> VerifyResult:
    """Walk the keyed chain in order and hold it against every checkpoint; report the first break.

    ``from_checkpoint`` trusts the events up to the newest checkpoint once its head is found in
    place, and walks only the events after it: cheap enough for a frequent schedule.
    """
    ring = audit_keys()
    try:
        checkpoints = checkpoint_read_all(ring=ring)
    except CheckpointError as exc:
        return _broken(0, None, str(exc))
    by_count: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        by_count.setdefault(checkpoint.count, []).append(checkpoint)
    prev, checked, matched, previous_position = GENESIS, 0, len(by_count.get(0, [])), None
    head: AuditEvent | None = None
    queryset = AuditEvent.objects.select_related("actor", "organization").order_by("id")
    start = max(checkpoints, key=lambda c: c.count) if from_checkpoint and checkpoints else None
    if start is not None and start.count:
        head = queryset.filter(id=start.head_id).first() if start.head_id is not None else None
        if (
            head is None
            or head.hash != start.head_hash
            or AuditEvent.objects.filter(id__lte=head.id).count() != start.count
        ):
            return _broken(
                0,
                head,
                f"the chain no longer matches the checkpoint of {start.written_at}"
                f" ({start.count} events, the newest #{start.head_id}): events up to it were"
                " removed or rewritten",
            )
        prev, checked, matched = head.hash, start.count, 1
        previous_position = ring.position(head.key_id)
        queryset = queryset.filter(id__gt=head.id)
    for event in queryset.iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return _broken(
                checked,
                event,
                "does not follow the event before it: an event was removed or reordered here",
            )
        position = ring.position(event.key_id)
        if position is None:
            return _broken(
                checked,
                event,
                f"is signed with key {event.key_id!r}, which is not in OPENNRM_AUDIT_KEYS: the"
                " key was removed from the ring, or the event was forged",
            )
        if previous_position is not None and position > previous_position:
            return _broken(
                checked,
                event,
                f"is signed with key {event.key_id!r}, older than the key of the event before it:"
                " it was written with a retired key",
            )
        if not hmac.compare_digest(chain_hash(prev, event, key=ring.keys[position][1]), event.hash):
            return _broken(
                checked,
                event,
                "content was changed after it was written, or it was not written by OpenNRM"
                " (its hash does not match under the audit key)",
            )
        checked += 1
        for checkpoint in by_count.get(checked, []):
            if checkpoint.head_id != event.id or checkpoint.head_hash != event.hash:
                return _broken(
                    checked - 1,
                    event,
                    f"differs from the checkpoint of {checkpoint.written_at}, which counted"
                    f" {checkpoint.count} events ending with #{checkpoint.head_id}: the chain was"
                    " rewritten up to here",
                )
            matched += 1
        prev, previous_position, head = event.hash, position, event
    newest = max(checkpoints, key=lambda c: c.count, default=None)
    if newest is not None and newest.count > checked:
        return _broken(
            checked,
            None,
            f"the log holds {checked} events, but the checkpoint of {newest.written_at} counted"
            f" {newest.count} (the newest #{newest.head_id}): the newest events were removed",
        )
    return VerifyResult(True, checked, head=head, checkpoints=matched, started_from=start)


def audit_checkpoint_write(result: VerifyResult) -> tuple[Checkpoint, Path]:
    """Anchor the head of a verified chain outside the database (file and log)."""
    if not result.ok:
        raise ValueError("only a verified chain may be checkpointed")
    head = result.head
    checkpoint = checkpoint_sign(
        ring=audit_keys(),
        count=result.checked,
        head_id=head.id if head else None,
        head_uuid=str(head.uuid) if head else None,
        head_hash=head.hash if head else GENESIS,
    )
    return checkpoint, checkpoint_append(checkpoint)
