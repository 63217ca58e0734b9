"""Every referrals API endpoint: anonymous, every role of two organizations, the platform admin.

The same rules as the pages (tests/referrals/test_page_permissions.py), answered as the API
answers: 401 without credentials, 403 without the permission, 404 for a referral one may not
see, and 422 naming ``case_id`` when the case in the body is not one the caller sees.
The rules, problem+json, and that a refused write changes nothing: tests/support/matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import World
from tests.referrals.factories import UNSHARED_VALUES
from tests.referrals.test_page_permissions import (
    A_SEES,
    B_SEES,
    RESPOND,
    STATS,
    SUPERVISOR,
    VIEW,
    accepted,
    diana,
    referral,
)
from tests.support.matrix import Route, check, each

CASE_VIEWERS = frozenset({"hotline_operator", "case_worker", "supervisor"})


def at(suffix: str = "", of=referral) -> Callable[[World], str]:
    return lambda w: f"/api/v1/referrals/{of(w).uuid}{suffix}"


def listing(suffix: str = "") -> Callable[[World], str]:
    def url(world: World) -> str:
        referral(world)
        return f"/api/v1/referrals{suffix}"

    return url


def send_body(world: World) -> dict:
    return {
        "case_id": str(diana(world).uuid),
        "to_organization_id": str(world.org_b.uuid),
        "reason": "AdditionalServicesRequired",
        "services_requested": ["Medical"],
        "shared_fields": ["given_name", "gender"],
    }


ENDPOINTS = [
    Route("inbox", "get", listing(), VIEW),
    Route("outbox", "get", listing("?box=outbox"), VIEW),
    Route("attention", "get", listing("?box=attention"), SUPERVISOR),
    Route("stats", "get", listing("/stats"), STATS),
    # The case is named in the body: a case the caller cannot see is a 422 on case_id.
    Route("send", "post", listing(), CASE_VIEWERS, sees=A_SEES, ok=201, data=send_body, hidden=422),
    Route("get", "get", at(), VIEW, sees=A_SEES | B_SEES),
    Route("history", "get", at("/history"), VIEW, sees=A_SEES | B_SEES),
    Route("accept", "post", at("/accept"), VIEW, sees=B_SEES, needs=RESPOND),
    Route(
        "decline",
        "post",
        at("/decline"),
        VIEW,
        sees=B_SEES,
        needs=RESPOND,
        data=lambda w: {"reason": "No capacity."},
    ),
    Route(
        "complete",
        "post",
        at("/complete", of=accepted),
        VIEW,
        sees=B_SEES,
        needs=RESPOND,
        data=lambda w: {"outcome": "Done."},
    ),
    Route("withdraw", "post", at("/withdraw"), VIEW, sees=A_SEES),
]


@each(ENDPOINTS)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    if response.status_code == 422:
        assert [e["field"] for e in response.json()["errors"]] == ["case_id"]
    if response.status_code == 200 and principal.startswith("b:"):
        text = response.content.decode()
        for secret in UNSHARED_VALUES:
            assert secret not in text
        assert str(diana(world).uuid) not in text and diana(world).number not in text
