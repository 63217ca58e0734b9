"""Who may open the home worklist: every member and the platform admin; anonymous signs in."""

from __future__ import annotations

from tests.conftest import World
from tests.support.matrix import EVERY_MEMBER, PLATFORM, Route, check, each

ROUTES = [Route("home", "get", lambda w: "/", EVERY_MEMBER | PLATFORM)]


@each(ROUTES)
def test_access(world: World, route: Route, principal: str) -> None:
    check(world, route, principal)
