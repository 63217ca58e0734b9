"""Signing in and out, the signed-in user's own sessions, two-factor devices and passwords.

Each service writes and appends its audit event in one transaction, like accounts.services; the
ones that act on the request's session take the request.
"""

from __future__ import annotations

from importlib import import_module
from uuid import UUID

from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from opennrm.audit.services import audit_record
from opennrm.errors import NotFound, PermissionDenied, ValidationFailed

from .audit import AccountAction
from .models import Membership, User, UserSession
from .permissions import Actor
from .selectors import (
    SESSION_MEMBERSHIP_KEY,
    SESSION_SEEN_KEY,
    SESSION_STARTED_KEY,
    membership_get_for_user,
    session_key_hash,
)


def _signed_in(request: HttpRequest) -> User:
    """The request's user, who must be signed in (the views behind these services see to it)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied(_("Sign in first."))
    return user


def sessions_end_for_user(*, user: User, keep: str | None = None) -> int:
    """Delete every session the user holds (but ``keep``, a session key); returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = UserSession.objects.filter(user=user)
    if keep:
        ended = ended.exclude(key_hash=session_key_hash(keep))
    sessions = list(ended)
    for session in sessions:
        store(session_key=session.session_key).delete()
    UserSession.objects.filter(pk__in=[s.pk for s in sessions]).delete()
    return len(sessions)


def device_summary(user_agent: str) -> str:
    """ "Firefox on Windows": enough to recognise one's device in the list of sessions."""
    browsers = (
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("YaBrowser", "Yandex Browser"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    )
    systems = (
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    )
    browser = next((name for mark, name in browsers if mark in user_agent), "")
    system = next((name for mark, name in systems if mark in user_agent), "")
    if browser and system:
        return f"{browser} / {system}"
    return browser or system or ""


def session_record(*, user: User, session_key: str, user_agent: str = "") -> UserSession:
    """Remember a session of ``user`` (by its key's digest; the key itself encrypted)."""
    session, _created = UserSession.objects.get_or_create(
        key_hash=session_key_hash(session_key),
        defaults={
            "user": user,
            "session_key": session_key,
            "device": device_summary(user_agent)[:100],
        },
    )
    return session


@transaction.atomic
def session_start(*, request: HttpRequest, user: User) -> None:
    """Sign a user in: rotate the session, remember it for deactivation, audit the login."""
    django_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    now = timezone.now().timestamp()
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_SEEN_KEY] = now
    request.session.save()
    session_record(
        user=user,
        session_key=request.session.session_key or "",
        user_agent=request.headers.get("User-Agent", ""),
    )
    membership = membership_list_default(user=user)
    if membership is not None:
        request.session[SESSION_MEMBERSHIP_KEY] = str(membership.uuid)
    audit_record(
        actor=Actor(user=user),
        organization=membership.organization if membership else None,
        action=AccountAction.SESSION_LOGIN,
        obj=user,
    )


def membership_list_default(*, user: User) -> Membership | None:
    return (
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("created_at")
        .first()
    )


@transaction.atomic
def session_end(*, request: HttpRequest, reason: str = "logout") -> None:
    """Sign out, forgetting the session everywhere; audited."""
    user = request.user
    if user.is_authenticated:
        key = request.session.session_key
        actor = getattr(request, "actor", None)
        audit_record(
            actor=Actor(user=user),
            organization=actor.organization if actor else None,
            action=AccountAction(f"session.{reason}"),
            obj=user,
        )
        if key:
            UserSession.objects.filter(key_hash=session_key_hash(key)).delete()
    django_logout(request)


@transaction.atomic
def session_end_other(*, request: HttpRequest, session_id: UUID | str) -> None:
    """End one of the signed-in user's other sessions (sign out there); audited."""
    user = _signed_in(request)
    session = UserSession.objects.filter(user_id=user.pk, uuid=session_id).first()
    current = session_key_hash(request.session.session_key or "")
    if session is None or session.key_hash == current:
        raise NotFound(_("No such session."))
    store = import_module(settings.SESSION_ENGINE).SessionStore
    store(session_key=session.session_key).delete()
    session.delete()
    audit_record(actor=Actor(user=user), action=AccountAction.SESSION_END_OTHER, obj=user)


@transaction.atomic
def sessions_end_others(*, request: HttpRequest) -> int:
    """End every session of the signed-in user but this one; audited; returns how many."""
    user = _signed_in(request)
    ended = sessions_end_for_user(user=user, keep=request.session.session_key or "")
    audit_record(actor=Actor(user=user), action=AccountAction.SESSION_END_OTHERS, obj=user)
    return ended


@transaction.atomic
def password_change(*, request: HttpRequest, old_password: str, new_password: str) -> None:
    """The signed-in user changes their password: the old one first, then Django's password
    validators; every other session ends, this one goes on. Audited."""
    user = _signed_in(request)
    if not user.check_password(old_password):
        raise ValidationFailed.of({"old_password": [_("Your old password is not right.")]})
    try:
        validate_password(new_password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed.of({"new_password1": list(exc.messages)}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(
        actor=Actor(user=user),
        action=AccountAction.PASSWORD_CHANGE,
        obj=user,
        fields=["password"],
    )
    old_key = request.session.session_key or ""
    update_session_auth_hash(request, user)  # a new session key, still signed in
    new_key = request.session.session_key or ""
    UserSession.objects.filter(key_hash=session_key_hash(old_key)).delete()
    session_record(user=user, session_key=new_key, user_agent=request.headers.get("User-Agent", ""))
    sessions_end_for_user(user=user, keep=new_key)


@transaction.atomic
def active_membership_switch(
    *, request: HttpRequest, user: User, membership_id: UUID | str
) -> Membership:
    """Make one of the user's memberships the active one; every later event names it."""
    membership = membership_get_for_user(user=user, membership_id=membership_id)
    request.session[SESSION_MEMBERSHIP_KEY] = str(membership.uuid)
    audit_record(
        actor=Actor(user=user),
        organization=membership.organization,
        action=AccountAction.SESSION_SWITCH_ORGANIZATION,
        obj=membership,
    )
    return membership


def two_factor_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator, made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def two_factor_enrol(*, request: HttpRequest, user: User, token: str) -> bool:
    """Confirm the new authenticator with a code from it; the session becomes verified."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise PermissionDenied(_("An authenticator is already enrolled."))
    device = two_factor_device_for_enrolment(user=user)
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit_record(actor=Actor(user=user), action=AccountAction.TWO_FACTOR_ENROL, obj=user)
    return True


@transaction.atomic
def two_factor_verify(*, request: HttpRequest, user: User, token: str) -> bool:
    """Check a code from the user's authenticator; a code is accepted once only."""
    for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
        if device.verify_token(token.strip()):
            otp_login(request, device)
            audit_record(actor=Actor(user=user), action=AccountAction.TWO_FACTOR_VERIFY, obj=user)
            return True
    audit_record(actor=Actor(user=user), action=AccountAction.TWO_FACTOR_FAIL, obj=user)
    return False


@transaction.atomic
def password_set(*, user: User, password: str, reset: bool) -> None:
    """Record a password change; two-factor devices stay, so a reset never bypasses them."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=Actor(user=user),
        action=AccountAction.PASSWORD_RESET if reset else AccountAction.PASSWORD_CHANGE,
        obj=user,
        fields=["password"],
    )
    sessions_end_for_user(user=user)
