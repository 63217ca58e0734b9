"""Every hotline API endpoint: anonymous, every role of two organizations, the platform admin.

The signals belong to Crisis Centre A. Callers holding ``signals.view`` reach A's signals only
from A: Hotline B's members get 404 for them and an own, empty list. The figures need
``hotline.stats`` and count the caller's organization only. Anonymous callers get 401.
The rules, problem+json, and that a refused write changes nothing: tests/support/matrix.py.
"""

from __future__ import annotations

from opennrm.hotline import services
from tests.conftest import World
from tests.hotline.test_signal_page_permissions import (
    SIGNAL_ROLES,
    STATS_ROLES,
    signal_of_a,
)
from tests.support.matrix import IN_A, Route, check, each


def at(suffix: str = ""):
    return lambda w: f"/api/v1/signals/{signal_of_a(w).uuid}{suffix}"


def signals(suffix: str = ""):
    def url(world: World) -> str:
        signal_of_a(world)
        return f"/api/v1/signals{suffix}"

    return url


def tip_of_a(world: World) -> str:
    tip = services.web_tip_receive(organization=world.org_a, reason="job_offer_check")
    return f"/api/v1/signals/{tip.uuid}/take"


ENDPOINTS = [
    Route("list", "get", signals(), SIGNAL_ROLES),
    Route(
        "record",
        "post",
        signals(),
        SIGNAL_ROLES,
        ok=201,
        data=lambda w: {"caller_type": "friend", "reason": "safe_migration"},
    ),
    Route("stats", "get", signals("/stats"), STATS_ROLES),
    Route("get", "get", at(), SIGNAL_ROLES, sees=IN_A),
    Route(
        "patch",
        "patch",
        at(),
        SIGNAL_ROLES,
        sees=IN_A,
        data=lambda w: {"version": 1, "notes": "Changed"},
    ),
    Route("take", "post", tip_of_a, SIGNAL_ROLES, sees=IN_A),
    Route(
        "hand on",
        "post",
        at("/hand-on"),
        SIGNAL_ROLES,
        sees=IN_A,
        data=lambda w: {"version": 1},
    ),
    Route(
        "open case",
        "post",
        at("/open-case"),
        SIGNAL_ROLES,
        ok=201,
        sees=IN_A,
        data=lambda w: {"version": 1, "person": {"given_name": "Dilnoza"}},
    ),
]


@each(ENDPOINTS)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    text = response.content.decode()
    if principal.startswith("b:"):
        # Hotline B never sees Crisis Centre A's signals, nor counts them.
        assert str(signal_of_a(world).uuid) not in text and "Secret of A" not in text
    if response.status_code == 200 and route.name == "list":
        assert "998901234567" not in text and "Secret of A" not in text
        assert len(response.json()["items"]) == (1 if principal.startswith("a:") else 0)
    if response.status_code == 200 and route.name == "stats":
        assert response.json()["totals"]["total"] == (1 if principal.startswith("a:") else 0)
