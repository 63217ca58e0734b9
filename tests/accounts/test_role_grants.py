"""A role that reads identifying data is granted only with a second person's approval."""

from __future__ import annotations

import pytest
from django.test import Client

from opennrm import events
from opennrm.accounts import services
from opennrm.accounts.events import RoleGrantChanged
from opennrm.accounts.models import Membership, Role, RoleGrant
from opennrm.accounts.permissions import role_needs_second_person, role_reads_identifying
from opennrm.audit.models import AuditEvent
from opennrm.errors import PermissionDenied
from opennrm.notifications.models import Notification
from opennrm.notifications.services import on_role_grant_changed


def _second_admin(world) -> Membership:
    """A second admin of organization A (made by the platform admin: at once)."""
    return services.membership_create(
        actor=world.platform,
        organization=world.org_a,
        email="second.admin@example.org",
        full_name="Second Admin",
        role=Role.ORGANIZATION_ADMIN,
        password="a-long-test-password-2",
    )


@pytest.fixture
def second_admin(world) -> Membership:
    return _second_admin(world)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _added_by_the_admin(world, email: str, *, role: str) -> Membership:
    """A new member of organization A, added by its admin alone."""
    return services.membership_create(
        actor=world.actor(world.a["organization_admin"]),
        organization=world.org_a,
        email=email,
        full_name="New Member",
        role=role,
    )


def test_the_roles_reading_identifying_data_come_from_the_permission_table():
    reading = {role for role in Role if role_reads_identifying(role)}
    assert reading == {
        Role.HOTLINE_OPERATOR,
        Role.CASE_WORKER,
        Role.SUPERVISOR,
        Role.SERVICE_PROVIDER,
        Role.LAW_ENFORCEMENT_LIAISON,
    }
    assert {role for role in Role if role_needs_second_person(role)} == reading | {
        Role.ORGANIZATION_ADMIN
    }


def test_the_subscriber_is_registered():
    assert on_role_grant_changed in events.handlers_of(RoleGrantChanged)


def test_an_admins_grant_waits_and_a_second_admin_approves_it(world, signed_in, second_admin):
    admin = world.a["organization_admin"]
    member = world.a["data_analyst"]
    client = signed_in(admin.user, admin)
    page = client.post(f"/members/{member.uuid}/role/", {"role": "supervisor"}, follow=True)
    assert "waits for another admin" in page.content.decode()
    member.refresh_from_db()
    assert member.role == "data_analyst"  # not yet
    grant = RoleGrant.objects.get(membership=member)
    assert (grant.status, grant.role, grant.requested_by) == ("pending", "supervisor", admin.user)
    assert [e.object_id for e in _events("role_grant.request")] == [grant.uuid]
    assert not _events("membership.change_role")
    # The other admin is told; the one who asked is not.
    told = Notification.objects.filter(kind="role_grant")
    assert [n.recipient for n in told] == [second_admin.user]
    assert told[0].url == "/members/role-requests/"

    # The one who asked sees the request but cannot decide it.
    listing = client.get("/members/role-requests/").content.decode()
    assert member.user.email in listing and f"/{grant.uuid}/approve/" not in listing
    client.post(f"/members/role-requests/{grant.uuid}/approve/", follow=True)
    grant.refresh_from_db()
    assert grant.status == "pending"
    with pytest.raises(PermissionDenied):
        services.role_grant_approve(actor=world.actor(admin), grant=grant)
    # Another organization's admin does not even find it.
    other = world.b["organization_admin"]
    response = signed_in(other.user, other).post(f"/members/role-requests/{grant.uuid}/approve/")
    assert response.status_code == 404
    # Nor does a member who cannot manage members.
    supervisor = world.a["supervisor"]
    response = signed_in(supervisor.user, supervisor).post(
        f"/members/role-requests/{grant.uuid}/approve/"
    )
    assert response.status_code == 403

    second = signed_in(second_admin.user, second_admin)
    listing = second.get("/members/role-requests/").content.decode()
    assert f"/members/role-requests/{grant.uuid}/approve/" in listing
    assert second.post(f"/members/role-requests/{grant.uuid}/approve/").status_code == 302
    member.refresh_from_db()
    grant.refresh_from_db()
    assert member.role == "supervisor"
    assert (grant.status, grant.decided_by) == ("approved", second_admin.user)
    assert [e.actor for e in _events("role_grant.approve")] == [second_admin.user]
    assert [e.object_id for e in _events("membership.change_role")] == [member.uuid]
    assert Notification.objects.filter(kind="role_grant", recipient=admin.user).count() == 1
    # Decided once only.
    response = second.post(f"/members/role-requests/{grant.uuid}/refuse/")
    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.status == "approved"


def test_a_refused_grant_leaves_the_role_as_it_was(world, second_admin):
    admin = world.actor(world.a["organization_admin"])
    member = world.a["data_analyst"]
    services.membership_change_role(actor=admin, membership=member, role="case_worker")
    grant = RoleGrant.objects.get(membership=member)
    services.role_grant_refuse(actor=world.actor(second_admin), grant=grant)
    member.refresh_from_db()
    grant.refresh_from_db()
    assert member.role == "data_analyst"
    assert grant.status == "refused"
    assert len(_events("role_grant.refuse")) == 1
    # The asking admin hears of it.
    assert Notification.objects.filter(
        kind="role_grant", recipient=world.a["organization_admin"].user
    ).exists()


