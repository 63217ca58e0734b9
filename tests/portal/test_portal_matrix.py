"""The portal's pages: public, so every principal (anonymous included) gets the same answer.
Editing its pages (staff site): only the admin of the hosting organization (A here); B's admin
holds the same permission but is answered "not found"."""

from __future__ import annotations

import pytest

from tests.support.matrix import PRINCIPALS, Route, check, each

EVERYONE = frozenset(PRINCIPALS)
ADMIN = frozenset({"organization_admin"})
A_ADMIN = frozenset({"a:organization_admin"})
EDIT = "/portal-admin/pages/before-you-go/ru/"


def _page(title: str, action: str):
    return lambda w: {
        "title": title,
        "body": "## Паспорт\n\nДержите его при себе.",
        "version": 0,
        "action": action,
    }


ROUTES = [
    Route("portal home", "get", lambda w: "/help/", EVERYONE, public=True),
    Route("portal advice", "get", lambda w: "/help/advice/", EVERYONE, public=True),
    Route("portal help numbers", "get", lambda w: "/help/numbers/", EVERYONE, public=True),
    Route("portal safe browsing", "get", lambda w: "/help/safe-browsing/", EVERYONE, public=True),
    Route(
        "portal language",
        "post",
        lambda w: "/help/language/",
        EVERYONE,
        public=True,
        data=lambda w: {"language": "kk", "next": "/help/advice/"},
        ok=302,
        lands=("/help/advice/",),
    ),
    Route("portal pages", "get", lambda w: "/portal-admin/pages/", ADMIN, sees=A_ADMIN),
    Route("portal page edit", "get", lambda w: EDIT, ADMIN, sees=A_ADMIN),
    Route(
        "portal page preview",
        "post",
        lambda w: EDIT,
        ADMIN,
        sees=A_ADMIN,
        data=_page("Перед отъездом", "preview"),
    ),
    Route(
        "portal page save draft",
        "post",
        lambda w: EDIT,
        ADMIN,
        sees=A_ADMIN,
        data=_page("Перед отъездом", "save"),
        ok=302,
        lands=(EDIT,),
    ),
    Route(
        "portal page publish",
        "post",
        lambda w: EDIT,
        ADMIN,
        sees=A_ADMIN,
        data=_page("Перед отъездом", "publish"),
        ok=302,
        lands=(EDIT,),
    ),
]


@pytest.fixture(autouse=True)
def _a_hosts_the_portal(world, settings):
    settings.OPENNRM_PORTAL_ORGANIZATION = str(world.org_a.uuid)


@each(ROUTES)
def test_access(world, route, principal):
    response = check(world, route, principal)
    if route.public and route.method == "get":
        assert b"Quick exit" in response.content
        assert b"/accounts/login/" not in response.content
    if principal == "a:organization_admin" and route.name == "portal page preview":
        assert "<h2>Паспорт</h2>" in response.content.decode()
