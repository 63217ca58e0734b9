"""The test base: two organizations with one user of every role each, built through the services.

The world is built once per test process (each xdist worker has its own test database): into the
test database, committed, before the first test that asks for it. Every test then runs in a
transaction rolled back at its end (pytest-django's ``db``) and re-reads the world's rows by
primary key, so whatever a test changes is gone for the next one.

Tests that need a real commit (``transactional_db``, ``django_db(transaction=True)``,
``live_server``) end with a flush of the whole database; pytest-django runs them after every other
database test. They start from an empty database, as before: the stored world is flushed first,
and ``world`` builds one of their own.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from opennrm.accounts import selectors, services, sessions
from opennrm.accounts.models import Membership, Organization, OrganizationType, Role, User
from opennrm.accounts.permissions import Actor

PASSWORD = "a-long-test-password-1"
PLATFORM_EMAIL = "platform@example.org"
ROLES = list(Role)
T = TypeVar("T")


@dataclass
class World:
    platform_admin: User
    org_a: Organization
    org_b: Organization
    # role -> membership, in each organization
    a: dict[str, Membership] = field(default_factory=dict)
    b: dict[str, Membership] = field(default_factory=dict)
    # What a test made once and reuses (Diana's case, a referral...), by name.
    made: dict[str, Any] = field(default_factory=dict)

    def once(self, name: str, make: Callable[[], T]) -> T:
        """``make()`` the first time ``name`` is asked for in this test, the same object after."""
        if name not in self.made:
            self.made[name] = make()
        return self.made[name]

    def actor(self, membership: Membership) -> Actor:
        return Actor.of(membership.user, membership)

    @property
    def platform(self) -> Actor:
        return Actor.of(self.platform_admin, None)


def build_world() -> World:
    admin = services.platform_admin_create(email=PLATFORM_EMAIL, password=PASSWORD)
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


@dataclass(frozen=True)
class WorldKeys:
    """The primary keys of a stored world: enough to read it back in a few queries."""

    platform_admin: int
    org_a: int
    org_b: int
    memberships: dict[str, int]  # "a:role" / "b:role" -> membership pk

    @classmethod
    def of(cls, world: World) -> WorldKeys:
        return cls(
            platform_admin=world.platform_admin.pk,
            org_a=world.org_a.pk,
            org_b=world.org_b.pk,
            memberships={
                f"{key}:{role}": membership.pk
                for key in ("a", "b")
                for role, membership in getattr(world, key).items()
            },
        )


def fetch_world(keys: WorldKeys) -> World | None:
    """The stored world, read anew (three queries); None when it is no longer in the database."""
    admin = User.objects.filter(pk=keys.platform_admin).first()
    orgs = Organization.objects.in_bulk([keys.org_a, keys.org_b])
    memberships = Membership.objects.select_related("user").in_bulk(keys.memberships.values())
    if admin is None or len(orgs) != 2 or len(memberships) != len(keys.memberships):
        return None
    world = World(platform_admin=admin, org_a=orgs[keys.org_a], org_b=orgs[keys.org_b])
    for name, pk in keys.memberships.items():
        key, role = name.split(":")
        membership = memberships[pk]
        # One organization object per organization, as build_world hands out.
        membership.organization = world.org_a if key == "a" else world.org_b
        getattr(world, key)[role] = membership
    return world


def is_transactional(item: pytest.Item) -> bool:
    """Whether the test commits for real (and so ends with a flush): pytest-django's own rule."""
    fixtures: Any = getattr(item, "fixturenames", ())
    if "transactional_db" in fixtures or "live_server" in fixtures:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))


def uses_db(item: pytest.Item) -> bool:
    fixtures: Any = getattr(item, "fixturenames", ())
    return (
        item.get_closest_marker("django_db") is not None
        or "db" in fixtures
        or is_transactional(item)
    )


def wants_stored_world(item: pytest.Item) -> bool:
    return "world" in getattr(item, "fixturenames", ()) and not is_transactional(item)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """After pytest-django's order (database tests, then committing ones, then the rest): the
    database tests that do not ask for the world first, so they find the database empty as
    before. xdist hands each worker its tests in this order."""

    def group(item: pytest.Item) -> int:
        if is_transactional(item):
            return 2
        if wants_stored_world(item):
            return 1
        return 0 if uses_db(item) else 3

    items.sort(key=group)


class _Stored:
    """The world committed to this process's test database, while it is there."""

    keys: WorldKeys | None = None


def _store_world(django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        if User.objects.exists():
            # Left by an earlier run (--reuse-db), encrypted under that run's keys: start anew.
            call_command("flush", interactive=False, verbosity=0)
        world = build_world()
    _Stored.keys = WorldKeys.of(world)


@pytest.fixture(scope="session")
def _world_once(django_db_setup, django_db_blocker) -> None:
    """Build the world once per process, before any test's transaction has begun."""
    if _Stored.keys is None:
        _store_world(django_db_blocker)


@pytest.fixture(autouse=True)
def _database_as_the_test_expects(request, django_db_blocker) -> None:
    """The stored world is there for the tests that ask for it, and for nobody else.

    A test that asks for ``world`` after a flush (a committing test ran before it) gets it stored
    again. Any other database test, and every committing one, starts from an empty database as it
    always did: if the world is stored (the order above broken, e.g. by ``-p randomly``), it is
    flushed, for good outside a transaction or until the test's rollback inside one."""
    item = request.node
    if wants_stored_world(item):
        if _Stored.keys is None and not connection.in_atomic_block:
            _store_world(django_db_blocker)
        return
    if _Stored.keys is None or not uses_db(item):
        return
    with django_db_blocker.unblock():
        inside = connection.in_atomic_block
        call_command("flush", interactive=False, verbosity=0)
    if not inside:
        _Stored.keys = None


@pytest.fixture
def world(request, _world_once: None, db) -> World:
    """The two organizations, read anew for this test; its changes are rolled back after it.

    A committing test gets a world of its own, built in it (the database was emptied for it)."""
    if _Stored.keys is not None and not is_transactional(request.node):
        found = fetch_world(_Stored.keys)
        if found is not None:
            return found
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
    session[selectors.SESSION_STARTED_KEY] = now
    session[selectors.SESSION_SEEN_KEY] = now
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    if membership is not None:
        session[selectors.SESSION_MEMBERSHIP_KEY] = str(membership.uuid)
    session.save()
    assert session.session_key is not None
    sessions.session_record(user=user, session_key=session.session_key)
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
    """Rate-limit counters and statistics tables live in caches: no test inherits another's
    searches, sign-ins or counts (a new database reuses the ids of the last one)."""
    for each in caches.all():
        each.clear()
    yield


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A page requested in Russian leaves Russian active in the test's thread (LocaleMiddleware
    does not reset it): the next test would read Russian messages where it expects English."""
    yield
    translation.deactivate()
