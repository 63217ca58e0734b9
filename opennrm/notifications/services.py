"""Writes to notifications: sending them to the members of an organization, marking them read.

``notification_send`` is called by other apps' services inside their own transaction (their audit
event records the change; the notification is its consequence). The e-mail copy leaves only after
that transaction commits, and only when ``OPENNRM_EMAIL_NOTIFICATIONS`` is on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from opennrm.accounts import permissions as perms
from opennrm.accounts.events import RoleGrantChanged
from opennrm.accounts.models import Organization, Role, RoleGrantStatus, User
from opennrm.accounts.permissions import Actor, role_permissions
from opennrm.accounts.tasks import send_email
from opennrm.audit.services import audit_record
from opennrm.errors import NotFound

from .audit import NotificationAction
from .models import Kind, Notification, render_message
from .selectors import notification_visible

MAX_MESSAGE = 500


def _roles_holding(permission: str | None) -> list[str]:
    return [
        role.value for role in Role if permission is None or permission in role_permissions(role)
    ]


def notification_send(
    *,
    organization: Organization,
    kind: str,
    message: str,
    url: str,
    params: dict[str, str | int] | None = None,
    permission: str | None = None,
    exclude: User | None = None,
) -> int:
    """Notify every active member of ``organization`` whose role holds ``permission`` (all members
    when None), except ``exclude``; return how many were notified.

    Runs inside the caller's transaction. ``message`` is an English source marked with
    ``gettext_noop`` and ``params`` its values, so that each reader sees it in their language.
    Neither, nor ``url``, carries identifying data: a referral number, an organization's name
    and the kind, never a person's name.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("notification_send must run inside the transaction of the change")
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError("A notification links to a path of OpenNRM, such as /referrals/<uuid>/")
    if not organization.is_active:
        return 0
    message = str(message)
    params = dict(params or {})
    if len(message) > MAX_MESSAGE:
        raise ValueError("A notification's message is a short sentence")
    recipients = User.objects.filter(
        is_active=True,
        memberships__organization=organization,
        memberships__is_active=True,
        memberships__role__in=_roles_holding(permission),
    )
    if exclude is not None:
        recipients = recipients.exclude(pk=exclude.pk)
    users = list(recipients.distinct().only("pk", "email"))
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            organization=organization,
            kind=kind,
            message=message,
            params=params,
            url=url,
        )
        for user in users
    )
    if users and settings.OPENNRM_EMAIL_NOTIFICATIONS:
        addresses = [user.email for user in users]
        text = render_message(message, params)
        transaction.on_commit(lambda: _send_emails(kind, text, url, addresses), robust=True)
    return len(users)


def _send_emails(kind: str, message: str, url: str, addresses: list[str]) -> None:
    """One e-mail per recipient (no one sees the others' addresses): the kind, the message and
    the link; what the notification holds and nothing more."""
    subject = f"OpenNRM: {Kind(kind).label}"
    link = f"{settings.OPENNRM_BASE_URL}{url}" if url else settings.OPENNRM_BASE_URL
    body = f"{message}\n\n{link}\n\n" + str(
        _("You receive this because you are a member of an organization in OpenNRM.")
    )
    for address in addresses:
        send_email.enqueue(subject=subject, body=body, to=[address])


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (again reading it changes nothing)."""
    try:
        notification = notification_visible(actor=actor).select_for_update().get(pk=notification.pk)
    except Notification.DoesNotExist:
        raise NotFound(_("No such notification.")) from None
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit_record(
            actor=actor,
            action=NotificationAction.READ,
            obj=notification,
            fields=["read_at"],
        )
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor (in the active organization) read."""
    count = (
        notification_visible(actor=actor)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    if count:
        audit_record(
            actor=actor,
            action=NotificationAction.READ_ALL,
            object_type=Notification._meta.label_lower,
            fields=["read_at"],
        )
    return count


# What the admins read about a role request, by the request's status; a cancelled request (the
# member's role was changed again, or the member deactivated) is in the audit log only.
ROLE_GRANT_MESSAGES = {
    RoleGrantStatus.PENDING: gettext_noop(
        "A role that reads identifying data was requested for a member and awaits another "
        "admin's approval."
    ),
    RoleGrantStatus.APPROVED: gettext_noop("A role that reads identifying data was approved."),
    RoleGrantStatus.REFUSED: gettext_noop(
        "A requested role that reads identifying data was refused."
    ),
}


def on_role_grant_changed(event: RoleGrantChanged) -> None:
    """Tell the organization's admins (all but the one acting) of a role request's step."""
    message = ROLE_GRANT_MESSAGES.get(RoleGrantStatus(event.grant.status))
    if message is None:
        return
    notification_send(
        organization=event.grant.membership.organization,
        kind=Kind.ROLE_GRANT,
        message=message,
        url=reverse("accounts:role_grant_list"),
        permission=perms.MEMBERS_MANAGE,
        exclude=event.actor.user,
    )