def test_the_platform_admin_decides_only_where_there_is_no_other_admin(world, signed_in):
    admin = world.actor(world.a["organization_admin"])
    member = world.a["data_analyst"]
    services.membership_change_role(actor=admin, membership=member, role="supervisor")
    grant = RoleGrant.objects.get(membership=member)
    platform = signed_in(world.platform_admin)
    listing = platform.get("/platform/role-requests/").content.decode()
    assert f"/platform/role-requests/{grant.uuid}/approve/" in listing
    assert platform.post(f"/platform/role-requests/{grant.uuid}/approve/").status_code == 302
    member.refresh_from_db()
    assert member.role == "supervisor"

    # With a second admin in the organization, that admin decides, not the platform admin.
    second = _second_admin(world)
    services.membership_change_role(
        actor=admin, membership=world.a["hotline_operator"], role="supervisor"
    )
    grant = RoleGrant.objects.get(membership=world.a["hotline_operator"], status="pending")
    assert platform.post(f"/platform/role-requests/{grant.uuid}/approve/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.role_grant_approve(actor=world.platform, grant=grant)
    assert second.is_active


def test_roles_without_identifying_data_change_at_once_and_are_audited(world):
    admin = world.actor(world.a["organization_admin"])
    member = world.a["case_worker"]
    services.membership_change_role(actor=admin, membership=member, role="data_analyst")
    member.refresh_from_db()
    assert member.role == "data_analyst"
    assert not RoleGrant.objects.exists()
    assert len(_events("membership.change_role")) == 1
    # A smaller role among those reading identifying data needs no second person either.
    supervisor = world.a["supervisor"]
    services.membership_change_role(actor=admin, membership=supervisor, role="case_worker")
    supervisor.refresh_from_db()
    assert supervisor.role == "case_worker"


def test_a_new_member_with_such_a_role_is_inactive_until_approved(world, second_admin):
    membership = _added_by_the_admin(world, "new.worker@example.org", role="case_worker")
    assert not membership.is_active
    grant = RoleGrant.objects.get(membership=membership)
    assert grant.activates
    services.role_grant_approve(actor=world.actor(second_admin), grant=grant)
    membership.refresh_from_db()
    assert membership.is_active and membership.role == "case_worker"


def test_an_admin_cannot_create_a_second_admin_account_alone(world, second_admin):
    membership = _added_by_the_admin(
        world, "my.other.account@example.org", role="organization_admin"
    )
    assert not membership.is_active
    assert RoleGrant.objects.get(membership=membership).status == "pending"


def test_deactivating_a_member_cancels_their_request(world, second_admin):
    admin = world.actor(world.a["organization_admin"])
    member = world.a["data_analyst"]
    services.membership_change_role(actor=admin, membership=member, role="supervisor")
    services.membership_deactivate(actor=world.actor(second_admin), membership=member)
    assert RoleGrant.objects.get(membership=member).status == "cancelled"
    assert len(_events("role_grant.cancel")) == 1


def test_the_api_answers_the_pending_role(world):
    admin = world.a["organization_admin"]
    member = world.a["data_analyst"]
    _token, raw = services.api_token_create(actor=world.actor(admin), name="t", days=1)
    response = Client().post(
        f"/api/v1/members/{member.uuid}/role",
        {"role": "supervisor"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["pending_role"]) == (
        "data_analyst",
        "supervisor",
    )
    member.refresh_from_db()
    assert member.role == "data_analyst"


def test_the_api_lists_approves_and_refuses_role_requests(world, second_admin):
    admin = world.a["organization_admin"]
    member = world.a["data_analyst"]
    services.membership_change_role(actor=world.actor(admin), membership=member, role="supervisor")
    grant = RoleGrant.objects.get(membership=member)

    def bearer(membership) -> dict:
        _token, raw = services.api_token_create(actor=world.actor(membership), name="t", days=1)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    asking, second = bearer(admin), bearer(second_admin)
    [listed] = Client().get("/api/v1/members/role-requests", **asking).json()
    assert (listed["id"], listed["role"], listed["may_decide"]) == (
        str(grant.uuid),
        "supervisor",
        False,
    )
    refused = Client().post(f"/api/v1/members/role-requests/{grant.uuid}/approve", **asking)
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    other = Client().post(
        f"/api/v1/members/role-requests/{grant.uuid}/approve",
        **bearer(world.b["organization_admin"]),
    )
    assert other.status_code == 404
    member.refresh_from_db()
    assert member.role == "data_analyst"
    approved = Client().post(f"/api/v1/members/role-requests/{grant.uuid}/approve", **second)
    assert approved.status_code == 200
    assert (approved.json()["role"], approved.json()["pending_role"]) == ("supervisor", None)
    again = Client().post(f"/api/v1/members/role-requests/{grant.uuid}/refuse", **second)
    assert again.status_code == 404


def test_the_member_list_does_not_query_per_member(world, signed_in, second_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = world.a["organization_admin"]
    client = signed_in(admin.user, admin)
    with CaptureQueriesContext(connection) as before:
        assert client.get("/members/").status_code == 200
    actor = world.actor(admin)
    for n in range(3):
        services.membership_create(
            actor=actor,
            organization=world.org_a,
            email=f"new{n}@example.org",
            full_name=f"New {n}",
            role="case_worker",  # pending: each with an open request
        )
    with CaptureQueriesContext(connection) as after:
        page = client.get("/members/")
    assert page.content.decode().count("awaiting approval") == 3
    assert len(after.captured_queries) == len(before.captured_queries)
