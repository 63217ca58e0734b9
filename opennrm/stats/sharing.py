"""Data-sharing agreements with the national coordinator: services and selectors.

The admin of an organization records that it shares its statistics with the national
coordinator from a date, or withdraws; both are audited under the organization and under the
coordinator, in the transaction of the change. The national view reads which organizations
share on a day (``sharing_organization_ids``).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import audit_record
from opennrm.errors import Conflict, NotFound
from opennrm.validation import Checker

from .audit_sharing import SharingAction
from .models_sharing import SharingAgreement

EARLIEST = date(2000, 1, 1)
MAX_REFERENCE = 200


def national_coordinator() -> Organization | None:
    """The organization that coordinates the national referral mechanism, if one is set."""
    return Organization.objects.filter(national_coordinator=True, is_active=True).first()


def sharing_agreements(*, actor: Actor) -> QuerySet[SharingAgreement]:
    """The actor's organization's agreements, newest first."""
    actor.require(perms.STATS_SHARING_MANAGE)
    return SharingAgreement.objects.filter(organization=actor.active_organization).select_related(
        "coordinator"
    )


@transaction.atomic
def sharing_start(*, actor: Actor, starts_on: Any, reference: Any = "") -> SharingAgreement:
    """Share the organization's statistics with the national coordinator from ``starts_on``."""
    actor.require(perms.STATS_SHARING_MANAGE)
    organization = actor.active_organization
    check = Checker()
    day = check.date("starts_on", starts_on, earliest=EARLIEST, required=True)
    text = check.text("reference", reference, max_length=MAX_REFERENCE, multiline=False)
    check.raise_if_errors()
    assert day is not None  # required: the checker refused a missing date
    coordinator = national_coordinator()
    if coordinator is None:
        raise Conflict(_("No national coordinator is set up: there is no one to share with."))
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if SharingAgreement.objects.filter(organization=organization, withdrawn_on=None).exists():
        raise Conflict(_("An agreement is already recorded: withdraw it first."))
    agreement = SharingAgreement.objects.create(
        organization=organization,
        coordinator=coordinator,
        starts_on=day,
        reference=text,
        recorded_by=actor.user,
    )
    _audit(actor, SharingAction.START, agreement)
    return agreement


@transaction.atomic
def sharing_withdraw(*, actor: Actor, agreement_id: UUID | str) -> SharingAgreement:
    """Stop sharing from today (the organization's day): the national view no longer counts it."""
    actor.require(perms.STATS_SHARING_MANAGE)
    try:
        agreement = (
            SharingAgreement.objects.select_for_update()
            .select_related("coordinator")
            .get(uuid=agreement_id, organization=actor.active_organization)
        )
    except (SharingAgreement.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such agreement.")) from None
    if agreement.withdrawn_on is not None:
        raise Conflict(_("This agreement was already withdrawn."))
    today = local_today(actor.active_organization)
    agreement.withdrawn_on = max(today, agreement.starts_on)
    agreement.withdrawn_by = actor.user
    agreement.save(update_fields=["withdrawn_on", "withdrawn_by"])
    _audit(actor, SharingAction.WITHDRAW, agreement)
    return agreement


def _audit(actor: Actor, action: SharingAction, agreement: SharingAgreement) -> None:
    label = SharingAgreement._meta.label_lower
    audit_record(actor=actor, action=action, object_type=label, object_id=agreement.uuid)
    if agreement.coordinator_id != agreement.organization_id:
        audit_record(
            actor=actor,
            action=action,
            object_type=label,
            object_id=agreement.uuid,
            organization=agreement.coordinator,
        )


def sharing_organization_ids(*, coordinator: Organization, on: date) -> list[int]:
    """The organizations whose statistics the coordinator may count on ``on``: an agreement in
    force that day, with this coordinator. Ids only (the national view's scope)."""
    in_force = Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
    return sorted(
        SharingAgreement.objects.filter(in_force, coordinator=coordinator, starts_on__lte=on)
        .filter(organization__is_active=True)
        .values_list("organization_id", flat=True)
        .distinct()
    )
