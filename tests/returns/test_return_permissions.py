"""Every returns page and endpoint: anonymous, every role of two organizations, the platform
admin. Returns are for ``returns.manage`` (case workers, supervisors) on cases they may see: the
return of Crisis Centre A's case is 404 to Hotline B. The case page's return section answers every
holder of ``cases.view`` who sees the case, and is empty for those who do not manage returns.
"""

from __future__ import annotations

import json
import re

import pytest

from opennrm.audit.models import AuditEvent
from opennrm.cases import services as case_services
from opennrm.returns.models import ReintegrationFollowUp
from opennrm.returns.urls import urlpatterns
from tests.accounts.test_permission_matrix import PRINCIPALS, Endpoint, client_for
from tests.cases.factories import open_diana
from tests.conftest import World
from tests.returns.factories import PASSPORT, arrive, days_ago, record_return

RETURN_ROLES = frozenset({"case_worker", "supervisor"})
CASE_ROLES = frozenset({"hotline_operator", "case_worker", "supervisor"})
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def diana_of_a(world: World):
    """Crisis Centre A's case (the hotline operator on its team), returned and arrived."""
    case = getattr(world, "_diana", None)
    if case is None:
        case = open_diana(world.a["case_worker"])
        case_services.case_assign(
            actor=world.actor(world.a["supervisor"]),
            case=case,
            owner=world.a["case_worker"].user,
            team=[world.a["hotline_operator"].user],
        )
        world._diana = case  # type: ignore[attr-defined]
        world._return = arrive(  # type: ignore[attr-defined]
            world.a["case_worker"], record_return(world.a["case_worker"], case)
        )
    return case


def return_of_a(world: World):
    diana_of_a(world)
    return world._return  # type: ignore[attr-defined]


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
    Endpoint(
        "follow-ups due",
        "get",
        lambda w: (diana_of_a(w), "/returns/follow-ups/")[1],
        RETURN_ROLES,
    ),
    Endpoint(
        "record follow-up",
        "post",
        lambda w: f"/returns/follow-ups/{follow_up_of_a(w).uuid}/",
        RETURN_ROLES,
        ok=302,
        scoped=True,
        data=lambda w: {
            "f3-version": 1,
            "f3-done_on": days_ago(1).isoformat(),
            "f3-outcome": "stable",
        },
    ),
    Endpoint(
        "return page",
        "get",
        lambda w: f"/returns/cases/{diana_of_a(w).uuid}/",
        RETURN_ROLES,
        scoped=True,
    ),
    Endpoint(
        "return save",
        "post",
        lambda w: f"/returns/cases/{diana_of_a(w).uuid}/",
        RETURN_ROLES,
        ok=302,
        scoped=True,
        data=return_form,
    ),
    Endpoint(
        "case section",
        "get",
        lambda w: f"/returns/cases/{diana_of_a(w).uuid}/section/",
        CASE_ROLES,
        scoped=True,
    ),
    Endpoint(
        "arrival",
        "post",
        lambda w: f"/returns/{return_of_a(w).uuid}/arrival/",
        RETURN_ROLES,
        ok=302,
        scoped=True,
        data=lambda w: {
            "version": return_of_a(w).version,
            "arrived_on": days_ago(99).isoformat(),
        },
    ),
]
ENDPOINTS = [
    Endpoint(
        "api follow-ups due",
        "get",
        lambda w: (diana_of_a(w), "/api/v1/returns/follow-ups")[1],
        RETURN_ROLES,
        api=True,
    ),
    Endpoint(
        "api record follow-up",
        "post",
        lambda w: f"/api/v1/returns/follow-ups/{follow_up_of_a(w).uuid}",
        RETURN_ROLES,
        api=True,
        scoped=True,
        data=lambda w: {"version": 1, "done_on": days_ago(1).isoformat(), "outcome": "stable"},
    ),
    Endpoint(
        "api return of case",
        "get",
        lambda w: f"/api/v1/returns/cases/{diana_of_a(w).uuid}",
        RETURN_ROLES,
        api=True,
        scoped=True,
    ),
    Endpoint(
        "api return create",
        "post",
        lambda w: f"/api/v1/returns/cases/{second_case(w).uuid}",
        RETURN_ROLES,
        ok=201,
        api=True,
        scoped=True,
        data=lambda w: {"destination_country": "TJ", "travel_date": days_ago(3).isoformat()},
    ),
    Endpoint(
        "api return",
        "get",
        lambda w: f"/api/v1/returns/{return_of_a(w).uuid}",
        RETURN_ROLES,
        api=True,
        scoped=True,
    ),
    Endpoint(
        "api return patch",
        "patch",
        lambda w: f"/api/v1/returns/{return_of_a(w).uuid}",
        RETURN_ROLES,
        api=True,
        scoped=True,
        data=lambda w: {"version": return_of_a(w).version, "route": "By air"},
    ),
    Endpoint(
        "api arrival",
        "post",
        lambda w: f"/api/v1/returns/{return_of_a(w).uuid}/arrival",
        RETURN_ROLES,
        api=True,
        scoped=True,
        data=lambda w: {"version": return_of_a(w).version, "arrived_on": days_ago(99).isoformat()},
    ),
]


