"""Every cases API endpoint: anonymous, every role of two organizations, the platform admin.

Diana's case belongs to organization A and is owned by A's case worker. A role without
``cases.view`` gets 403; a caller who holds it but may not see the case (organization B, or A's
hotline operator who is neither owner nor on the team) gets 404, as if the case did not exist;
one who sees it but lacks the right for the action (approving as a case worker) gets 403.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opennrm.cases import services
from opennrm.cases.attachments import attachment_add
from opennrm.cases.models import Case
from tests.accounts.test_permission_matrix import PRINCIPALS, Endpoint, client_for
from tests.cases.factories import open_diana
from tests.conftest import World

VIEWERS = frozenset({"hotline_operator", "case_worker", "supervisor"})  # hold cases.view
SEES_DIANA = frozenset({"a:case_worker", "a:supervisor"})  # the owner, and A's supervisor
CASE_WORK = frozenset({"case_worker", "supervisor"})
SUPERVISOR = frozenset({"supervisor"})


@dataclass
class CaseEndpoint(Endpoint):
    """An endpoint on Diana's case: visibility is checked before the right for the action."""

    api: bool = True
    scoped: bool = True
    multipart: bool = False

    def expected(self, principal: str) -> int:
        if principal == "anonymous":
            return 401
        role = principal.rpartition(":")[2]
        if role not in VIEWERS:
            return 403
        if self.scoped and principal not in SEES_DIANA:
            return 404
        return self.ok if role in self.allowed else 403


def diana(world: World) -> Case:
    """Diana's case in organization A, opened once per test."""
    case = getattr(world, "_diana", None)
    if case is None:
        case = open_diana(world.a["case_worker"])
        world._diana = case  # type: ignore[attr-defined]
    return case


