"""Every returns page and endpoint: anonymous, every role of two organizations, the platform
admin. Returns are for ``returns.manage`` (case workers, supervisors) on cases they may see: the
return of Crisis Centre A's case is 404 to Hotline B. The case page's return section answers every
holder of ``cases.view`` who sees the case, and is empty for those who do not manage returns.
The rules, problem+json, and that a refusal changes nothing: tests/support/matrix.py.
"""

from __future__ import annotations

from opennrm.cases import services as case_services
from opennrm.returns.models import ReintegrationFollowUp
from tests.cases.factories import open_diana
from tests.conftest import World
from tests.returns.factories import PASSPORT, arrive, days_ago, record_return
from tests.support.matrix import IN_A, Route, check, each

RETURN_ROLES = frozenset({"case_worker", "supervisor"})
CASE_ROLES = frozenset({"hotline_operator", "case_worker", "supervisor"})


def diana_of_a(world: World):
    """Crisis Centre A's case (the hotline operator on its team), returned and arrived."""
    return world.once("diana", lambda: _diana_returned(world))


def _diana_returned(world: World):
    case = open_diana(world.a["case_worker"])
    case_services.case_assign(
        actor=world.actor(world.a["supervisor"]),
        case=case,
        owner=world.a["case_worker"].user,
        team=[world.a["hotline_operator"].user],
    )
    world.made["return"] = arrive(
        world.a["case_worker"], record_return(world.a["case_worker"], case)
    )
    return case


def return_of_a(world: World):
    diana_of_a(world)
    return world.made["return"]


def follow_up_of_a(world: World):
    return ReintegrationFollowUp.objects.get(return_record=return_of_a(world), months=3)


def second_case(world: World):
    """A case of A without a return, to record one on."""
    diana_of_a(world)
    return open_diana(world.a["case_worker"], exited_on=None)


def return_form(world: World) -> dict:
    return {
        "version": return_of_a(world).version,
        "destination_country": "UZ",
        "destination_city": "Samarkand",
        "travel_date": days_ago(100).isoformat(),
        "document_type": "passport",
    }


PAGES = [
    Route(
        "follow-ups due",
        "get",
        lambda w: (diana_of_a(w), "/returns/follow-ups/")[1],
        RETURN_ROLES,
    ),
    Route(
        "record follow-up",
        "post",
        lambda w: f"/returns/follow-ups/{follow_up_of_a(w).uuid}/",
        RETURN_ROLES,
        ok=302,
        sees=IN_A,
        data=lambda w: {
            "f3-version": 1,
            "f3-done_on": days_ago(1).isoformat(),
            "f3-outcome": "stable",
        },
    ),
    Route(
        "return page",
        "get",
        lambda w: f"/returns/cases/{diana_of_a(w).uuid}/",
        RETURN_ROLES,
        sees=IN_A,
    ),
    Route(
        "return save",
        "post",
        lambda w: f"/returns/cases/{diana_of_a(w).uuid}/",
        RETURN_ROLES,
        ok=302,
        sees=IN_A,
        data=return_form,
    ),
    Route(
        "case section",
        "get",
        lambda w: f"/returns/cases/{diana_of_a(w).uuid}/section/",
        CASE_ROLES,
        sees=IN_A,
    ),
    Route(
        "arrival",
        "post",
        lambda w: f"/returns/{return_of_a(w).uuid}/arrival/",
        RETURN_ROLES,
        ok=302,
        sees=IN_A,
        data=lambda w: {
            "version": return_of_a(w).version,
            "arrived_on": days_ago(99).isoformat(),
        },
    ),
]
ENDPOINTS = [
    Route(
        "api follow-ups due",
        "get",
        lambda w: (diana_of_a(w), "/api/v1/returns/follow-ups")[1],
        RETURN_ROLES,
    ),
    Route(
        "api record follow-up",
        "post",
        lambda w: f"/api/v1/returns/follow-ups/{follow_up_of_a(w).uuid}",
        RETURN_ROLES,
        sees=IN_A,
        data=lambda w: {"version": 1, "done_on": days_ago(1).isoformat(), "outcome": "stable"},
    ),
    Route(
        "api return of case",
        "get",
        lambda w: f"/api/v1/returns/cases/{diana_of_a(w).uuid}",
        RETURN_ROLES,
        sees=IN_A,
    ),
    Route(
        "api return create",
        "post",
        lambda w: f"/api/v1/returns/cases/{second_case(w).uuid}",
        RETURN_ROLES,
        ok=201,
        sees=IN_A,
        data=lambda w: {"destination_country": "TJ", "travel_date": days_ago(3).isoformat()},
    ),
    Route(
        "api return",
        "get",
        lambda w: f"/api/v1/returns/{return_of_a(w).uuid}",
        RETURN_ROLES,
        sees=IN_A,
    ),
    Route(
        "api return patch",
        "patch",
        lambda w: f"/api/v1/returns/{return_of_a(w).uuid}",
        RETURN_ROLES,
        sees=IN_A,
        data=lambda w: {"version": return_of_a(w).version, "route": "By air"},
    ),
    Route(
        "api arrival",
        "post",
        lambda w: f"/api/v1/returns/{return_of_a(w).uuid}/arrival",
        RETURN_ROLES,
        sees=IN_A,
        data=lambda w: {"version": return_of_a(w).version, "arrived_on": days_ago(99).isoformat()},
    ),
]


@each(PAGES + ENDPOINTS)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    text = response.content.decode()
    ok = response.status_code == 200
    if principal.startswith("b:"):
        assert PASSPORT not in text and diana_of_a(world).number not in text
    if ok and route.name == "follow-ups due":
        assert (diana_of_a(world).number in text) == principal.startswith("a:")
        assert PASSPORT not in text
    if ok and route.name == "api follow-ups due":
        assert len(response.json()["items"]) == (1 if principal.startswith("a:") else 0)
        assert PASSPORT not in text
    if ok and route.name == "case section":
        assert ("Return and reintegration" in text) == (principal != "a:hotline_operator")
        assert PASSPORT not in text
