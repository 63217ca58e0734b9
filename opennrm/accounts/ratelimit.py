"""Request rate limits: name searches and sign-in, per user and per address, answered with 429.

django-axes locks an account after failed sign-ins; this limits how fast anyone may ask at all:
300 name searches in 26 seconds were all answered before. Counts are fixed windows in Django's
cache. The default cache (local memory) counts per process, which is right for development and
tests; a server with several worker processes needs a shared cache (``CACHES``, e.g. Redis or
Memcached), or each process counts alone and the limit is multiplied by their number.

The limited routes are named below by URL name, so the pages and the API stay free of it; a test
checks that every name still resolves. Identifiers (a user's id, an address, an e-mail) enter
the cache keys only as keyed digests, under a key that changes every day (UTC): a counter read
out of the cache cannot be tied to an address, not even by someone who knows SECRET_KEY, once
the day is over. Counters live in the cache only, never in the database.

The public portal's tip form counts per address and for everyone together (``hit(..., everyone=
True)``): its view calls ``hit`` itself, to answer with a page of its own (decision 0026).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import ApiToken
from .services import token_digest

logger = logging.getLogger("opennrm.security")

NAME_SEARCH = "name_search"
SIGN_IN = "sign_in"
TOKEN_FAILURE = "token_failure"
PORTAL_TIP = "portal_tip"
PORTAL_TIPS = "portal_tips"

# scope -> window in seconds and how many requests a user and an address may make in it.
# Settings may override any of them: OPENNRM_RATE_LIMITS = {"name_search": {"per_user": 50}}.
DEFAULT_LIMITS: dict[str, dict[str, int]] = {
    # A case worker looks up a few names an hour; an office shares one address.
    NAME_SEARCH: {"window": 600, "per_user": 100, "per_address": 300},
    # Per e-mail typed in and per address; axes still locks after five failures.
    SIGN_IN: {"window": 600, "per_user": 20, "per_address": 100},
    # API requests with an unknown, expired or revoked bearer token, per address.
    TOKEN_FAILURE: {"window": 600, "per_user": 0, "per_address": 50},
    # The portal's anonymous tips: a person sends one or two; a flood is cut per address, and a
    # ceiling for all senders together holds off one spread over many addresses.
    PORTAL_TIP: {"window": 600, "per_user": 0, "per_address": 5},
    PORTAL_TIPS: {"window": 3600, "per_user": 0, "per_address": 0, "per_all": 200},
}

# (method, URL name) -> scope.
LIMITED_ROUTES: dict[tuple[str, str], str] = {
    ("POST", "cases:case_list"): NAME_SEARCH,  # the name search of the case list page
    ("POST", "api-v1:case_search"): NAME_SEARCH,
    ("POST", "accounts:login"): SIGN_IN,
}


def limits(scope: str) -> dict[str, int]:
    """The window and limits of ``scope``: the defaults, overridden by settings."""
    configured = getattr(settings, "OPENNRM_RATE_LIMITS", {}).get(scope, {})
    return {**DEFAULT_LIMITS[scope], **configured}


@dataclass(frozen=True)
class Refusal:
    scope: str
    retry_after: int  # seconds


DAY = 86_400


def _day_key(day: int) -> bytes:
    """The digest key of one UTC day, derived from SECRET_KEY: yesterday's is never used again."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"ratelimit:{day}".encode(), hashlib.sha256
    ).digest()


def _digest(value: str) -> str:
    key = _day_key(int(time.time() // DAY))
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def _keys(scope: str, who: dict[str, str]) -> list[tuple[str, int, str]]:
    """(cache key, limit, kind) for each identity of the request that has a limit."""
    rules = limits(scope)
    window_index = int(time.time() // rules["window"])
    return [
        (f"ratelimit:{scope}:{kind}:{_digest(value)}:{window_index}", rules[f"per_{kind}"], kind)
        for kind, value in who.items()
        if value and rules.get(f"per_{kind}", 0) > 0
    ]


def _who(user: str, address: str, everyone: bool) -> dict[str, str]:
    return {"user": user, "address": address, "all": "everyone" if everyone else ""}


def _retry_after(scope: str) -> int:
    window = limits(scope)["window"]
    return max(1, int(window - time.time() % window))


def hit(scope: str, *, user: str = "", address: str = "", everyone: bool = False) -> Refusal | None:
    """Count one request of ``user`` from ``address`` (and, with ``everyone``, of all senders
    together) in ``scope``; a refusal once any is over its limit in the current window."""
    window = limits(scope)["window"]
    refused = None
    for key, limit, kind in _keys(scope, _who(user, address, everyone)):
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 1)
            count = 1
        if count > limit and refused is None:
            refused = Refusal(scope, _retry_after(scope))
            logger.warning("rate limited: scope=%s per=%s", scope, kind)
    return refused


def over(
    scope: str, *, user: str = "", address: str = "", everyone: bool = False
) -> Refusal | None:
    """A refusal when ``user`` or ``address`` is already over the limit of ``scope``; counts
    nothing (for limits on failures, counted with ``hit`` once a request failed)."""
    for key, limit, _kind in _keys(scope, _who(user, address, everyone)):
        if (cache.get(key) or 0) >= limit:
            return Refusal(scope, _retry_after(scope))
    return None


def too_many_requests(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """429 with Retry-After: problem details for the API, a page for the rest."""
    minutes = max(1, round(refusal.retry_after / 60))
    detail = _("Too many requests. Try again in %(minutes)d min.") % {"minutes": minutes}
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "type": "about:blank",
                "title": _("Too many requests"),
                "status": 429,
                "code": "rate_limited",
                "detail": detail,
                "errors": [],
            },
            status=429,
            content_type="application/problem+json",
        )
    else:
        response = render(request, "accounts/rate_limited.html", {"detail": detail}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def client_address(request: HttpRequest) -> str:
    """The client's address as the limits count it (X-Forwarded-For behind the proxy, as
    settings say): for ``hit`` only, never to be stored or logged."""
    return get_client_ip_address(request) or ""


def _bearer(request: HttpRequest) -> str:
    scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
    return raw.strip() if scheme.lower() == "bearer" else ""


def _user_of(request: HttpRequest, scope: str) -> str:
    """Who the limit counts against: the signed-in user, the bearer token's user, or for sign-in
    the e-mail typed in."""
    if scope == SIGN_IN:
        return str(request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")).strip().lower()
    if request.user.is_authenticated:
        return str(request.user.pk)
    raw = _bearer(request)
    if raw:
        user = ApiToken.objects.filter(token_hash=token_digest(raw)).values_list(
            "membership__user_id", flat=True
        )
        return str(user.first() or "")
    return ""


class RateLimitMiddleware:
    """Refuse with 429 a limited route asked too often; count failed bearer tokens."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 401 and request.path.startswith("/api/") and _bearer(request):
            hit(TOKEN_FAILURE, address=client_address(request))
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        address = client_address(request)
        if request.path.startswith("/api/") and _bearer(request):
            refusal = over(TOKEN_FAILURE, address=address)
            if refusal is not None:
                return too_many_requests(request, refusal)
        match = request.resolver_match
        scope = LIMITED_ROUTES.get((request.method or "", match.view_name if match else ""))
        if scope is None:
            return None
        refusal = hit(scope, user=_user_of(request, scope), address=address)
        return too_many_requests(request, refusal) if refusal else None