def case_url(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/cases/{diana(w).uuid}{suffix}"


def cases_url(suffix: str = "") -> Callable[[World], str]:
    """A URL not naming the case, once Diana's case exists (so lists have something to hide)."""

    def url(world: World) -> str:
        diana(world)
        return f"/api/v1/cases{suffix}"

    return url


def proposed_decision(action: str) -> Callable[[World], str]:
    def url(world: World) -> str:
        case = diana(world)
        decision = case.decisions.filter(state="proposed").first()
        if decision is None:
            decision = services.identification_propose(
                actor=world.actor(world.a["case_worker"]),
                case=case,
                stage="presumed",
                grounds="Deceptive recruitment.",
                decided_by_type="NGO",
                due_on=date(2005, 11, 3),
            )
        return f"/api/v1/cases/{case.uuid}/decisions/{decision.uuid}/{action}"

    return url


def recorded_consent(world: World) -> str:
    case = diana(world)
    consent = services.consent_record(
        actor=world.actor(world.a["case_worker"]), case=case, purpose="assistance", method="verbal"
    )
    return f"/api/v1/cases/{case.uuid}/consents/{consent.uuid}/withdraw"


PDF = b"%PDF-1.4\n%%EOF\n"


def stored_attachment(world: World) -> str:
    case = diana(world)
    attachment = attachment_add(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        upload=SimpleUploadedFile("statement.pdf", PDF),
    )
    return f"/api/v1/cases/{case.uuid}/attachments/{attachment.uuid}"


NEW_CASE = {"person": {"given_name": "Aigul", "gender": "Feminine"}, "opened_on": "2006-01-05"}

ENDPOINTS = [
    CaseEndpoint("list", "get", cases_url(), VIEWERS, scoped=False),
    CaseEndpoint(
        "search",
        "post",
        cases_url("/search"),
        VIEWERS,
        scoped=False,
        data=lambda w: {"q": "Каримова"},
    ),
    CaseEndpoint(
        "open",
        "post",
        cases_url(),
        VIEWERS,
        ok=201,
        scoped=False,
        data=lambda w: NEW_CASE,
    ),
    CaseEndpoint("get", "get", case_url(), VIEWERS),
    CaseEndpoint(
        "patch",
        "patch",
        case_url(),
        CASE_WORK,
        data=lambda w: {"version": 1, "city_of_exploitation": "Astana"},
    ),
    CaseEndpoint("person get", "get", case_url("/person"), VIEWERS),
    CaseEndpoint(
        "person patch",
        "patch",
        case_url("/person"),
        CASE_WORK,
        data=lambda w: {"version": 1, "address": "Shelter"},
    ),
    CaseEndpoint(
        "status", "post", case_url("/status"), CASE_WORK, data=lambda w: {"status": "FollowUp"}
    ),
    CaseEndpoint("history", "get", case_url("/history"), VIEWERS),
    CaseEndpoint("decisions", "get", case_url("/decisions"), VIEWERS),
    CaseEndpoint(
        "decision propose",
        "post",
        case_url("/decisions"),
        CASE_WORK,
        ok=201,
        data=lambda w: {
            "stage": "presumed",
            "grounds": "Deceptive recruitment.",
            "decided_by_type": "NGO",
            "due_on": "2005-11-03",
        },
    ),
    CaseEndpoint("decision approve", "post", proposed_decision("approve"), SUPERVISOR),
    CaseEndpoint("decision reject", "post", proposed_decision("reject"), SUPERVISOR),
    CaseEndpoint("services", "get", case_url("/services"), VIEWERS),
    CaseEndpoint(
        "service add",
        "post",
        case_url("/services"),
        CASE_WORK,
        ok=201,
        data=lambda w: {"service_type": "Shelter", "provider_id": str(w.org_b.uuid)},
    ),
    CaseEndpoint("consents", "get", case_url("/consents"), VIEWERS),
    CaseEndpoint(
        "consent record",
        "post",
        case_url("/consents"),
        CASE_WORK,
        ok=201,
        data=lambda w: {"purpose": "statistics", "method": "written"},
    ),
    CaseEndpoint("consent withdraw", "post", recorded_consent, CASE_WORK, data=lambda w: {}),
    CaseEndpoint("notes", "get", case_url("/notes"), VIEWERS),
    CaseEndpoint(
        "note add",
        "post",
        case_url("/notes"),
        CASE_WORK,
        ok=201,
        data=lambda w: {"body": "First contact at the bus station."},
    ),
    CaseEndpoint("attachments", "get", case_url("/attachments"), VIEWERS),
    CaseEndpoint(
        "attachment add",
        "post",
        case_url("/attachments"),
        CASE_WORK,
        ok=201,
        multipart=True,
        data=lambda w: {"file": SimpleUploadedFile("statement.pdf", PDF), "description": "x"},
    ),
    CaseEndpoint("attachment download", "get", stored_attachment, VIEWERS),
    CaseEndpoint("plans", "get", case_url("/plans"), VIEWERS),
    CaseEndpoint(
        "plan create",
        "post",
        case_url("/plans"),
        CASE_WORK,
        ok=201,
        data=lambda w: {"plan_type": "Health", "objectives": "Check-up"},
    ),
    CaseEndpoint("events", "get", case_url("/events"), VIEWERS),
    CaseEndpoint(
        "event add",
        "post",
        case_url("/events"),
        CASE_WORK,
        ok=201,
        data=lambda w: {"event_type": "Transit", "country": "KZ", "occurred_on": "2005-03-01"},
    ),
    CaseEndpoint(
        "assign",
        "post",
        case_url("/assign"),
        SUPERVISOR,
        data=lambda w: {"owner_id": str(w.a["case_worker"].user.uuid), "team_ids": []},
    ),
]


def test_every_case_route_is_in_the_matrix(world: World) -> None:
    from opennrm.api.cases import router

    routes = {
        (method.lower(), re.sub(r"\{\w+\}", "{}", path))
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    covered = {
        (e.method, re.sub(uuid, "{}", e.url(world)).removeprefix("/api/v1/cases"))
        for e in ENDPOINTS
    }
    assert covered == routes


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_access(world: World, endpoint: CaseEndpoint, principal: str) -> None:
    url = endpoint.url(world)
    client = client_for(world, principal)
    if endpoint.multipart:
        response = client.post(url, data=endpoint.data(world))
    elif endpoint.data is not None:
        response = getattr(client, endpoint.method)(
            url, data=json.dumps(endpoint.data(world)), content_type="application/json"
        )
    else:
        response = getattr(client, endpoint.method)(url)
    expected = endpoint.expected(principal)
    assert response.status_code == expected, (
        f"{endpoint.name} as {principal}: {response.status_code}, expected {expected}"
    )
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
    if expected == 200 and endpoint.name in ("list", "search"):
        # Organization B's members see their own (empty) list, never A's case.
        count = len(response.json()["items"])
        assert count == (1 if principal in SEES_DIANA else 0), (endpoint.name, principal)
