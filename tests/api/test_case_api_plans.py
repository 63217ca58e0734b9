"""Support plans, historic events and assignment through the API."""

from __future__ import annotations

import json

from django.test import Client

from opennrm.cases.models import Service
from tests.cases.factories import open_diana
from tests.conftest import sign_in


def _post(client: Client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_plan_with_a_service_events_and_assignment(world):
    worker = world.a["case_worker"]
    case = open_diana(worker)
    base = f"/api/v1/cases/{case.uuid}"
    client = sign_in(Client(), worker.user, worker)
    plan = _post(client, f"{base}/plans", {"plan_type": "Legal", "objectives": "Passport back"})
    assert plan.status_code == 201
    plan_id = plan.json()["id"]
    service = _post(
        client,
        f"{base}/services",
        {"service_type": "Legal", "plan_id": plan_id, "provider_id": str(world.org_b.uuid)},
    )
    assert service.status_code == 201 and service.json()["plan_id"] == plan_id
    assert Service.objects.get(uuid=service.json()["id"]).plan.uuid.hex == plan_id.replace("-", "")
    wrong_plan = _post(
        client, f"{base}/services", {"service_type": "Legal", "plan_id": str(world.org_a.uuid)}
    )
    assert wrong_plan.status_code == 422 and wrong_plan.json()["errors"][0]["field"] == "plan_id"
    assert [p["plan_type"] for p in client.get(f"{base}/plans").json()] == ["Legal"]
    # A plan recorded once it had ended (from the organization's own files) says when.
    ended = _post(client, f"{base}/plans", {"plan_type": "Health", "ended_on": "2005-12-01"})
    assert ended.status_code == 201 and ended.json()["ended_on"] == "2005-12-01"

    event = _post(client, f"{base}/events", {"event_type": "Transit", "country": "XX"})
    assert event.status_code == 422 and event.json()["errors"][0]["field"] == "country"
    event = _post(
        client,
        f"{base}/events",
        {"event_type": "Recruitment", "country": "UZ", "occurred_on": "2005-02-14"},
    )
    assert event.status_code == 201
    assert [e["event_type"] for e in client.get(f"{base}/events").json()] == ["Recruitment"]

    supervisor = sign_in(Client(), world.a["supervisor"].user, world.a["supervisor"])
    body = {
        "owner_id": str(world.a["case_worker"].user.uuid),
        "team_ids": [str(world.a["hotline_operator"].user.uuid)],
    }
    assert _post(supervisor, f"{base}/assign", body).status_code == 200
    operator = sign_in(Client(), world.a["hotline_operator"].user, world.a["hotline_operator"])
    assert operator.get(base).status_code == 200  # on the team now
    bad = _post(supervisor, f"{base}/assign", {"owner_id": str(world.b["case_worker"].user.uuid)})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "owner_id"
