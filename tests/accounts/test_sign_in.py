"""Sign-in: lockout, two-factor, replay, session lifetime, deactivation, reset, demo mode."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from opennrm.accounts import selectors, services
from opennrm.accounts.models import UserSession
from opennrm.audit.models import AuditEvent
from opennrm.errors import ValidationFailed
from tests.conftest import PASSWORD, confirmed_device, sign_in, totp_now

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def login(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": email, "password": password}, **extra)


def test_lockout_after_five_failures_per_username_and_ip(world):
    user = world.a["case_worker"].user
    client = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(5):
        response = login(client, user.email, "wrong-password")
    assert response.status_code in (200, 429)
    # The right password no longer opens the door from this address…
    response = login(client, user.email)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "15 minutes" in response.content.decode()
    # …but the lockout is per username and IP together: another address may still sign in.
    other = Client(REMOTE_ADDR="10.0.0.6")
    assert login(other, user.email).status_code == 302


def test_four_failures_do_not_lock(world):
    user = world.a["case_worker"].user
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(4):
        login(client, user.email, "wrong-password")
    assert login(client, user.email).status_code == 302


def test_lockout_ends_after_cool_off(world, settings):
    user = world.a["case_worker"].user
    client = Client(REMOTE_ADDR="10.0.0.8")
    for _ in range(5):
        login(client, user.email, "wrong-password")
    assert login(client, user.email).status_code == 429
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert login(client, user.email).status_code == 302


@pytest.mark.parametrize(
    "role",
    [
        "hotline_operator",
        "case_worker",
        "supervisor",
        "service_provider",
        "law_enforcement_liaison",
        "organization_admin",
    ],
)
def test_two_factor_required_for_roles_that_see_identifying_data(world, role):
    user = world.a[role].user
    client = Client()
    response = login(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/verify/"
    # Nothing else opens before enrolment: pages send to setup, the API refuses.
    response = client.get("/members/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/setup/"
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_required"


def test_platform_admin_needs_two_factor(world):
    client = Client()
    login(client, world.platform_admin.email)
    assert client.get("/platform/organizations/")["Location"] == "/accounts/two-factor/setup/"


def test_data_analyst_signs_in_without_two_factor(world):
    client = Client()
    response = login(client, world.a["data_analyst"].user.email)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_enrolment_by_qr_code_then_verified(world):
    user = world.a["case_worker"].user
    client = Client()
    login(client, user.email)
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/two-factor/setup/", {"token": "000000"})
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    # django-otp throttles after a failure; let the pause pass.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post("/accounts/two-factor/setup/", {"token": totp_now(device)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="two_factor.enrol", object_id=user.uuid).exists()


def test_replayed_totp_code_is_refused(world):
    user = world.a["supervisor"].user
    device = confirmed_device(user)
    code = totp_now(device)
    first = Client()
    login(first, user.email)
    assert first.post("/accounts/two-factor/verify/", {"token": code}).status_code == 302
    assert first.get("/").status_code == 200

    second = Client()
    login(second, user.email)
    response = second.post("/accounts/two-factor/verify/", {"token": code})
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert second.get("/")["Location"] == "/accounts/two-factor/verify/"
    assert AuditEvent.objects.filter(action="two_factor.fail", object_id=user.uuid).exists()


def test_deactivation_ends_every_session(world):
    member = world.a["case_worker"]
    laptop = sign_in(Client(), member.user, member)
    phone = sign_in(Client(), member.user, member)
    assert laptop.get("/").status_code == 200
    assert UserSession.objects.filter(user=member.user).count() == 2

    services.membership_deactivate(
        actor=world.actor(world.a["organization_admin"]), membership=member
    )
    for client in (laptop, phone):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/"
    assert not UserSession.objects.filter(user=member.user).exists()
    member.user.refresh_from_db()
    assert not member.user.is_active
    assert login(Client(), member.user.email).status_code == 200  # refused, form again


def test_user_in_two_organizations_keeps_the_other_one(world):
    member = world.a["case_worker"]
    services.membership_create(
        actor=world.platform,
        organization=world.org_b,
        email=member.user.email,
        full_name="",
        role="case_worker",
    )
    client = sign_in(Client(), member.user, member)
    services.membership_deactivate(
        actor=world.actor(world.a["organization_admin"]), membership=member
    )
    # Signed out everywhere, but still active for organization B.
    assert client.get("/").status_code == 302
    member.user.refresh_from_db()
    assert member.user.is_active


def test_idle_timeout_after_thirty_minutes(world):
    member = world.a["case_worker"]
    client = sign_in(Client(), member.user, member)
    session = client.session
    session[selectors.SESSION_SEEN_KEY] = (timezone.now() - timedelta(minutes=29)).timestamp()
    session.save()
    assert client.get("/").status_code == 200
    session = client.session
    session[selectors.SESSION_SEEN_KEY] = (timezone.now() - timedelta(minutes=31)).timestamp()
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert AuditEvent.objects.filter(action="session.expired").exists()


def test_absolute_timeout_after_twelve_hours(world):
    member = world.a["case_worker"]
    client = sign_in(Client(), member.user, member)
    session = client.session
    session[selectors.SESSION_STARTED_KEY] = (
        timezone.now() - timedelta(hours=12, minutes=1)
    ).timestamp()
    session.save()
    assert client.get("/").status_code == 302


def test_htmx_request_after_timeout_redirects_the_page(world):
    member = world.a["case_worker"]
    client = sign_in(Client(), member.user, member)
    session = client.session
    session[selectors.SESSION_SEEN_KEY] = 0
    session.save()
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/accounts/login/"


def test_password_reset_never_bypasses_two_factor(world):
    user = world.a["case_worker"].user
    confirmed_device(user)
    client = Client()
    client.post("/accounts/password-reset/", {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new_password = "a-brand-new-password-77"
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    # Not signed in by the reset, and a new sign-in still asks for the code.
    assert client.get("/")["Location"].startswith("/accounts/login/")
    response = login(client, user.email, new_password)
    assert response["Location"] == "/accounts/two-factor/verify/"
    assert client.get("/")["Location"] == "/accounts/two-factor/verify/"
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert AuditEvent.objects.filter(action="user.password_reset", object_id=user.uuid).exists()


def test_new_member_gets_a_set_password_link_by_email(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_create(
            actor=world.actor(world.a["organization_admin"]),
            organization=world.org_a,
            email="newcomer@example.org",
            full_name="Newcomer",
            role="case_worker",
        )
    assert len(mail.outbox) == 1
    assert "/accounts/password-reset/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["newcomer@example.org"]
    # The link lets the newcomer set a first password.
    link = re.search(r"(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    assert Client().get(link, follow=True).status_code == 200


def test_demo_users_skip_two_factor_only_in_demo_mode(world, settings):
    settings.DEMO_MODE = True
    demo = services.membership_create(
        actor=world.platform,
        organization=world.org_a,
        email="demo@example.org",
        full_name="Demo",
        role="case_worker",
        password=PASSWORD,
        is_demo=True,
    )
    client = Client()
    assert login(client, demo.user.email)["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert 'class="demo-banner"' in page.content.decode()
    assert 'class="demo-banner"' in Client().get("/accounts/login/").content.decode()
    # A real user in the same install still needs two-factor.
    real = Client()
    assert login(real, world.a["case_worker"].user.email)["Location"].startswith(
        "/accounts/two-factor/"
    )
    # Outside demo mode the demo user is treated like anyone else.
    settings.DEMO_MODE = False
    assert client.get("/")["Location"] == "/accounts/two-factor/setup/"


def test_demo_users_cannot_be_created_outside_demo_mode(world):
    with pytest.raises(services.PermissionDenied):
        services.membership_create(
            actor=world.platform,
            organization=world.org_a,
            email="demo2@example.org",
            full_name="Demo",
            role="case_worker",
            password=PASSWORD,
            is_demo=True,
        )


def _production_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "OPENNRM_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="opennrm.settings.production",
        DJANGO_SECRET_KEY="k" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
        DJANGO_ALLOWED_HOSTS="nrm.example.org",
        OPENNRM_FIELD_KEYS="p1:" + "A" * 43 + "=",
        OPENNRM_BLIND_INDEX_KEY="B" * 43 + "=",
        OPENNRM_AUDIT_KEYS="a1:" + "C" * 43 + "=",
        OPENNRM_ENV_FILE="/nonexistent",
        DATABASE_URL="sqlite:////tmp/opennrm-deploy-check.sqlite3",
    )
    env.update(extra)
    return env


def test_production_settings_refuse_demo_mode():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_production_env(OPENNRM_DEMO_MODE="1"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "OPENNRM_DEMO_MODE must not be set" in result.stderr


def test_check_deploy_has_no_warning():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_platform_admin_holds_no_membership(world):
    with pytest.raises(ValidationFailed):
        services.membership_create(
            actor=world.platform,
            organization=world.org_a,
            email=world.platform_admin.email,
            full_name="",
            role="supervisor",
        )
    page = sign_in(Client(), world.platform_admin).get("/")
    assert "Case records are not visible" in page.content.decode()


def test_switching_organization_is_explicit_and_audited(world):
    member = world.a["case_worker"]
    in_b = services.membership_create(
        actor=world.platform,
        organization=world.org_b,
        email=member.user.email,
        full_name="",
        role="supervisor",
    )
    client = sign_in(Client(), member.user, member)
    page = client.get("/").content.decode()
    assert 'id="membership-switch"' in page
    assert client.get("/members/").status_code == 403  # a case worker in A
    response = client.post("/accounts/switch/", {"membership": str(in_b.uuid)})
    assert response.status_code == 302
    assert client.get("/members/").status_code == 200  # a supervisor in B
    event = AuditEvent.objects.filter(action="session.switch_organization").last()
    assert event.organization == world.org_b
    # Someone else's membership cannot be switched to.
    other = world.a["supervisor"]
    assert client.post("/accounts/switch/", {"membership": str(other.uuid)}).status_code == 404


def test_sign_in_and_out_are_audited(world):
    user = world.a["data_analyst"].user
    client = Client()
    login(client, user.email)
    client.post("/accounts/logout/")
    actions = list(AuditEvent.objects.filter(object_id=user.uuid).values_list("action", flat=True))
    assert "session.login" in actions and "session.logout" in actions
    assert not Session.objects.exists()
