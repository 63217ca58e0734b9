"""Reads of accounts data, always on behalf of an actor."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet

from opennrm.audit.models import AuditEvent
from opennrm.audit.services import ACCESS_DENIED
from opennrm.errors import NotFound

from . import permissions as perms
from .models import (
    ApiToken,
    Membership,
    Organization,
    Role,
    RoleGrant,
    RoleGrantStatus,
    User,
    UserSession,
)
from .permissions import Actor

# What a session holds besides the user: the active membership, when it began, when last seen.
SESSION_MEMBERSHIP_KEY = "opennrm_membership"
SESSION_STARTED_KEY = "opennrm_started"
SESSION_SEEN_KEY = "opennrm_seen"


def session_key_hash(session_key: str) -> str:
    """How a session is found in ``UserSession``: the key itself is a secret."""
    return hashlib.sha256(session_key.encode()).hexdigest()


@dataclass(frozen=True)
class SessionRow:
    session: UserSession
    last_seen: datetime | None
    current: bool


def session_list_own(*, user: User, current_key: str) -> list[SessionRow]:
    """The user's own sessions, newest first, with when each was last used (from the session
    store) and which one is this."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    current = session_key_hash(current_key)
    rows = []
    for session in UserSession.objects.filter(user=user):
        seen = store(session_key=session.session_key).load().get(SESSION_SEEN_KEY)
        last_seen = datetime.fromtimestamp(seen, tz=UTC) if seen else None
        rows.append(SessionRow(session, last_seen, session.key_hash == current))
    return rows


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The active memberships a user may switch between."""
    return Membership.objects.filter(
        user=user, is_active=True, organization__is_active=True
    ).select_related("organization")


def membership_get_for_user(*, user: User, membership_id: UUID | str) -> Membership:
    """One of the user's own active memberships."""
    try:
        return membership_list_for_user(user=user).get(uuid=membership_id)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such membership.") from None


def member_list(*, actor: Actor) -> QuerySet[Membership]:
    """The memberships of the actor's active organization."""
    actor.require(perms.MEMBERS_VIEW)
    return (
        Membership.objects.filter(organization=actor.organization)
        .select_related("user")
        .order_by("-is_active", "user__email")
    )


def member_get(*, actor: Actor, membership_id: UUID | str) -> Membership:
    """One membership of the actor's organization; other organizations' are not found."""
    actor.require(perms.MEMBERS_VIEW)
    try:
        return member_list(actor=actor).get(uuid=membership_id)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such member.") from None


def organization_list(*, actor: Actor) -> QuerySet[Organization]:
    """Every organization, for the platform admin."""
    actor.require(perms.ORGANIZATIONS_MANAGE)
    return Organization.objects.all()


def organization_get(*, actor: Actor, organization_id: UUID | str) -> Organization:
    actor.require(perms.ORGANIZATIONS_MANAGE)
    try:
        return Organization.objects.get(uuid=organization_id)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such organization.") from None


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own tokens for the active membership."""
    actor.require(perms.TOKENS_MANAGE)
    return ApiToken.objects.filter(membership=actor.membership)


def api_token_get(*, actor: Actor, token_id: UUID | str) -> ApiToken:
    try:
        return api_token_list(actor=actor).get(uuid=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such token.") from None


def access_denial_list(*, actor: Actor, limit: int = 100) -> list[AuditEvent]:
    """The newest refused accesses of members acting for the actor's organization."""
    actor.require(perms.ACCESS_DENIALS_VIEW)
    return list(
        AuditEvent.objects.filter(organization=actor.organization, action=ACCESS_DENIED)
        .select_related("actor")
        .order_by("-id")[:limit]
    )


def role_grant_may_decide(*, actor: Actor, grant: RoleGrant) -> bool:
    """Another admin of the grant's organization decides: never the one who asked, never the
    member it is for; the platform admin only where the organization has no other admin."""
    membership = grant.membership
    if actor.user.pk in (grant.requested_by_id, membership.user_id):
        return False
    if actor.can(perms.MEMBERS_MANAGE) and actor.organization == membership.organization:
        return True
    if not actor.can(perms.ORGANIZATIONS_MANAGE):
        return False
    other_admins = Membership.objects.filter(
        organization=membership.organization,
        role=Role.ORGANIZATION_ADMIN,
        is_active=True,
        user__is_active=True,
    ).exclude(user_id__in=[grant.requested_by_id, membership.user_id])
    return not other_admins.exists()


def _pending_grants() -> QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(status=RoleGrantStatus.PENDING).select_related(
        "membership__user", "membership__organization", "requested_by"
    )


def role_grant_list(*, actor: Actor) -> list[RoleGrant]:
    """Pending role requests the actor sees: their organization's (admins), or those the
    platform admin must decide because the organization has no other admin."""
    if actor.can(perms.MEMBERS_MANAGE):
        return list(_pending_grants().filter(membership__organization=actor.organization))
    if actor.can(perms.ORGANIZATIONS_MANAGE):
        return [g for g in _pending_grants() if role_grant_may_decide(actor=actor, grant=g)]
    return []


def role_grant_get(*, actor: Actor, grant_id: UUID | str) -> RoleGrant:
    """One pending request from ``role_grant_list``; any other is not found."""
    for grant in role_grant_list(actor=actor):
        if str(grant.uuid) == str(grant_id):
            return grant
    raise NotFound("No such request.")


def role_grant_pending_of(*, actor: Actor, memberships: list[Membership]) -> dict[int, RoleGrant]:
    """The open role request of each membership (of the actor's organization), by membership."""
    actor.require(perms.MEMBERS_VIEW)
    grants = _pending_grants().filter(
        membership__in=memberships, membership__organization=actor.organization
    )
    return {grant.membership_id: grant for grant in grants}
