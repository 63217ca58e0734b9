"""Writes to organizations, users, memberships, role grants and API tokens (signing in, sessions,
two-factor devices and passwords: accounts.sessions).

Each service checks permission, validates, writes and appends its audit event in one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opennrm import events
from opennrm.audit.services import audit_record
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.validation import Checker, country_code_error, full_clean_or_raise, phone_to_e164

from . import permissions as perms
from .audit import AccountAction
from .events import RoleGrantChanged
from .models import (
    REASONABLE_GROUNDS_DAYS,
    REFLECTION_DAYS,
    ApiToken,
    IdentificationBy,
    Membership,
    Organization,
    Role,
    RoleGrant,
    RoleGrantStatus,
    User,
)
from .permissions import Actor, role_needs_second_person, role_permissions
from .selectors import (
    role_grant_may_decide,
)
from .sessions import sessions_end_for_user
from .tasks import send_set_password_email
from .timezones import time_zone_default


def _organization_clean(organization: Organization) -> None:
    errors: dict[str, list[str]] = {}
    message = country_code_error(organization.country)
    if message:
        errors["country"] = [message]
    if organization.phone:
        try:
            organization.phone = phone_to_e164(organization.phone, region=organization.country)
        except ValueError as exc:
            errors["phone"] = [str(exc)]
    try:
        full_clean_or_raise(organization)
    except ValidationFailed as exc:
        for name, messages in exc.errors.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)


ORGANIZATION_FIELDS = ("name", "org_type", "country", "city", "phone", "time_zone")


@transaction.atomic
def organization_create(
    *,
    actor: Actor,
    name: str,
    org_type: str,
    country: str,
    city: str = "",
    phone: str = "",
    time_zone: str = "",
) -> Organization:
    """Create an organization (platform admin only); its time zone is its country's unless given."""
    actor.require(perms.ORGANIZATIONS_MANAGE)
    organization = Organization(
        name=name.strip(),
        org_type=org_type,
        country=country,
        city=city.strip(),
        phone=phone,
        time_zone=time_zone.strip() or time_zone_default(country),
    )
    _organization_clean(organization)
    organization.save()
    audit_record(
        actor=actor,
        organization=organization,
        action=AccountAction.ORGANIZATION_CREATE,
        obj=organization,
        fields=ORGANIZATION_FIELDS,
    )
    return organization


@transaction.atomic
def organization_update(
    *, actor: Actor, organization: Organization, version: int, **changes: Any
) -> Organization:
    """Change an organization; refused if someone else changed it since ``version`` was read."""
    actor.require(perms.ORGANIZATIONS_MANAGE)
    return _organization_change(actor, organization, version, changes)


# What an organization's admin sets for their own organization (decision 0014 for the
# identification settings); each change is audited by name, like the time zone.
SETTINGS_FIELDS = (
    "time_zone",
    "identification_by",
    "reasonable_grounds_days",
    "reflection_days",
    "match_hints",  # decision 0021: the duplicate check across organizations, reciprocal
)


@transaction.atomic
def organization_settings_update(*, actor: Actor, version: int, **changes: Any) -> Organization:
    """The organization admin sets their own organization's time zone ("" for the country's),
    who decides identification, and its periods in days; a setting left out keeps its value."""
    actor.require(perms.ORGANIZATION_SETTINGS)
    organization = actor.active_organization
    check = Checker()
    check.unknown(changes, SETTINGS_FIELDS)
    values = {name: value for name, value in changes.items() if value is not None}
    if "identification_by" in values and values["identification_by"] not in IdentificationBy.values:
        check.add("identification_by", _("Choose one of the listed values."))
    for name, (low, high) in (
        ("reasonable_grounds_days", REASONABLE_GROUNDS_DAYS),
        ("reflection_days", REFLECTION_DAYS),
    ):
        if name in values:
            values[name] = check.integer(name, values[name], low=low, high=high, required=True)
    if "match_hints" in values and not isinstance(values["match_hints"], bool):
        check.add("match_hints", _("Choose yes or no."))
    check.raise_if_errors()
    return _organization_change(actor, organization, version, values)


