"""The public portal's pages, found in its URLconf: every route without a parameter that answers
a plain GET (so a page added later is checked by the page-weight and browser tests unasked)."""

from __future__ import annotations

from django.test import Client
from django.urls import URLPattern, URLResolver

from opennrm.portal import urls as portal_urls


def portal_pages() -> list[str]:
    found: list[str] = []

    def walk(patterns: list, prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern) and "<" not in route:
                found.append("/help/" + prefix + route)

    walk(portal_urls.urlpatterns, "")
    client = Client()
    return [path for path in found if client.get(path).status_code == 200]
