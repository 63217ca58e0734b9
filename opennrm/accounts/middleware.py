"""Request id, session lifetime, the active membership, its time zone and the two-factor gate."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django_otp.plugins.otp_totp.models import TOTPDevice

from opennrm.audit.context import request_id

from .permissions import Actor, requires_two_factor
from .selectors import (
    SESSION_MEMBERSHIP_KEY,
    SESSION_SEEN_KEY,
    SESSION_STARTED_KEY,
    membership_list_for_user,
)
from .sessions import session_end
from .timezones import organization_zone

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdMiddleware:
    """Give each request an id (or keep the proxy's), for audit events and the response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        value = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(value)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = value
        return response


class SessionLifetimeMiddleware:
    """End a session after 30 minutes idle or 12 hours in all (settings say how long)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.get(SESSION_STARTED_KEY, 0)
            seen = request.session.get(SESSION_SEEN_KEY, 0)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if now - seen > idle or now - started > absolute:
                session_end(request=request, reason="expired")
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                return redirect(settings.LOGIN_URL)
            request.session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


def _actor_for(request: HttpRequest) -> Actor | None:
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = membership_list_for_user(user=user)
    chosen = request.session.get(SESSION_MEMBERSHIP_KEY)
    membership = None
    if chosen:
        membership = next((m for m in memberships if str(m.uuid) == chosen), None)
    if membership is None:
        membership = next(iter(memberships), None)
    return Actor.of(user, membership)


class ActiveMembershipMiddleware:
    """``request.actor``: the user acting through the membership chosen in the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: _actor_for(request))  # type: ignore[attr-defined]
        return self.get_response(request)


class OrganizationTimeZoneMiddleware:
    """Run the request in the active organization's time zone: pages show and forms read local
    time. Anonymous requests, and users without an organization, stay in ``TIME_ZONE`` (UTC).
    The API's token authentication activates the token's organization the same way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor = getattr(request, "actor", None) if request.user.is_authenticated else None
        if actor is not None and actor.organization is not None:
            timezone.activate(organization_zone(actor.organization))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


# Pages a signed-in user may reach before completing two-factor.
_TWO_FACTOR_OPEN = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/accounts/password-reset/",
    "/static/",
    "/i18n/",
)


def two_factor_pending(request: HttpRequest) -> bool:
    """True when this session's user must still pass two-factor."""
    user = request.user
    if not user.is_authenticated:
        return False
    # OTPMiddleware adds is_verified(); a user signed in during this request has not verified yet.
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    if settings.DEMO_MODE and user.is_demo:
        return False
    return requires_two_factor(user)


class TwoFactorRequiredMiddleware:
    """Send users whose role needs two-factor to enrol or verify before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(_TWO_FACTOR_OPEN) or not two_factor_pending(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "type": "about:blank",
                    "title": "Two-factor verification required",
                    "status": 403,
                    "code": "two_factor_required",
                },
                status=403,
                content_type="application/problem+json",
            )
        if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            return redirect("accounts:two_factor_verify")
        return redirect("accounts:two_factor_setup")