def test_every_page_and_route_is_in_the_matrix(world: World) -> None:
    from opennrm.api.returns import router

    def as_pattern(url: str) -> str:
        url = re.sub(rf"follow-ups/{UUID}", "follow-ups/<uuid:follow_up_id>", url)
        url = re.sub(rf"cases/{UUID}", "cases/<uuid:case_id>", url)
        return re.sub(rf"returns/{UUID}", "returns/<uuid:return_id>", url).removeprefix("/")

    assert {as_pattern(e.url(world)) for e in PAGES} == {str(p.pattern) for p in urlpatterns}
    routes = {
        (method.lower(), re.sub(r"\{\w+\}", "{}", path))
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    covered = {
        (e.method, re.sub(UUID, "{}", e.url(world)).removeprefix("/api/v1/returns"))
        for e in ENDPOINTS
    }
    assert covered == routes


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("endpoint", PAGES + ENDPOINTS, ids=lambda e: e.name)
def test_access(world: World, endpoint: Endpoint, principal: str) -> None:
    url = endpoint.url(world)
    client = client_for(world, principal)
    data = endpoint.data(world) if endpoint.data else None
    writes = AuditEvent.objects.filter(action__regex=r"^(return|follow_up)\.")
    before = writes.count()
    if endpoint.api and data is not None:
        response = getattr(client, endpoint.method)(
            url, data=json.dumps(data), content_type="application/json"
        )
    else:
        response = getattr(client, endpoint.method)(url, data=data)
    expected = endpoint.expected(principal)
    assert response.status_code == expected, (
        f"{endpoint.name} as {principal}: {response.status_code}, expected {expected}"
    )
    if principal == "anonymous" and not endpoint.api:
        assert response["Location"].startswith("/accounts/login/")
    if endpoint.api and expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
    if expected != endpoint.ok and endpoint.method != "get":
        assert writes.count() == before  # a refusal changes nothing
    text = response.content.decode()
    if principal.startswith("b:"):
        assert PASSPORT not in text and diana_of_a(world).number not in text
    if expected == 200 and endpoint.name == "follow-ups due":
        assert (diana_of_a(world).number in text) == principal.startswith("a:")
        assert PASSPORT not in text
    if expected == 200 and endpoint.name == "api follow-ups due":
        assert len(response.json()["items"]) == (1 if principal.startswith("a:") else 0)
        assert PASSPORT not in text
    if expected == 200 and endpoint.name == "case section":
        assert ("Return and reintegration" in text) == (principal != "a:hotline_operator")
        assert PASSPORT not in text
