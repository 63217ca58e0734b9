"""Serve the portal alone when the request is for ``OPENNRM_PORTAL_HOST``."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class PortalHostMiddleware:
    """A request for the portal's own host name sees only the portal's URLs, at the root."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host = settings.OPENNRM_PORTAL_HOST
        if host and request.get_host().split(":")[0].lower() == host.lower():
            request.urlconf = "opennrm.portal.host_urls"
        return self.get_response(request)