def _organization_change(
    actor: Actor, organization: Organization, version: int, changes: dict[str, Any]
) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.version != version:
        raise Conflict(
            _("Someone else changed this organization while you were editing. Reload and retry.")
        )
    changed = []
    for name, value in changes.items():
        if name not in ORGANIZATION_FIELDS + SETTINGS_FIELDS and name != "is_active":
            raise ValidationFailed(_("Unknown field."), errors={name: [_("Unknown field.")]})
        if name == "time_zone":
            value = str(value or "").strip() or time_zone_default(
                changes.get("country", organization.country)
            )
        if getattr(organization, name) != value:
            setattr(organization, name, value)
            changed.append(name)
    if not changed:
        return organization
    _organization_clean(organization)
    organization.version += 1
    organization.save()
    audit_record(
        actor=actor,
        organization=organization,
        action=AccountAction.ORGANIZATION_UPDATE,
        obj=organization,
        fields=changed,
    )
    return organization


def _may_manage_members_of(actor: Actor, organization: Organization) -> bool:
    if actor.can(perms.ORGANIZATIONS_MANAGE):
        return True
    return actor.can(perms.MEMBERS_MANAGE) and actor.organization == organization


# The rule a refused change of one's own access is recorded under (opennrm.audit.denials).
OWN_ACCESS_RULE = "members.not_own"


def _refuse_own_access(actor: Actor, user: User) -> None:
    """Nobody changes their own role or memberships: an admin who made themselves a supervisor
    would read every case and person of the organization."""
    if user.pk == actor.user.pk:
        raise PermissionDenied(
            _("Nobody may change their own role or memberships. Ask another admin."),
            rule=OWN_ACCESS_RULE,
        )


@transaction.atomic
def membership_create(
    *,
    actor: Actor,
    organization: Organization,
    email: str,
    full_name: str,
    role: str,
    password: str | None = None,
    is_demo: bool = False,
) -> Membership:
    """Give a user (created if new) a role in an organization.

    A new user without a password gets an e-mail with a link to set one. Demo users exist only
    in demo mode.
    """
    if not _may_manage_members_of(actor, organization):
        raise PermissionDenied(_("You do not have permission to do this."))
    if is_demo and not settings.DEMO_MODE:
        raise PermissionDenied(_("Demo users can only be created in demo mode."))
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), errors={"role": [_("Unknown role.")]})
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email=email).first()
    created_user = user is None
    if user is None:
        user = User(email=email, full_name=full_name.strip(), is_demo=is_demo)
        full_clean_or_raise(user, exclude=["password"])
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit_record(
            actor=actor,
            organization=organization,
            action=AccountAction.USER_CREATE,
            obj=user,
            fields=["email", "full_name", "password"],
        )
    elif user.is_superuser:
        raise ValidationFailed(
            _("The platform admin cannot hold a role in an organization."),
            errors={"email": [_("The platform admin cannot hold a role in an organization.")]},
        )
    else:
        _refuse_own_access(actor, user)
    if Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationFailed(
            _("This user is already a member of the organization."),
            errors={"email": [_("This user is already a member of the organization.")]},
        )
    # A role reading identifying data waits, inactive, for a second person's approval.
    pending = _needs_second_person(actor, role=role)
    membership = Membership.objects.create(
        user=user, organization=organization, role=role, is_active=not pending
    )
    audit_record(
        actor=actor,
        organization=organization,
        action=AccountAction.MEMBERSHIP_CREATE,
        obj=membership,
        fields=["user", "organization", "role", "is_active"],
    )
    if pending:
        _role_grant_request(actor=actor, membership=membership, role=role, activates=True)
    if created_user and not password:
        transaction.on_commit(lambda: _send_set_password_email(user))
    return membership


def _send_set_password_email(user: User) -> None:
    # Only the user's id goes into the queue: the task builds the link when it sends it.
    send_set_password_email.enqueue(user_id=str(user.uuid))


@transaction.atomic
def membership_change_role(*, actor: Actor, membership: Membership, role: str) -> Membership:
    """Change a member's role in the actor's organization."""
    if not _may_manage_members_of(actor, membership.organization):
        raise PermissionDenied(_("You do not have permission to do this."))
    _refuse_own_access(actor, membership.user)
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), errors={"role": [_("Unknown role.")]})
    if not membership.is_active:
        raise ValidationFailed(_("This membership is not active."))
    if membership.role == role:
        _role_grants_cancel(actor=actor, membership=membership)
        return membership
    granted = role_permissions(role) - role_permissions(membership.role)
    if membership.is_active and granted and _needs_second_person(actor, role=role):
        _role_grant_request(actor=actor, membership=membership, role=role, activates=False)
        return membership
    _role_grants_cancel(actor=actor, membership=membership)
    _role_apply(actor=actor, membership=membership, role=role, activate=False)
    return membership


