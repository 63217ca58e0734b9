"""Writes of referrals recorded from the organization's own files, not sent through OpenNRM.

They are parts of the case (its ``cases.update`` right, on a visible case), kept apart from the
referrals OpenNRM sends: no consent, no shared fields, no case at the other side. The page and
the HTCDS import write through the same three services; each validates every field at once,
writes and appends its audit event (field names only) in one transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import audit_record
from opennrm.cases.models import Case
from opennrm.cases.selectors import case_visible
from opennrm.errors import Conflict, NotFound
from opennrm.validation import (
    EARLIEST_RECORD,
    MAX_NAME,
    MAX_PARAGRAPH,
    Checker,
    full_clean_or_raise,
)

from .audit import RecordedReferralAction
from .choices import RecordedDirection, RecordedSource, ReferralReason
from .models import RecordedReferral

# What a page or an import may give, in the order the form shows them.
RECORDED_FIELDS = (
    "direction",
    "organization_name",
    "referred_on",
    "reason",
    "details",
    "worker",
)
MAX_ORGANIZATION_NAME = 200


def _case_locked(actor: Actor, case: Case) -> Case:
    """The case, locked, if the actor may change it and sees it; NotFound otherwise."""
    actor.require(perms.CASES_UPDATE)
    try:
        return case_visible(actor=actor).select_for_update().get(pk=case.pk)
    except Case.DoesNotExist:
        raise NotFound(_("No such case.")) from None


def _referral_locked(actor: Actor, case: Case, referral_id: UUID | str) -> RecordedReferral:
    """The recorded referral of the case, locked and not removed; NotFound for any other."""
    case = _case_locked(actor, case)
    try:
        return RecordedReferral.objects.select_for_update().get(
            uuid=referral_id, case=case, removed_at__isnull=True
        )
    except (RecordedReferral.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound(_("Not found.")) from None


def _values(check: Checker, data: dict[str, Any], *, today: date) -> dict[str, Any]:
    """The checked values of the fields named in ``data`` (a change names only some)."""
    check.unknown(data, RECORDED_FIELDS)
    values: dict[str, Any] = {}
    if "direction" in data:
        values["direction"] = check.choice(
            "direction", data["direction"], RecordedDirection.values, required=True
        )
    if "organization_name" in data:
        values["organization_name"] = check.text(
            "organization_name",
            data["organization_name"],
            max_length=MAX_ORGANIZATION_NAME,
            multiline=False,
            required=True,
            required_message=_("Give the other organization's name."),
        )
    if "referred_on" in data:
        values["referred_on"] = check.date(
            "referred_on", data["referred_on"], earliest=EARLIEST_RECORD, latest=today
        )
    if "reason" in data:
        values["reason"] = check.choice("reason", data["reason"], ReferralReason.values)
    if "details" in data:
        values["details"] = check.text("details", data["details"], max_length=MAX_PARAGRAPH)
    if "worker" in data:
        values["worker"] = check.text(
            "worker", data["worker"], max_length=MAX_NAME, multiline=False
        )
    return values


@transaction.atomic
def recorded_referral_add(
    *, actor: Actor, case: Case, data: dict[str, Any], source: str = RecordedSource.PAGE
) -> RecordedReferral:
    """Record a referral into or out of a visible case that happened outside OpenNRM."""
    case = _case_locked(actor, case)
    check = Checker()
    given = {"direction": "", "organization_name": ""} | dict(data)
    values = _values(check, given, today=local_today(case.organization))
    source = check.choice("source", source, RecordedSource.values, required=True)
    check.raise_if_errors()
    referral = RecordedReferral(case=case, source=source, recorded_by=actor.user, **values)
    full_clean_or_raise(referral, exclude=["case", "recorded_by", "removed_by"])
    referral.save()
    fields = ["source", *(name for name in RECORDED_FIELDS if values.get(name))]
    audit_record(actor=actor, action=RecordedReferralAction.ADD, obj=referral, fields=fields)
    return referral


@transaction.atomic
def recorded_referral_update(
    *,
    actor: Actor,
    case: Case,
    referral_id: UUID | str,
    version: int,
    data: dict[str, Any],
) -> RecordedReferral:
    """Change the fields named in ``data``; refused over someone else's newer change."""
    referral = _referral_locked(actor, case, referral_id)
    if referral.version != version:
        raise Conflict(
            _("Someone else changed this record while you were editing. Reload and retry.")
        )
    check = Checker()
    values = _values(check, dict(data), today=local_today(referral.case.organization))
    check.raise_if_errors()
    changed = [name for name, value in values.items() if getattr(referral, name) != value]
    if changed:
        for name in changed:
            setattr(referral, name, values[name])
        referral.version += 1
        full_clean_or_raise(referral, exclude=["case", "recorded_by", "removed_by"])
        referral.save()
        audit_record(
            actor=actor, action=RecordedReferralAction.UPDATE, obj=referral, fields=changed
        )
    return referral


@transaction.atomic
def recorded_referral_remove(
    *, actor: Actor, case: Case, referral_id: UUID | str
) -> RecordedReferral:
    """Mark a recorded referral removed (entered in error): kept, no longer shown."""
    referral = _referral_locked(actor, case, referral_id)
    referral.removed_at = timezone.now()
    referral.removed_by = actor.user
    referral.save(update_fields=["removed_at", "removed_by", "updated_at"])
    audit_record(
        actor=actor,
        action=RecordedReferralAction.REMOVE,
        obj=referral,
        fields=["removed_at", "removed_by"],
    )
    return referral
