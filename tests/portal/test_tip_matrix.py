"""The tip form and its confirmation are public: every principal gets the same answer, and a
tip sent by anyone (a signed-in member too) lands on the confirmation page."""

from __future__ import annotations

import pytest

from opennrm.hotline.models import Signal
from tests.portal.support import tip_form
from tests.support.matrix import PRINCIPALS, Route, check, each

ROUTES = [
    Route("portal tip form", "get", lambda w: "/help/tip/", frozenset(PRINCIPALS), public=True),
    Route(
        "portal tip send",
        "post",
        lambda w: "/help/tip/",
        frozenset(PRINCIPALS),
        ok=302,
        public=True,
        data=lambda w: tip_form(),
        lands=("/help/tip/sent/",),
    ),
    Route(
        "portal tip sent", "get", lambda w: "/help/tip/sent/", frozenset(PRINCIPALS), public=True
    ),
]


@pytest.fixture(autouse=True)
def _hosted(world, settings):
    settings.OPENNRM_PORTAL_ORGANIZATION = str(world.org_b.uuid)


@each(ROUTES)
def test_access(world, route, principal):
    response = check(world, route, principal)
    if route.method == "post":
        assert response["Location"] == "/help/tip/sent/"
        assert Signal.objects.get(channel="web_tip").organization == world.org_b