def _role_apply(*, actor: Actor, membership: Membership, role: str, activate: bool) -> None:
    fields = ["role", "is_active"] if activate else ["role"]
    membership.role = role
    if activate:
        membership.is_active = True
    membership.save(update_fields=fields)
    audit_record(
        actor=actor,
        organization=membership.organization,
        action=AccountAction.MEMBERSHIP_CHANGE_ROLE,
        obj=membership,
        fields=fields,
    )
    # A new role may need two-factor, or grant more: make the user sign in again.
    sessions_end_for_user(user=membership.user)


def _needs_second_person(actor: Actor, *, role: str) -> bool:
    """An organization admin's grant of a role reading identifying data (or managing members)
    waits for another person. The platform admin's takes effect at once: it sets organizations
    up, and is the approver where an organization has no other admin (decision 0012)."""
    return role_needs_second_person(role) and not actor.can(perms.ORGANIZATIONS_MANAGE)


def _role_grant_request(
    *, actor: Actor, membership: Membership, role: str, activates: bool
) -> RoleGrant:
    _role_grants_cancel(actor=actor, membership=membership)
    grant = RoleGrant.objects.create(
        membership=membership, role=role, activates=activates, requested_by=actor.user
    )
    audit_record(
        actor=actor,
        organization=membership.organization,
        action=AccountAction.ROLE_GRANT_REQUEST,
        obj=grant,
        fields=["membership", "role", "activates"],
    )
    events.publish(RoleGrantChanged(actor=actor, grant=grant))
    return grant


def _role_grants_cancel(*, actor: Actor, membership: Membership) -> None:
    """An open request is overtaken by a newer change of the membership."""
    for grant in RoleGrant.objects.select_for_update().filter(
        membership=membership, status=RoleGrantStatus.PENDING
    ):
        _role_grant_close(actor=actor, grant=grant, status=RoleGrantStatus.CANCELLED)


_ROLE_GRANT_ACTIONS = {
    RoleGrantStatus.APPROVED: AccountAction.ROLE_GRANT_APPROVE,
    RoleGrantStatus.REFUSED: AccountAction.ROLE_GRANT_REFUSE,
    RoleGrantStatus.CANCELLED: AccountAction.ROLE_GRANT_CANCEL,
}


def _role_grant_close(*, actor: Actor, grant: RoleGrant, status: str) -> None:
    grant.status = status
    grant.decided_by = actor.user
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        organization=grant.membership.organization,
        action=_ROLE_GRANT_ACTIONS[RoleGrantStatus(status)],
        obj=grant,
        fields=["status", "decided_by", "decided_at"],
    )
    events.publish(RoleGrantChanged(actor=actor, grant=grant))


def _role_grant_for_decision(*, actor: Actor, grant: RoleGrant) -> RoleGrant:
    grant = (
        RoleGrant.objects.select_for_update()
        .select_related("membership__organization", "membership__user")
        .get(pk=grant.pk)
    )
    if not role_grant_may_decide(actor=actor, grant=grant):
        raise PermissionDenied(
            _("Another admin decides on this role: never the one who asked, nor the member."),
            rule="members.role_grant_decide",
        )
    if grant.status != RoleGrantStatus.PENDING:
        raise Conflict(_("This request was already decided."))
    return grant


@transaction.atomic
def role_grant_approve(*, actor: Actor, grant: RoleGrant) -> RoleGrant:
    """Approve a requested role: the member holds it from now (and signs in again)."""
    grant = _role_grant_for_decision(actor=actor, grant=grant)
    membership = Membership.objects.select_for_update().get(pk=grant.membership_id)
    _role_grant_close(actor=actor, grant=grant, status=RoleGrantStatus.APPROVED)
    _role_apply(actor=actor, membership=membership, role=grant.role, activate=grant.activates)
    return grant


@transaction.atomic
def role_grant_refuse(*, actor: Actor, grant: RoleGrant) -> RoleGrant:
    """Refuse a requested role: the member keeps the role they had (a new member stays inactive)."""
    grant = _role_grant_for_decision(actor=actor, grant=grant)
    _role_grant_close(actor=actor, grant=grant, status=RoleGrantStatus.REFUSED)
    return grant


