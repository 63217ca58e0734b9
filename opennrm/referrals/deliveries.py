"""The services a receiving organization (a clinic, a lawyer) delivers on a referral: reads and
writes, kept apart from ``services.py`` and ``selectors.py`` (decision 0018).

The provider records each service (date, type, result, next appointment); the sending
organization reads them as services of its case, with the provider named. The referral is
completed by the provider's "service completed", never by the sender. A record is the
provider's own: a withdrawn consent does not clear it (decision 0007: what B recorded is B's).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_date, local_today
from opennrm.audit.services import audit_record
from opennrm.cases.choices import ServiceType
from opennrm.cases.models import Case
from opennrm.errors import NotFound, ValidationFailed
from opennrm.notifications.services import notification_send
from opennrm.validation import EARLIEST_RECORD, Checker

from .audit import ReferralAction
from .choices import ReferralKind, ReferralStatus
from .models import Referral, ServiceDelivery
from .selectors import referral_visible

MAX_RESULT = 2000
# An appointment is set months ahead at most.
MAX_APPOINTMENT_DAYS_AHEAD = 366


# --- Reads.


def referral_services(*, actor: Actor, referral: Referral) -> list[ServiceDelivery]:
    """The services delivered on a referral the actor sees (sender or receiver), by date."""
    if not referral_visible(actor=actor).filter(pk=referral.pk).exists():
        raise NotFound(_("No such referral."))
    return list(
        ServiceDelivery.objects.filter(referral=referral)
        .select_related("organization", "recorded_by")
        .order_by("delivered_on", "id")
    )


def case_services_delivered(*, actor: Actor, case: Case) -> QuerySet[ServiceDelivery]:
    """Services other organizations delivered on referrals sent from a case the actor sees: the
    case's services as the providers recorded them, the provider named."""
    sent = referral_visible(actor=actor).filter(
        from_case=case, from_organization=actor.organization
    )
    return (
        ServiceDelivery.objects.filter(referral__in=sent.values("pk"))
        .select_related("organization", "referral")
        .defer(
            "referral__shared_values",
            "referral__note",
            "referral__override_reason",
            "referral__decline_reason",
            "referral__outcome",
        )
        .order_by("-delivered_on", "-id")
    )


def may_record_service(actor: Actor, referral: Referral) -> bool:
    """True when the actor works at the receiving organization on an accepted referral (not a
    transfer: that made the case the receiver's own) and may answer referrals."""
    return (
        referral.to_organization_id == getattr(actor.organization, "pk", None)
        and actor.can(perms.REFERRALS_RESPOND)
        and referral.kind == ReferralKind.REFERRAL
        and referral.status == ReferralStatus.ACCEPTED
    )


# --- Writes.


def _accepted_on(referral: Referral) -> date | None:
    if referral.accepted_at is None:
        return None
    return local_date(referral.accepted_at, referral.to_organization)


@transaction.atomic
def referral_service_record(
    *,
    actor: Actor,
    referral: Referral,
    service_type: str,
    delivered_on: date | str | None,
    outcome: str,
    next_appointment_on: date | str | None = None,
    completed: bool = False,
) -> ServiceDelivery:
    """Record a service the actor's organization delivered on a referral it accepted; with
    ``completed``, the provider says the service is complete and the referral completes."""
    actor.require(perms.REFERRALS_RESPOND)
    try:
        referral = (
            Referral.objects.select_for_update()
            .select_related("to_organization", "from_organization")
            .get(pk=referral.pk, to_organization=actor.organization)
        )
    except Referral.DoesNotExist:
        raise NotFound(_("No such referral.")) from None
    if referral.kind != ReferralKind.REFERRAL:
        raise ValidationFailed.of(
            {"referral": [_("Services are recorded on a referral, not on a transfer.")]}
        )
    if referral.status != ReferralStatus.ACCEPTED:
        raise ValidationFailed.of(
            {
                "status": [
                    _("This referral is %(status)s: services are recorded while it is accepted.")
                    % {"status": referral.get_status_display().lower()}
                ]
            }
        )
    today = local_today(actor.organization)
    check = Checker()
    kind = check.choice("service_type", service_type, ServiceType.values, required=True)
    accepted_on = _accepted_on(referral)
    delivered = check.date("delivered_on", delivered_on, earliest=EARLIEST_RECORD, latest=today)
    if delivered is None and not check.has("delivered_on"):
        check.add("delivered_on", _("Give the date the service was delivered."))
    elif delivered is not None and accepted_on is not None and delivered < accepted_on:
        check.add(
            "delivered_on",
            _("Cannot be before the referral was accepted (%(date)s).")
            % {"date": accepted_on.isoformat()},
        )
    result = check.text(
        "outcome",
        outcome,
        max_length=MAX_RESULT,
        required=True,
        required_message=_("Say what the service achieved."),
    )
    next_on = check.date("next_appointment_on", next_appointment_on, earliest=EARLIEST_RECORD)
    if next_on is not None and delivered is not None and next_on < delivered:
        check.add("next_appointment_on", _("Cannot be before the service was delivered."))
    elif next_on is not None and next_on > today + timedelta(days=MAX_APPOINTMENT_DAYS_AHEAD):
        check.add("next_appointment_on", _("This is more than a year ahead."))
    if not isinstance(completed, bool):
        check.add("completed", _("Say yes or no."))
    check.raise_if_errors()
    assert delivered is not None
    record = ServiceDelivery.objects.create(
        referral=referral,
        organization=referral.to_organization,
        service_type=kind,
        delivered_on=delivered,
        outcome=result,
        next_appointment_on=next_on,
        completes_referral=completed,
        recorded_by=actor.user,
    )
    audit_record(
        actor=actor,
        action=ReferralAction.SERVICE_RECORD,
        obj=record,
        fields=[
            "referral",
            "service_type",
            "delivered_on",
            "outcome",
            *(["next_appointment_on"] if next_on else []),
        ],
    )
    params: dict[str, str | int] = {
        "organization": referral.to_organization.name,
        "number": referral.number,
    }
    if completed:
        referral.status = ReferralStatus.COMPLETED
        referral.completed_at = timezone.now()
        referral.completed_by = actor.user
        referral.outcome = result
        referral.save()
        audit_record(
            actor=actor,
            action=ReferralAction.SERVICE_COMPLETE,
            obj=referral,
            fields=["status", "completed_at", "completed_by", "outcome"],
        )
        message = gettext_noop("%(organization)s completed the service of referral %(number)s.")
    else:
        message = gettext_noop("%(organization)s recorded a service on referral %(number)s.")
    notification_send(
        organization=referral.from_organization,
        kind="referral.answered",
        message=message,
        params=params,
        url=f"/referrals/{referral.uuid}/",
        permission=perms.REFERRALS_SEND,
    )
    return record
