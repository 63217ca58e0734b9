"""Who may own a case: one rule (active members whose role works cases), for page, API and service.

A user of another organization, an inactive member and a UUID that names nobody all answer alike.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from opennrm.accounts.services import api_token_create, membership_deactivate
from opennrm.cases import selectors, services
from opennrm.errors import ValidationFailed
from tests.cases.factories import open_diana
from tests.conftest import World, sign_in


@pytest.fixture
def supervisor(world: World) -> Client:
    member = world.a["supervisor"]
    _, raw = api_token_create(actor=world.actor(member), name="assign", days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _assign(client: Client, case, **body):
    return client.post(
        f"/api/v1/cases/{case.uuid}/assign",
        data=json.dumps({k: v for k, v in body.items()}),
        content_type="application/json",
    )


def _strip(response) -> tuple[int, str, dict]:
    return response.status_code, response["Content-Type"], response.json()


def test_another_organizations_user_answers_like_nobody(world, supervisor):
    case = open_diana(world.a["case_worker"])
    stranger = str(world.b["case_worker"].user.uuid)
    nobody = str(uuid.uuid4())
    assert _strip(_assign(supervisor, case, owner_id=stranger)) == _strip(
        _assign(supervisor, case, owner_id=nobody)
    )
    mine = str(world.a["case_worker"].user.uuid)
    as_team = _assign(supervisor, case, owner_id=mine, team_ids=[stranger])
    assert _strip(as_team) == _strip(_assign(supervisor, case, owner_id=mine, team_ids=[nobody]))
    assert as_team.status_code == 422
    assert as_team["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in as_team.json()["errors"]] == ["team_ids[0]"]
    case.refresh_from_db()
    assert case.owner == world.a["case_worker"].user and not case.team.exists()


def test_an_inactive_member_answers_like_nobody(world, supervisor):
    case = open_diana(world.a["case_worker"])
    leaver = world.a["case_worker"]
    colleague = world.a["hotline_operator"]
    membership_deactivate(actor=world.actor(world.a["organization_admin"]), membership=leaver)
    gone = _assign(supervisor, case, owner_id=str(leaver.user.uuid))
    nobody = _assign(supervisor, case, owner_id=str(uuid.uuid4()))
    assert _strip(gone) == _strip(nobody)
    assert _assign(supervisor, case, owner_id=str(colleague.user.uuid)).status_code == 200


def test_one_rule_from_the_permission_table(world):
    holders = set(selectors.case_holders(organization=world.org_a))
    # Roles that work cases (cases.view) and nobody else; nobody of organization B.
    assert holders == {
        world.a[role].user for role in ("case_worker", "supervisor", "hotline_operator")
    }
    assert set(selectors.case_assignable_list(actor=world.actor(world.a["supervisor"]))) == holders


def test_the_service_refuses_whom_the_rule_refuses(world):
    case = open_diana(world.a["case_worker"])
    supervisor = world.actor(world.a["supervisor"])
    for outsider in (world.a["data_analyst"].user, world.b["case_worker"].user):
        with pytest.raises(ValidationFailed) as refused:
            services.case_assign(actor=supervisor, case=case, owner=outsider)
        assert set(refused.value.errors) == {"owner"}


def test_the_assign_page_offers_only_active_case_holders(world):
    case = open_diana(world.a["case_worker"])
    leaver = world.a["hotline_operator"]
    membership_deactivate(actor=world.actor(world.a["organization_admin"]), membership=leaver)
    member = world.a["supervisor"]
    page = sign_in(Client(), member.user, member).get(f"/cases/{case.uuid}/assign/")
    assert page.status_code == 200
    offered = {str(u.uuid) for u in page.context["form"].fields["owner"].queryset}
    assert offered == {str(world.a[r].user.uuid) for r in ("case_worker", "supervisor")}
