"""Every hotline page: anonymous, every role of two organizations, the platform admin.

The signals belong to Crisis Centre A. Those who hold ``signals.view`` (hotline operators, case
workers, supervisors) work with their own organization's signals: members of Hotline B get 404
for A's signals, as if they did not exist, and their queue never lists them. The figures moved
to stats; their old address leads there for those who hold ``hotline.stats`` (operators,
supervisors, data analysts).
Roles without the permission get 403; anonymous visitors are sent to sign in.
The rules, and that a refused write changes nothing: tests/support/matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from opennrm.accounts.timezones import local_today, organization_zone
from opennrm.hotline import services
from opennrm.hotline.models import Signal
from tests.conftest import World
from tests.hotline.factories import DIANA_PHONE, record
from tests.support.matrix import IN_A, Route, check, each

SIGNAL_ROLES = frozenset({"hotline_operator", "case_worker", "supervisor"})
STATS_ROLES = frozenset({"hotline_operator", "supervisor", "data_analyst"})
HOTLINE = ("/hotline/",)  # where a successful change leads


def signal_of_a(world: World) -> Signal:
    """A call to Crisis Centre A, with a follow-up due today; made once per test."""
    return world.once(
        "signal",
        lambda: record(
            world.a["hotline_operator"],
            phone=DIANA_PHONE,
            notes="Secret of A",
            outcome="referred",
            follow_up_on=local_today(world.org_a),
        ),
    )


def tip_of_a(world: World) -> str:
    tip = services.web_tip_receive(organization=world.org_a, reason="job_offer_check")
    return f"/hotline/{tip.uuid}/take/"


def at(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/hotline/{signal_of_a(w).uuid}/{suffix}"


def hotline(suffix: str = "") -> Callable[[World], str]:
    """A page not naming a signal, once A's signal exists (so lists have something to hide)."""

    def url(world: World) -> str:
        signal_of_a(world)
        return f"/hotline/{suffix}"

    return url


def edit_form(world: World) -> dict:
    signal = signal_of_a(world)
    return {
        "version": signal.version,
        "channel": "call",
        "caller_type": "family",
        "reason": "missing_person",
        "outcome": "referred",
        # As the page shows it: on the organization's clock.
        "received_at": timezone.localtime(
            signal.received_at, organization_zone(world.org_a)
        ).strftime("%Y-%m-%dT%H:%M"),
        "follow_up_on": signal.follow_up_on.isoformat(),
        "notes": "Changed",
    }


ENDPOINTS = [
    Route("queue", "get", hotline(), SIGNAL_ROLES),
    Route("queue page 2", "get", hotline("?page=2"), SIGNAL_ROLES),
    Route("new", "get", hotline("new/"), SIGNAL_ROLES),
    Route(
        "record",
        "post",
        hotline("new/"),
        SIGNAL_ROLES,
        ok=302,
        data=lambda w: {"channel": "call", "caller_type": "friend", "reason": "safe_migration"},
        lands=HOTLINE,
    ),
    # The figures moved to stats (tests/stats/test_dashboard_permissions.py): the old address
    # leads there, for those who may see them.
    Route("figures", "get", hotline("figures/"), STATS_ROLES, ok=302, lands=("/stats/hotline/",)),
    Route(
        "figures by language",
        "get",
        hotline("figures/?by=language"),
        STATS_ROLES,
        ok=302,
        lands=("/stats/hotline/?by=language",),
    ),
    Route("signal", "get", at(), SIGNAL_ROLES, sees=IN_A),
    Route(
        "save", "post", at("save/"), SIGNAL_ROLES, ok=302, sees=IN_A, data=edit_form, lands=HOTLINE
    ),
    Route("take", "post", tip_of_a, SIGNAL_ROLES, ok=302, sees=IN_A, lands=HOTLINE),
    Route(
        "followed up",
        "post",
        at("followed-up/"),
        SIGNAL_ROLES,
        ok=302,
        sees=IN_A,
        data=lambda w: {"version": signal_of_a(w).version},
        lands=HOTLINE,
    ),
    Route(
        "hand on",
        "post",
        at("hand-on/"),
        SIGNAL_ROLES,
        ok=302,
        sees=IN_A,
        data=lambda w: {"version": signal_of_a(w).version},
        lands=HOTLINE,
    ),
    Route("open case form", "get", at("case/"), SIGNAL_ROLES, sees=IN_A),
    Route(
        "open case",
        "post",
        at("case/"),
        SIGNAL_ROLES,
        ok=302,
        sees=IN_A,
        lands=("/cases/", *HOTLINE),
        data=lambda w: {
            "version": signal_of_a(w).version,
            "given_name": "Dilnoza",
            "gender": "Feminine",
        },
    ),
]


@each(ENDPOINTS)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    if response.status_code == 200:
        html = response.content.decode()
        signal = signal_of_a(world)
        if principal.startswith("b:"):
            # Hotline B never sees Crisis Centre A's signals, nor their counts.
            assert str(signal.uuid) not in html and "Secret of A" not in html
        if route.name.startswith("queue"):
            assert "998901234567" not in html and "Secret of A" not in html
