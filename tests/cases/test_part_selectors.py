"""The parts of a case are read through selectors, the same for the pages and the API."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opennrm.accounts.services import api_token_create
from opennrm.cases import selectors, services
from opennrm.errors import NotFound, PermissionDenied
from tests.cases.factories import open_diana
from tests.conftest import World

PART_LISTS = [
    selectors.case_decision_list,
    selectors.case_plan_list,
    selectors.case_service_list,
    selectors.case_consent_list,
    selectors.case_note_list,
    selectors.case_event_list,
    selectors.case_attachment_list,
]


def _with_services(world: World, count: int):
    worker = world.actor(world.a["case_worker"])
    case = open_diana(world.a["case_worker"])
    for _ in range(count):
        plan = services.support_plan_create(actor=worker, case=case, plan_type="Legal")
        services.service_add(
            actor=worker, case=case, service_type="Legal", plan=plan, provider=world.org_b
        )
    return case


@pytest.mark.parametrize("part_list", PART_LISTS, ids=lambda f: f.__name__)
def test_a_part_is_never_read_around_its_case(world, part_list):
    case = open_diana(world.a["case_worker"])
    list(part_list(actor=world.actor(world.a["case_worker"]), case=case))  # the owner may
    with pytest.raises(NotFound):  # another case worker of the organization may not see it
        part_list(actor=world.actor(world.a["hotline_operator"]), case=case)
    with pytest.raises(NotFound):  # nor may anyone of another organization
        part_list(actor=world.actor(world.b["supervisor"]), case=case)
    with pytest.raises(PermissionDenied):  # nor a role that works no cases
        part_list(actor=world.actor(world.a["data_analyst"]), case=case)


def test_a_part_of_another_case_is_not_found(world):
    worker = world.actor(world.a["case_worker"])
    mine, other = open_diana(world.a["case_worker"]), open_diana(world.a["case_worker"])
    plan = services.support_plan_create(actor=worker, case=other, plan_type="Legal")
    with pytest.raises(NotFound):
        selectors.case_plan_get(actor=worker, case=mine, plan_id=plan.uuid)
    with pytest.raises(NotFound):
        selectors.case_consent_get(actor=worker, case=mine, consent_id=uuid.uuid4())
    with pytest.raises(NotFound):
        selectors.case_decision_get(actor=worker, case=mine, decision_id="not-a-uuid")
    assert selectors.case_plan_get(actor=worker, case=other, plan_id=plan.uuid) == plan


def _api_services_queries(world: World, case) -> int:
    member = world.a["case_worker"]
    _, raw = api_token_create(actor=world.actor(member), name=f"q{case.pk}", days=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/cases/{case.uuid}/services")
    assert response.status_code == 200
    assert all(item["plan_id"] for item in response.json())
    return len(queries)


def test_the_api_service_list_reads_plans_and_providers_in_one_query(world):
    """The API's service list used to read each service's plan on its own (N+1)."""
    one = _api_services_queries(world, _with_services(world, 1))
    five = _api_services_queries(world, _with_services(world, 5))
    assert five == one
