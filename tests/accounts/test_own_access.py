"""Nobody changes their own role or memberships: not by page, not by API, not by the service."""

from __future__ import annotations

import pytest
from django.test import Client

from opennrm.accounts import services
from opennrm.accounts.models import Membership
from opennrm.audit.models import AuditEvent
from opennrm.audit.services import ACCESS_DENIED
from opennrm.errors import PermissionDenied


def _bearer(world, membership) -> dict:
    _token, raw = services.api_token_create(actor=world.actor(membership), name="t", days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _role_by_api(world, by: Membership, member: Membership, role: str):
    """``by`` asks the API to give ``member`` the ``role``."""
    return Client().post(
        f"/api/v1/members/{member.uuid}/role",
        {"role": role},
        content_type="application/json",
        **_bearer(world, by),
    )


def test_an_admin_cannot_make_themselves_supervisor_by_page(world, signed_in):
    own = world.a["organization_admin"]
    client = signed_in(own.user, own)
    response = client.post(f"/members/{own.uuid}/role/", {"role": "supervisor"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.role == "organization_admin"
    assert "Nobody may change their own role or memberships" in response.content.decode()
    assert not AuditEvent.objects.filter(action="membership.change_role").exists()
    # The attempt shows among the refused accesses of the organization.
    denial = AuditEvent.objects.get(action=ACCESS_DENIED, actor=own.user)
    assert denial.rule == services.OWN_ACCESS_RULE
    # And the case list stays closed to the admin.
    assert client.get("/cases/").status_code == 403


def test_an_admin_cannot_make_themselves_supervisor_by_api(world):
    own = world.a["organization_admin"]
    response = _role_by_api(world, own, own, "supervisor")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "permission_denied"
    assert "own role" in body["title"]
    own.refresh_from_db()
    assert own.role == "organization_admin"


def test_the_api_changes_another_members_role(world):
    admin = world.a["organization_admin"]
    member = world.a["data_analyst"]
    response = _role_by_api(world, admin, member, "hotline_operator")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == str(member.uuid)
    # Another organization's member is not found, like one that does not exist.
    other = world.b["data_analyst"]
    response = _role_by_api(world, admin, other, "hotline_operator")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.role == "data_analyst"


def test_an_admin_cannot_deactivate_their_own_membership(world, signed_in):
    own = world.a["organization_admin"]
    client = signed_in(own.user, own)
    response = client.post(f"/members/{own.uuid}/deactivate/")
    assert response.status_code == 403
    assert "Nobody may change their own role or memberships" in response.content.decode()
    own.refresh_from_db()
    assert own.is_active
    response = Client().post(f"/api/v1/members/{own.uuid}/deactivate", **_bearer(world, own))
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.is_active


def test_the_service_refuses_own_role_and_a_membership_for_oneself(world):
    own = world.a["organization_admin"]
    actor = world.actor(own)
    with pytest.raises(PermissionDenied):
        services.membership_change_role(actor=actor, membership=own, role="supervisor")
    with pytest.raises(PermissionDenied):
        services.membership_create(
            actor=actor,
            organization=world.org_a,
            email=own.user.email,
            full_name="",
            role="supervisor",
        )
    assert Membership.objects.get(pk=own.pk).role == "organization_admin"


def test_the_member_page_offers_no_role_form_for_oneself(world, signed_in):
    own = world.a["organization_admin"]
    page = signed_in(own.user, own).get(f"/members/{own.uuid}/").content.decode()
    assert f"/members/{own.uuid}/role/" not in page
    other = world.a["case_worker"]
    page = signed_in(own.user, own).get(f"/members/{other.uuid}/").content.decode()
    assert f"/members/{other.uuid}/role/" in page
