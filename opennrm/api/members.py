"""The members API, /api/v1/members: the active organization's members, their roles, deactivation.

The same selectors and services as the members pages: nobody changes their own role or
membership (403 problem+json), and a role that reads identifying data, asked for by an
organization admin, waits for a second admin's approval (``pending_role``; decided on the
role-requests page).

No ``from __future__ import annotations`` here: django-ninja reads the parameter annotations of
paginated operations through its decorator, where string annotations cannot be resolved.
"""

from datetime import datetime
from uuid import UUID

from ninja import Router, Schema
from ninja.pagination import paginate

from opennrm.accounts import permissions as perms
from opennrm.accounts import selectors, services
from opennrm.accounts.models import Membership, Role, RoleGrant
from opennrm.accounts.permissions import Actor
from opennrm.api import common
from opennrm.api.common import ERRORS, In
from opennrm.api.pagination import Page
from opennrm.web import ActorRequest

router = Router(tags=["members"])


class MemberOut(Schema):
    id: UUID
    user_id: UUID
    email: str
    full_name: str
    role: Role
    is_active: bool
    # The role asked for and awaiting a second admin's approval, if any.
    pending_role: Role | None = None


class MemberRoleIn(In):
    role: Role


def _member_out(actor: Actor, membership: Membership, pending: RoleGrant | None) -> MemberOut:
    return MemberOut(
        id=membership.uuid,
        user_id=membership.user.uuid,
        email=membership.user.email,
        full_name=membership.user.full_name,
        role=Role(membership.role),
        is_active=membership.is_active,
        pending_role=Role(pending.role) if pending else None,
    )


def _one(actor: Actor, membership: Membership) -> MemberOut:
    pending = selectors.role_grant_pending_of(actor=actor, memberships=[membership])
    return _member_out(actor, membership, pending.get(membership.pk))


class RoleRequestOut(Schema):
    id: UUID
    member_id: UUID
    email: str
    role: Role
    requested_by: str
    requested_at: datetime
    # Whether the caller may approve or refuse it (never the one who asked, nor the member).
    may_decide: bool


def _request_out(actor: Actor, grant: RoleGrant) -> RoleRequestOut:
    return RoleRequestOut(
        id=grant.uuid,
        member_id=grant.membership.uuid,
        email=grant.membership.user.email,
        role=Role(grant.role),
        requested_by=grant.requested_by.email,
        requested_at=grant.requested_at,
        may_decide=selectors.role_grant_may_decide(actor=actor, grant=grant),
    )


@router.get("/role-requests", response={200: list[RoleRequestOut], **ERRORS})
def role_request_list(request: ActorRequest) -> list[RoleRequestOut]:
    """Roles reading identifying data asked for in the organization, awaiting a second admin."""
    actor = common.actor(request)
    actor.require(perms.MEMBERS_MANAGE)
    return [_request_out(actor, grant) for grant in selectors.role_grant_list(actor=actor)]


@router.post("/role-requests/{grant_id}/approve", response={200: MemberOut, **ERRORS})
def role_request_approve(request: ActorRequest, grant_id: UUID) -> MemberOut:
    """Approve a role request (another admin than the one who asked): the member holds it now."""
    actor = common.actor(request)
    actor.require(perms.MEMBERS_MANAGE)
    grant = services.role_grant_approve(
        actor=actor, grant=selectors.role_grant_get(actor=actor, grant_id=grant_id)
    )
    grant.membership.refresh_from_db()
    return _one(actor, grant.membership)


@router.post("/role-requests/{grant_id}/refuse", response={200: MemberOut, **ERRORS})
def role_request_refuse(request: ActorRequest, grant_id: UUID) -> MemberOut:
    """Refuse a role request: the member keeps the role they had."""
    actor = common.actor(request)
    actor.require(perms.MEMBERS_MANAGE)
    grant = services.role_grant_refuse(
        actor=actor, grant=selectors.role_grant_get(actor=actor, grant_id=grant_id)
    )
    return _one(actor, grant.membership)


@router.get("", response={200: list[MemberOut], **ERRORS})
@paginate(Page)
def member_list(request: ActorRequest) -> list[MemberOut]:
    """The members of the active organization, active first."""
    actor = common.actor(request)
    members = list(selectors.member_list(actor=actor))
    pending = selectors.role_grant_pending_of(actor=actor, memberships=members)
    return [_member_out(actor, m, pending.get(m.pk)) for m in members]


@router.get("/{membership_id}", response={200: MemberOut, **ERRORS})
def member_get(request: ActorRequest, membership_id: UUID) -> MemberOut:
    actor = common.actor(request)
    return _one(actor, selectors.member_get(actor=actor, membership_id=membership_id))


@router.post("/{membership_id}/role", response={200: MemberOut, **ERRORS})
def member_change_role(
    request: ActorRequest, membership_id: UUID, payload: MemberRoleIn
) -> MemberOut:
    """Change a member's role (never one's own); one reading identifying data may wait for a
    second admin (``pending_role``)."""
    # Managing members first: a role without it is refused (403) before any lookup.
    actor = common.actor(request, require=perms.MEMBERS_MANAGE)
    membership = selectors.member_get(actor=actor, membership_id=membership_id)
    membership = services.membership_change_role(
        actor=actor, membership=membership, role=payload.role
    )
    return _one(actor, membership)


@router.post("/{membership_id}/deactivate", response={200: MemberOut, **ERRORS})
def member_deactivate(request: ActorRequest, membership_id: UUID) -> MemberOut:
    """End a member's access to the organization; their sessions and tokens end too."""
    # Managing members first: a role without it is refused (403) before any lookup.
    actor = common.actor(request, require=perms.MEMBERS_MANAGE)
    membership = selectors.member_get(actor=actor, membership_id=membership_id)
    membership = services.membership_deactivate(actor=actor, membership=membership)
    return _one(actor, membership)


@router.post("/{membership_id}/deactivate-user", response={200: MemberOut, **ERRORS})
def member_deactivate_user(request: ActorRequest, membership_id: UUID) -> MemberOut:
    """Deactivate the member's user account everywhere; refused (422) when they also work for
    another organization, whose admins decide there."""
    # Managing members first: a role without it is refused (403) before any lookup.
    actor = common.actor(request, require=perms.MEMBERS_MANAGE)
    membership = selectors.member_get(actor=actor, membership_id=membership_id)
    services.user_deactivate(actor=actor, user=membership.user)
    membership.refresh_from_db()
    return _one(actor, membership)
