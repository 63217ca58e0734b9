"""Appending to the audit log and verifying its chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from .context import request_id as current_request_id
from .models import AuditEvent

GENESIS = "0" * 64
# Any constant shared by every writer: serializes appends on PostgreSQL.
_ADVISORY_LOCK_KEY = 0x4F4E524D


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
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical_json(event)).encode()).hexdigest()


def audit_record(
    *,
    actor: Any,
    organization: Any,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: UUID | None = None,
    fields: list[str] | tuple[str, ...] = (),
) -> AuditEvent:
    """Append one event; must run inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.uuid
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        organization=organization,
        action=action,
        object_type=object_type,
        object_id=object_id,
        fields=sorted(set(fields)),
        request_id=current_request_id.get(),
        prev_hash=last or GENESIS,
    )
    event.hash = chain_hash(event.prev_hash, event)
    event.save(force_insert=True)
    return event


def audit_read(*, actor: Any, organization: Any, obj: Any) -> None:
    """Record that ``actor`` read a protected record."""
    with transaction.atomic():
        audit_record(actor=actor, organization=organization, action="read", obj=obj)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    event_id: int | None = None
    event_uuid: str | None = None
    problem: str = ""


def audit_verify() -> VerifyResult:
    """Walk the chain in order; report the first event that was changed, removed or reordered."""
    prev = GENESIS
    checked = 0
    queryset = AuditEvent.objects.select_related("actor", "organization").order_by("id")
    for event in queryset.iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return VerifyResult(
                False,
                checked,
                event.id,
                str(event.uuid),
                "does not follow the event before it: an event was removed or reordered here",
            )
        if chain_hash(prev, event) != event.hash:
            return VerifyResult(
                False,
                checked,
                event.id,
                str(event.uuid),
                "content was changed after it was written",
            )
        prev = event.hash
        checked += 1
    return VerifyResult(True, checked)
