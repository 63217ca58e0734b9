"""A refused access is recorded: who, under which organization, what kind of object, which rule.

Never the object's id, the path or the query, which may identify a person. An anonymous request is
only logged (no audit event), and the record of a refusal outlives the refused request's
rolled-back transaction.
"""

from __future__ import annotations

import logging

import pytest
from django.db import transaction
from django.test import Client

from opennrm.accounts import services as account_services
from opennrm.audit.models import AuditEvent
from opennrm.audit.services import audit_verify, canonical_json
from opennrm.errors import PermissionDenied
from tests.cases.factories import DIANA_PERSON, open_diana
from tests.conftest import ROLES, World, build_world, sign_in

SECRET_QUERY = "Каримова"


def _denials() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="access.denied").order_by("id"))


def _token(world: World, key: str, role: str) -> dict[str, str]:
    membership = getattr(world, key)[role]
    _token, raw = account_services.api_token_create(
        actor=world.actor(membership), name="probe", days=1
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _assert_says_nothing_identifying(event: AuditEvent, caplog, *secrets: str) -> None:
    assert event.object_id is None and event.fields == []
    recorded = canonical_json(event) + caplog.text
    for secret in (*secrets, SECRET_QUERY, DIANA_PERSON["given_name"], "?q="):
        assert secret not in recorded


@pytest.fixture
def diana(world):
    return open_diana(world.a["case_worker"])


# --- By page.


def test_a_page_refused_for_want_of_a_permission_is_recorded(world, caplog):
    analyst = world.a["data_analyst"]
    client = sign_in(Client(), analyst.user, analyst)
    with caplog.at_level(logging.INFO, logger="opennrm.security"):
        response = client.get("/cases/", {"q": SECRET_QUERY})
    assert response.status_code == 403
    [event] = _denials()
    assert event.actor == analyst.user and event.organization == world.org_a
    assert (event.object_type, event.rule) == ("cases:case_list", "cases.view")
    assert event.request_id == response["X-Request-ID"]
    _assert_says_nothing_identifying(event, caplog)
    assert f"status=403 user={analyst.user.uuid} organization={world.org_a.uuid}" in caplog.text
    assert "kind=cases:case_list rule=cases.view" in caplog.text
    assert audit_verify().ok


def test_a_page_of_another_organizations_case_is_recorded(world, diana, caplog):
    prober = world.b["case_worker"]
    client = sign_in(Client(), prober.user, prober)
    with caplog.at_level(logging.INFO, logger="opennrm.security"):
        response = client.get(f"/cases/{diana.uuid}/", {"q": SECRET_QUERY})
    assert response.status_code == 404
    [event] = _denials()
    # Under the prober's own organization: its admin sees the probing, A learns nothing of B.
    assert event.actor == prober.user and event.organization == world.org_b
    assert (event.object_type, event.rule) == ("case", "cases.selectors.case_get")
    _assert_says_nothing_identifying(event, caplog, str(diana.uuid), str(diana.person.uuid))
    assert "status=404" in caplog.text and "kind=case rule=cases.selectors.case_get" in caplog.text


def test_a_refusal_by_a_service_names_the_gate(world, diana):
    """A case worker of A sees the case but may not close it: the service itself refuses."""
    response = Client().post(
        f"/api/v1/cases/{diana.uuid}/status",
        {"status": "Closed", "reason": "done"},
        content_type="application/json",
        **_token(world, "a", "case_worker"),
    )
    assert response.status_code == 403
    [event] = _denials()
    assert event.actor == world.a["case_worker"].user and event.organization == world.org_a
    assert (event.object_type, event.rule) == ("case", "cases.services.case_change_status")


def test_anonymous_page_requests_are_logged_without_an_event(db, caplog):
    with caplog.at_level(logging.INFO, logger="opennrm.security"):
        response = Client().get("/members/", {"q": SECRET_QUERY})
    assert response.status_code == 302
    assert not _denials()
    assert "status=302 user=anonymous kind=accounts:member_list rule=signed-in" in caplog.text
    assert SECRET_QUERY not in caplog.text


# --- By API.


def test_an_api_call_refused_for_want_of_a_permission_is_recorded(world, caplog):
    with caplog.at_level(logging.INFO, logger="opennrm.security"):
        response = Client().get("/api/v1/cases", **_token(world, "a", "data_analyst"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    [event] = _denials()
    assert event.actor == world.a["data_analyst"].user and event.organization == world.org_a
    assert event.rule == "cases.view" and event.object_type == "api-v1:case_list"
    _assert_says_nothing_identifying(event, caplog)
    assert "status=403" in caplog.text and "rule=cases.view" in caplog.text


def test_an_api_call_for_another_organizations_case_is_recorded(world, diana, caplog):
    with caplog.at_level(logging.INFO, logger="opennrm.security"):
        response = Client().get(
            f"/api/v1/cases/{diana.uuid}/person", **_token(world, "b", "case_worker")
        )
    assert response.status_code == 404
    [event] = _denials()
    assert event.actor == world.b["case_worker"].user and event.organization == world.org_b
    assert (event.object_type, event.rule) == ("case", "cases.selectors.case_get")
    _assert_says_nothing_identifying(event, caplog, str(diana.uuid), str(diana.person.uuid))


def test_an_api_call_by_a_session_of_the_other_organization_is_recorded(world, diana):
    prober = world.b["supervisor"]
    client = sign_in(Client(), prober.user, prober)
    response = client.get(f"/api/v1/cases/{diana.uuid}")
    assert response.status_code == 404
    [event] = _denials()
    assert event.actor == prober.user and event.organization == world.org_b
    assert event.object_type == "case"


def test_anonymous_api_calls_are_logged_without_an_event(world, diana, caplog):
    with caplog.at_level(logging.INFO, logger="opennrm.security"):
        response = Client().get(
            f"/api/v1/cases/{diana.uuid}", HTTP_AUTHORIZATION="Bearer onrm_not-a-token"
        )
    assert response.status_code == 401
    assert not _denials()
    assert "status=401 user=anonymous kind=case rule=signed-in" in caplog.text
    assert str(diana.uuid) not in caplog.text


# --- Its own transaction.


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("via", ["page", "api"])
def test_the_record_outlives_the_refused_requests_rolled_back_transaction(monkeypatch, via):
    """The change refused half-way is rolled back; the record of the refusal is committed."""
    world = build_world()
    admin = world.a["organization_admin"]
    target = world.a["case_worker"]

    def refuse_after_a_write(**kwargs):
        with transaction.atomic():
            account_services.organization_create(
                actor=world.platform, name="Half-done", org_type="NGO", country="KZ"
            )
            raise PermissionDenied("refused after a write", rule="members.change_role")

    if via == "page":
        monkeypatch.setattr(account_services, "membership_change_role", refuse_after_a_write)
        client = sign_in(Client(), admin.user, admin)
        response = client.post(f"/members/{target.uuid}/role/", {"role": "supervisor"})
    else:
        from opennrm.accounts import services as services_module

        monkeypatch.setattr(services_module, "organization_update", refuse_after_a_write)
        client = sign_in(Client(), world.platform_admin)
        response = client.patch(
            f"/api/v1/organizations/{world.org_a.uuid}",
            data={"version": 1, "city": "Astana"},
            content_type="application/json",
        )
    assert response.status_code == 403
    assert not transaction.get_connection().in_atomic_block  # nothing left to commit or roll back
    assert not account_services.Organization.objects.filter(name="Half-done").exists()
    [event] = _denials()
    assert event.rule == "members.change_role"
    assert audit_verify().ok


def test_requests_are_not_one_transaction(settings):
    """A request-wide transaction would roll the record of a refusal back with the request."""
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is False


# --- The organization admin's page: two organizations, every role.


def _probe(world: World, key: str) -> str:
    """A data analyst of the organization is refused the case list; their e-mail."""
    analyst = getattr(world, key)["data_analyst"]
    sign_in(Client(), analyst.user, analyst).get("/cases/")
    return analyst.user.email


def test_the_organization_admin_sees_the_refusals_of_their_organization_only(world):
    prober_a, prober_b = _probe(world, "a"), _probe(world, "b")
    for key, own, other in (("a", prober_a, prober_b), ("b", prober_b, prober_a)):
        admin = getattr(world, key)["organization_admin"]
        client = sign_in(Client(), admin.user, admin)
        page = client.get("/access-denials/")
        assert page.status_code == 200
        text = page.content.decode()
        assert own in text and "cases.view" in text and "cases:case_list" in text
        assert other not in text
        assert 'href="/access-denials/"' in text  # in the admin's navigation


@pytest.mark.parametrize("role", [r.value for r in ROLES if r.value != "organization_admin"])
def test_no_other_role_sees_the_refusals(world, role):
    _probe(world, "a")
    for key in ("a", "b"):
        member = getattr(world, key)[role]
        client = sign_in(Client(), member.user, member)
        assert client.get("/access-denials/").status_code == 403
        assert 'href="/access-denials/"' not in client.get("/").content.decode()


def test_the_platform_admin_and_anonymous_do_not_see_the_refusals(world):
    _probe(world, "a")
    assert sign_in(Client(), world.platform_admin).get("/access-denials/").status_code == 403
    response = Client().get("/access-denials/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
