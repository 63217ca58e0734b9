"""An organization admin deactivates a member's user account: never their own, never another
organization's user, never one who works for another organization too."""

from __future__ import annotations

import pytest
from django.test import Client

from opennrm.accounts import services
from opennrm.accounts.models import ApiToken, Membership, User, UserSession
from opennrm.audit.models import AuditEvent
from opennrm.errors import NotFound, PermissionDenied, ValidationFailed
from tests.conftest import sign_in


def test_an_admin_deactivates_a_member_by_page(world, signed_in):
    admin = world.a["organization_admin"]
    member = world.a["case_worker"]
    member_client = sign_in(Client(), member.user, member)
    services.api_token_create(actor=world.actor(member), name="t", days=1)
    client = signed_in(admin.user, admin)
    assert (
        f"/members/{member.uuid}/deactivate-user/"
        in client.get(f"/members/{member.uuid}/").content.decode()
    )
    response = client.post(f"/members/{member.uuid}/deactivate-user/")
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    assert not User.objects.get(pk=member.user.pk).is_active
    assert not UserSession.objects.filter(user=member.user).exists()
    assert not ApiToken.objects.filter(membership=member, revoked_at__isnull=True).exists()
    assert member_client.get("/")["Location"].startswith("/accounts/login/")
    event = AuditEvent.objects.get(action="user.deactivate", object_id=member.user.uuid)
    assert (event.actor, event.organization) == (admin.user, world.org_a)


def test_an_admin_cannot_deactivate_themselves(world, signed_in):
    admin = world.a["organization_admin"]
    response = signed_in(admin.user, admin).post(f"/members/{admin.uuid}/deactivate-user/")
    assert response.status_code == 403
    assert User.objects.get(pk=admin.user.pk).is_active
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=world.actor(admin), user=admin.user)


def test_an_admin_cannot_deactivate_another_organizations_user(world, signed_in):
    admin = world.a["organization_admin"]
    other = world.b["case_worker"]
    response = signed_in(admin.user, admin).post(f"/members/{other.uuid}/deactivate-user/")
    assert response.status_code == 404
    with pytest.raises(NotFound):
        services.user_deactivate(actor=world.actor(admin), user=other.user)
    assert User.objects.get(pk=other.user.pk).is_active
    assert Membership.objects.get(pk=other.pk).is_active


def test_a_user_working_for_another_organization_too_is_left_to_its_admins(world, signed_in):
    admin = world.a["organization_admin"]
    member = world.a["case_worker"]
    services.membership_create(
        actor=world.platform,
        organization=world.org_b,
        email=member.user.email,
        full_name="",
        role="data_analyst",
    )
    client = signed_in(admin.user, admin)
    page = client.post(f"/members/{member.uuid}/deactivate-user/", follow=True)
    assert "also works for another organization" in page.content.decode()
    with pytest.raises(ValidationFailed):
        services.user_deactivate(actor=world.actor(admin), user=member.user)
    assert User.objects.get(pk=member.user.pk).is_active


def test_other_roles_may_not_and_the_platform_admin_may(world, signed_in):
    supervisor = world.a["supervisor"]
    member = world.a["case_worker"]
    response = signed_in(supervisor.user, supervisor).post(
        f"/members/{member.uuid}/deactivate-user/"
    )
    assert response.status_code == 403
    assert User.objects.get(pk=member.user.pk).is_active
    services.user_deactivate(actor=world.platform, user=member.user)
    assert not User.objects.get(pk=member.user.pk).is_active


def test_the_api_deactivates_a_user(world):
    admin = world.a["organization_admin"]
    member = world.a["data_analyst"]
    _token, raw = services.api_token_create(actor=world.actor(admin), name="t", days=1)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = Client().post(f"/api/v1/members/{member.uuid}/deactivate-user", **headers)
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert not User.objects.get(pk=member.user.pk).is_active
    response = Client().post(f"/api/v1/members/{admin.uuid}/deactivate-user", **headers)
    assert response.status_code == 403
    other = world.b["data_analyst"]
    response = Client().post(f"/api/v1/members/{other.uuid}/deactivate-user", **headers)
    assert response.status_code == 404
