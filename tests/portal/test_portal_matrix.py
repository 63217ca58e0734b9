"""The portal's pages: public, so every principal (anonymous included) gets the same answer."""

from __future__ import annotations

from tests.support.matrix import PRINCIPALS, Route, check, each

ROUTES = [
    Route("portal home", "get", lambda w: "/help/", frozenset(PRINCIPALS), public=True),
]


@each(ROUTES)
def test_access(world, route, principal):
    check(world, route, principal)
