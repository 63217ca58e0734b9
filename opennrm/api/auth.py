"""API authentication: the browser session (with CSRF) or a personal bearer token."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie
from ninja.security.http import HttpAuthBase

from opennrm.accounts.services import api_token_authenticate
from opennrm.accounts.timezones import organization_zone
from opennrm.web import ActorRequest


class TokenAuth(HttpAuthBase):
    """``Authorization: Bearer onrm_…``: acts through the one membership the token is bound to."""

    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Any:
        scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            return None
        actor = api_token_authenticate(raw=raw.strip())
        if actor is None:
            return None
        request.actor = actor  # type: ignore[attr-defined]
        request.api_token_auth = True  # type: ignore[attr-defined]
        # The token's organization's zone for the rest of the request (OrganizationTimeZone
        # Middleware, which ran before the token was read, deactivates it at the end).
        timezone.activate(organization_zone(actor.organization))
        return actor


class SessionAuth(APIKeyCookie):
    """The signed-in browser session, with Django's CSRF check; two-factor was checked upstream."""

    param_name = "sessionid"  # for the OpenAPI description; the check below uses request.user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            return cast(ActorRequest, request).actor  # the middleware set it
        return None