@transaction.atomic
def membership_deactivate(*, actor: Actor, membership: Membership) -> Membership:
    """End a member's access to the organization; the user's sessions and its tokens end too.

    A user left with no active membership is deactivated.
    """
    if not _may_manage_members_of(actor, membership.organization):
        raise PermissionDenied(_("You do not have permission to do this."))
    _refuse_own_access(actor, membership.user)
    _membership_end(actor=actor, membership=membership)
    ApiToken.objects.filter(membership=membership, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    user = membership.user
    if not user.memberships.filter(is_active=True).exists() and not user.is_superuser:
        _user_deactivate(actor=actor, user=user, organization=membership.organization)
    else:
        sessions_end_for_user(user=user)
    return membership


def _membership_end(*, actor: Actor, membership: Membership) -> None:
    """Deactivate one membership: its pending role requests are cancelled, the change audited."""
    _role_grants_cancel(actor=actor, membership=membership)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        organization=membership.organization,
        action=AccountAction.MEMBERSHIP_DEACTIVATE,
        obj=membership,
        fields=["is_active"],
    )


def _user_deactivate(*, actor: Actor, user: User, organization: Organization | None) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(membership__user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_record(
        actor=actor,
        organization=organization,
        action=AccountAction.USER_DEACTIVATE,
        obj=user,
        fields=["is_active"],
    )
    sessions_end_for_user(user=user)


@transaction.atomic
def user_deactivate(*, actor: Actor, user: User) -> User:
    """Deactivate a user everywhere: memberships, sessions and tokens end at once.

    The platform admin may deactivate anyone else; an organization admin, a member of their
    organization who holds no active role in another one (that organization's admins decide
    there: deactivate the membership instead). Never oneself.
    """
    organization = None
    memberships = Membership.objects.filter(user=user)
    if not actor.can(perms.ORGANIZATIONS_MANAGE):
        actor.require(perms.MEMBERS_MANAGE)
        organization = actor.active_organization
        if not memberships.filter(organization=organization).exists():
            raise NotFound(_("No such member."))
    _refuse_own_access(actor, user)
    elsewhere = memberships.filter(is_active=True).exclude(organization=organization)
    if organization is not None and elsewhere.exists():
        raise ValidationFailed(
            _(
                "This user also works for another organization: deactivate their membership "
                "here instead."
            )
        )
    if user.is_superuser:
        raise PermissionDenied(_("You do not have permission to do this."))
    for membership in Membership.objects.select_for_update().filter(user=user, is_active=True):
        _membership_end(actor=actor, membership=membership)
    _user_deactivate(actor=actor, user=user, organization=organization)
    return user


def token_digest(raw: str) -> str:
    """How an API token is kept and looked up: its SHA-256, never the token."""
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Actor, name: str, days: int = 30) -> tuple[ApiToken, str]:
    """A new personal token bound to the active membership; the raw token is shown once."""
    actor.require(perms.TOKENS_MANAGE)
    if actor.membership is None:  # the platform admin acts through no membership
        raise PermissionDenied(_("An API token belongs to a membership of an organization."))
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the token a name.")]
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        errors["days"] = [
            _("Choose between 1 and %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}
        ]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)
    raw = "onrm_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        membership=actor.membership,
        name=name.strip()[:100],
        prefix=raw[:12],
        token_hash=token_digest(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action=AccountAction.API_TOKEN_CREATE,
        obj=token,
        fields=["name", "expires_at"],
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's tokens at once."""
    actor.require(perms.TOKENS_MANAGE)
    if token.membership_id != getattr(actor.membership, "pk", None):
        raise PermissionDenied(_("You do not have permission to do this."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AccountAction.API_TOKEN_REVOKE,
            obj=token,
            fields=["revoked_at"],
        )
    return token


def api_token_authenticate(*, raw: str) -> Actor | None:
    """The actor a raw bearer token stands for, or None if unknown, expired or revoked."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("membership__user", "membership__organization")
        .filter(
            token_hash=token_digest(raw),
            revoked_at__isnull=True,
            expires_at__gt=now,
            membership__is_active=True,
            membership__user__is_active=True,
            membership__organization__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return Actor.of(token.membership.user, token.membership)


@transaction.atomic
def platform_admin_create(
    *, email: str, password: str | None, full_name: str = "", is_demo: bool = False
) -> User:
    """Bootstrap a platform admin (from the command line, so there is no acting user yet)."""
    if is_demo and not settings.DEMO_MODE:
        raise PermissionDenied(_("Demo users can only be created in demo mode."))
    user = User(
        email=User.objects.normalize_email(email).lower(),
        full_name=full_name,
        is_superuser=True,
        is_staff=True,
        is_demo=is_demo,
    )
    full_clean_or_raise(user, exclude=["password"])
    user.set_password(password)
    user.save()
    audit_record(
        actor=Actor(user=user),
        action=AccountAction.USER_CREATE_PLATFORM_ADMIN,
        obj=user,
        fields=["email", "full_name", "password"],
    )
    return user
