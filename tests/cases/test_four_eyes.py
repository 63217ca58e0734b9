"""Four eyes on identification: whoever proposed a decision never reviews it (page and API).

A supervisor proposed an identification and then approved it themselves. Now the proposer's
approval or rejection is refused (403, recorded as a refused access) and nothing changes; another
supervisor of the organization reviews it.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from opennrm.accounts import services as account_services
from opennrm.accounts.models import Role
from opennrm.audit.models import AuditEvent
from opennrm.cases import services
from opennrm.cases.audit import CaseAction
from opennrm.cases.choices import DecisionState, IdentificationStage
from opennrm.cases.models import Case, IdentificationDecision
from tests.cases.factories import open_diana
from tests.conftest import PASSWORD, World, sign_in


@pytest.fixture
def proposed(world: World) -> IdentificationDecision:
    case = open_diana(world.a["case_worker"])
    return services.identification_propose(
        actor=world.actor(world.a["supervisor"]),
        case=case,
        stage=IdentificationStage.PRESUMED,
        grounds="Passport taken by the employer; wages withheld.",
        decided_by_type="NGO",
    )


def _unchanged(decision: IdentificationDecision) -> None:
    decision.refresh_from_db()
    assert decision.state == DecisionState.PROPOSED
    assert decision.reviewed_by is None
    assert Case.objects.get(pk=decision.case_id).version == decision.case.version
    assert not AuditEvent.objects.filter(
        action__in=[CaseAction.IDENTIFICATION_APPROVE, CaseAction.IDENTIFICATION_REJECT]
    ).exists()


@pytest.mark.parametrize("action", ["decision_approve", "decision_reject"])
def test_the_proposer_cannot_review_by_page(world: World, proposed, action) -> None:
    supervisor = world.a["supervisor"]
    client = sign_in(Client(), supervisor.user, supervisor)
    url = reverse(f"cases:{action}", args=[proposed.case.uuid, proposed.uuid])
    response = client.post(url)
    assert response.status_code == 403
    _unchanged(proposed)
    assert AuditEvent.objects.filter(
        action="access.denied", rule="identification.four_eyes"
    ).exists()


@pytest.mark.parametrize("verb", ["approve", "reject"])
def test_the_proposer_cannot_review_by_api(world: World, proposed, verb) -> None:
    supervisor = world.a["supervisor"]
    client = sign_in(Client(), supervisor.user, supervisor)
    response = client.post(f"/api/v1/cases/{proposed.case.uuid}/decisions/{proposed.uuid}/{verb}")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "another supervisor" in response.json()["title"]
    _unchanged(proposed)


def test_the_page_does_not_offer_the_proposer_a_review(world: World, proposed) -> None:
    supervisor = world.a["supervisor"]
    client = sign_in(Client(), supervisor.user, supervisor)
    page = client.get(f"/cases/{proposed.case.uuid}/identification/").content.decode()
    assert reverse("cases:decision_approve", args=[proposed.case.uuid, proposed.uuid]) not in page
    assert "Another supervisor reviews your proposal." in page


def test_another_supervisor_approves(world: World, proposed) -> None:
    second = account_services.membership_create(
        actor=world.platform,
        organization=world.org_a,
        email="second.supervisor.a@example.org",
        full_name="Second Supervisor A",
        role=Role.SUPERVISOR,
        password=PASSWORD,
    )
    client = sign_in(Client(), second.user, second)
    response = client.post(f"/api/v1/cases/{proposed.case.uuid}/decisions/{proposed.uuid}/approve")
    assert response.status_code == 200
    proposed.refresh_from_db()
    assert proposed.state == DecisionState.APPROVED
    assert proposed.reviewed_by == second.user
