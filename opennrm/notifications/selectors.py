"""Reads of notifications: a user sees only their own, in the active organization."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from opennrm.accounts.permissions import Actor
from opennrm.errors import NotFound

from .models import Notification


def notification_visible(*, actor: Actor) -> QuerySet[Notification]:
    """The actor's own notifications in the active organization; none without a membership.

    The one place where notification visibility is decided.
    """
    if actor.membership is None or not actor.permissions:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=actor.user, organization=actor.organization)


def notification_list(*, actor: Actor, unread: bool = False) -> QuerySet[Notification]:
    """The actor's notifications, newest first; only the unread ones when ``unread``."""
    notifications = notification_visible(actor=actor)
    if unread:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def notification_unread_count(*, actor: Actor) -> int:
    """How many of the actor's notifications are unread (the number in the page header)."""
    return notification_visible(actor=actor).filter(read_at__isnull=True).count()


def notification_get(*, actor: Actor, notification_id: UUID | str) -> Notification:
    """One of the actor's notifications; the same NotFound for "absent" and "someone else's"."""
    try:
        return notification_visible(actor=actor).get(uuid=notification_id)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such notification.") from None
