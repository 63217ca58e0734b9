"""The test base: two organizations with one user of every role each, built through the services."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from opennrm.accounts import services
from opennrm.accounts.models import Membership, Organization, OrganizationType, Role, User
from opennrm.accounts.permissions import Actor

PASSWORD = "a-long-test-password-1"
ROLES = list(Role)


@dataclass
class World:
    platform_admin: User
    org_a: Organization
    org_b: Organization
    # role -> membership, in each organization
    a: dict[str, Membership] = field(default_factory=dict)
    b: dict[str, Membership] = field(default_factory=dict)

    def actor(self, membership: Membership) -> Actor:
        return Actor.of(membership.user, membership)

    @property
    def platform(self) -> Actor:
        return Actor.of(self.platform_admin, None)


def build_world() -> World:
    admin = services.platform_admin_create(email="platform@example.org", password=PASSWORD)
    platform = Actor.of(admin, None)
    org_a = services.organization_create(
        actor=platform,
        name="Crisis Centre A",
        org_type=OrganizationType.NGO,
        country="KZ",
        city="Almaty",
    )
    org_b = services.organization_create(
        actor=platform,
        name="Hotline B",
        org_type=OrganizationType.HOTLINE,
        country="UZ",
        city="Tashkent",
    )
    world = World(platform_admin=admin, org_a=org_a, org_b=org_b)
    for role in ROLES:
        for key, org in (("a", org_a), ("b", org_b)):
            membership = services.membership_create(
                actor=platform,
                organization=org,
                email=f"{role.value}.{key}@example.org",
                full_name=f"{role.label} {key.upper()}",
                role=role,
                password=PASSWORD,
            )
            getattr(world, key)[role.value] = membership
    return world


@pytest.fixture
def world(db) -> World:
    return build_world()


def totp_now(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


def confirmed_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def sign_in(client: Client, user: User, membership: Membership | None = None) -> Client:
    """A signed-in, two-factor-verified session, as after a real sign-in."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    now = timezone.now().timestamp()
    session[services.SESSION_STARTED_KEY] = now
    session[services.SESSION_SEEN_KEY] = now
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    if membership is not None:
        session[services.SESSION_MEMBERSHIP_KEY] = str(membership.uuid)
    session.save()
    services.session_record(user=user, session_key=session.session_key)
    return client


@pytest.fixture
def signed_in():
    def make(user: User, membership: Membership | None = None) -> Client:
        return sign_in(Client(), user, membership)

    return make


@pytest.fixture(autouse=True)
def _fresh_audit_checkpoints():
    """Checkpoints anchor one database's audit chain; every test's database starts anew."""
    yield
    shutil.rmtree(settings.OPENNRM_AUDIT_CHECKPOINT_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache (local memory, per process): each test starts at 0."""
    from django.core.cache import cache

    cache.clear()
    yield
