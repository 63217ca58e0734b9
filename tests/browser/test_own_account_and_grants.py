"""An organization admin asks for a role that reads identifying data, a second admin approves it;
a case worker changes their password and ends another session; the admin sets the time zone.

In a real Chromium, signed in by sessions made in the test; any console error fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Browser, expect

from opennrm.accounts import services
from opennrm.accounts.models import Membership, Role, RoleGrant, UserSession
from opennrm.notifications.models import Notification
from tests.browser.test_case_flow import shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.conftest import PASSWORD, build_world, sign_in


@pytest.mark.browser
def test_second_admin_approves_a_role_and_a_worker_looks_after_their_account(
    live_server, browser: Browser, screenshots: Path
) -> None:
    world = build_world()
    base = live_server.url
    errors: list[str] = []
    second_admin = services.membership_create(
        actor=world.platform,
        organization=world.org_a,
        email="second.admin.a@example.org",
        full_name="Second Admin A",
        role=Role.ORGANIZATION_ADMIN,
        password=PASSWORD,
    )
    analyst = world.a["data_analyst"]

    # --- The first admin asks for supervisor (reads every case) for the data analyst.
    admin = watch(
        signed_in_context(browser, base, world.a["organization_admin"]).new_page(), errors
    )
    admin.goto(f"{base}/members/{analyst.uuid}/")
    admin.select_option("select[name=role]", Role.SUPERVISOR.value)
    admin.click("button:text-is('Change role')")
    expect(admin.locator(".notice")).to_contain_text("awaits another admin's approval")
    analyst.refresh_from_db()
    assert analyst.role == Role.DATA_ANALYST  # nothing granted yet
    # The one who asked cannot decide.
    admin.goto(f"{base}/members/role-requests/")
    expect(admin.locator("td").filter(has_text="Another admin decides")).to_have_count(1)
    # Nor change their own role: the page does not even offer it.
    admin.goto(f"{base}/members/{world.a['organization_admin'].uuid}/")
    expect(admin.locator("select[name=role]")).to_have_count(0)

    # --- The second admin is told, and approves.
    assert Notification.objects.filter(recipient=second_admin.user).exists()
    second = watch(signed_in_context(browser, base, second_admin).new_page(), errors)
    second.goto(f"{base}/members/role-requests/")
    shot(second, screenshots / "role-requests.png")
    second.click("button:text-is('Approve')")
    second.wait_for_load_state()
    analyst.refresh_from_db()
    assert analyst.role == Role.SUPERVISOR
    grant = RoleGrant.objects.get(membership=analyst)
    assert grant.decided_by == second_admin.user

    # --- The admin sets the organization's time zone.
    admin.goto(f"{base}/organization/")
    admin.select_option("select[name=time_zone]", "Asia/Tashkent")
    admin.click("button:text-is('Save')")
    admin.wait_for_load_state()
    world.org_a.refresh_from_db()
    assert world.org_a.time_zone == "Asia/Tashkent"

    # --- A case worker with two sessions ends the other one, then changes the password.
    worker: Membership = world.a["case_worker"]
    other_session = sign_in(Client(), worker.user, worker)
    page = watch(signed_in_context(browser, base, worker).new_page(), errors)
    page.goto(f"{base}/accounts/sessions/")
    shot(page, screenshots / "own-sessions.png")
    rows = UserSession.objects.filter(user=worker.user).count()
    page.click("button:text-is('Sign out all other sessions')")
    page.wait_for_load_state()
    assert UserSession.objects.filter(user=worker.user).count() < rows
    assert other_session.get("/").status_code == 302  # sent back to sign in
    page.goto(f"{base}/accounts/password/")
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "another-long-password-2")
    page.fill("input[name=new_password2]", "another-long-password-2")
    page.click("button:text-is('Change password')")
    page.wait_for_load_state()
    worker.user.refresh_from_db()
    assert worker.user.check_password("another-long-password-2")
    assert page.url.startswith(base)
    page.goto(f"{base}/")  # still signed in: this session is the one that changed it
    assert "/accounts/login/" not in page.url

    assert errors == []
