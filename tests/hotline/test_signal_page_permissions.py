"""Every hotline page: anonymous, every role of two organizations, the platform admin.

The signals belong to Crisis Centre A. Those who hold ``signals.view`` (hotline operators, case
workers, supervisors) work with their own organization's signals: members of Hotline B get 404
for A's signals, as if they did not exist, and their queue never lists them. The figures are for
``hotline.stats`` (operators, supervisors, data analysts) and count the own organization only.
Roles without the permission get 403; anonymous visitors are sent to sign in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from opennrm.accounts.timezones import local_today, organization_zone
from opennrm.audit.models import AuditEvent
from opennrm.hotline import services
from opennrm.hotline.models import Signal
from opennrm.hotline.urls import urlpatterns
from tests.accounts.test_permission_matrix import PRINCIPALS, Endpoint, client_for
from tests.conftest import World
from tests.hotline.factories import DIANA_PHONE, record

SIGNAL_ROLES = frozenset({"hotline_operator", "case_worker", "supervisor"})
STATS_ROLES = frozenset({"hotline_operator", "supervisor", "data_analyst"})


def signal_of_a(world: World) -> Signal:
    """A call to Crisis Centre A, with a follow-up due today; made once per test."""
    signal = getattr(world, "_signal", None)
    if signal is None:
        signal = record(
            world.a["hotline_operator"],
            phone=DIANA_PHONE,
            notes="Secret of A",
            outcome="referred",
            follow_up_on=local_today(world.org_a),
        )
        world._signal = signal  # type: ignore[attr-defined]
    return signal


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


@dataclass
class SignalEndpoint(Endpoint):
    # Where a success leads (a redirect), when it is not the signal's page.
    lands: str = "/hotline/"


ENDPOINTS = [
    SignalEndpoint("queue", "get", hotline(), SIGNAL_ROLES),
    SignalEndpoint("queue page 2", "get", hotline("?page=2"), SIGNAL_ROLES),
    SignalEndpoint("new", "get", hotline("new/"), SIGNAL_ROLES),
    SignalEndpoint(
        "record",
        "post",
        hotline("new/"),
        SIGNAL_ROLES,
        ok=302,
        data=lambda w: {"channel": "call", "caller_type": "friend", "reason": "safe_migration"},
    ),
    SignalEndpoint("figures", "get", hotline("figures/"), STATS_ROLES),
    SignalEndpoint("figures by language", "get", hotline("figures/?by=language"), STATS_ROLES),
    SignalEndpoint("signal", "get", at(), SIGNAL_ROLES, scoped=True),
    SignalEndpoint("save", "post", at("save/"), SIGNAL_ROLES, ok=302, scoped=True, data=edit_form),
    SignalEndpoint("take", "post", tip_of_a, SIGNAL_ROLES, ok=302, scoped=True),
    SignalEndpoint(
        "followed up",
        "post",
        at("followed-up/"),
        SIGNAL_ROLES,
        ok=302,
        scoped=True,
        data=lambda w: {"version": signal_of_a(w).version},
    ),
    SignalEndpoint("open case form", "get", at("case/"), SIGNAL_ROLES, scoped=True),
    SignalEndpoint(
        "open case",
        "post",
        at("case/"),
        SIGNAL_ROLES,
        ok=302,
        scoped=True,
        lands="/cases/",
        data=lambda w: {
            "version": signal_of_a(w).version,
            "given_name": "Dilnoza",
            "gender": "Feminine",
        },
    ),
]


def test_every_hotline_page_is_in_the_matrix(world: World) -> None:
    routes = {str(p.pattern) for p in urlpatterns}
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    covered = {
        re.sub(uuid, "<uuid:signal_id>", e.url(world).split("?")[0]).removeprefix("/")
        for e in ENDPOINTS
    }
    assert covered == routes


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_access(world: World, endpoint: SignalEndpoint, principal: str) -> None:
    url = endpoint.url(world)
    data = endpoint.data(world) if endpoint.data else None
    client = client_for(world, principal)
    changes = AuditEvent.objects.filter(action__regex=r"^(signal|case|person)\.").count()
    response = getattr(client, endpoint.method)(url, data=data)
    expected = endpoint.expected(principal)
    assert response.status_code == expected, (
        f"{endpoint.name} as {principal}: {response.status_code}, expected {expected}"
    )
    if principal == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if expected != endpoint.ok and endpoint.method == "post":
        assert AuditEvent.objects.filter(action__regex=r"^(signal|case|person)\.").count() == (
            changes
        )
    if expected == 302 and principal != "anonymous":
        assert response["Location"].startswith((endpoint.lands, "/hotline/"))
    if expected == 200:
        html = response.content.decode()
        signal = signal_of_a(world)
        if principal.startswith("b:"):
            # Hotline B never sees Crisis Centre A's signals, nor their counts.
            assert str(signal.uuid) not in html and "Secret of A" not in html
            if "figures" in endpoint.name:
                assert response.context["stats"].totals.total == 0
        if endpoint.name.startswith("queue"):
            assert "998901234567" not in html and "Secret of A" not in html
