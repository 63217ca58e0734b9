"""Notifications through the service, for the notification tests."""

from __future__ import annotations

from django.db import transaction

from opennrm.accounts.models import Organization
from opennrm.notifications.models import Notification
from opennrm.notifications.services import notification_send


def send(organization: Organization, *, kind: str = "referral.new", **kwargs) -> int:
    """Notify the members of ``organization`` (in a transaction, as a service would)."""
    kwargs.setdefault("message", "Referral R-2005-0001 from Crisis Centre A")
    kwargs.setdefault("url", "/referrals/")
    with transaction.atomic():
        return notification_send(organization=organization, kind=kind, **kwargs)


def latest_for(membership) -> Notification:
    return Notification.objects.filter(
        recipient=membership.user, organization=membership.organization
    ).latest("id")
