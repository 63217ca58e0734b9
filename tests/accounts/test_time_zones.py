"""Each organization has a time zone: its country's by default, changed by its admin (page and
API) or the platform admin, and activated for every request of its members."""

from __future__ import annotations

import importlib
import json
import zoneinfo
from datetime import datetime

import pytest
import time_machine
from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.utils import timezone

from opennrm.accounts import services
from opennrm.accounts.middleware import OrganizationTimeZoneMiddleware
from opennrm.accounts.models import Organization, OrganizationType, Role
from opennrm.accounts.timezones import COUNTRY_TIME_ZONES, local_today, time_zone_default
from opennrm.audit.models import AuditEvent
from opennrm.errors import ValidationFailed
from tests.conftest import World

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
# 01:00 in Almaty on 10 March is still 9 March in UTC (20:00).
ALMATY_1AM = datetime(2026, 3, 10, 1, 0, tzinfo=ALMATY)


def _organization(world: World, country: str, **extra: str) -> Organization:
    return services.organization_create(
        actor=world.platform,
        name=f"Centre {country}",
        org_type=OrganizationType.NGO,
        country=country,
        **extra,
    )


def _json(client: Client, method: str, url: str, body: dict):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


# --- The zone and its default.


# The identification settings as every organization starts (decision 0014).
IDENTIFICATION_SETTINGS = {
    "identification_by": "organization",
    "reasonable_grounds_days": 5,
    "reflection_days": 30,
}


def test_the_world_works_in_almaty_and_tashkent(world):
    assert (world.org_a.time_zone, world.org_b.time_zone) == ("Asia/Almaty", "Asia/Tashkent")


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("KZ", "Asia/Almaty"),
        ("UZ", "Asia/Tashkent"),
        ("KG", "Asia/Bishkek"),
        ("TJ", "Asia/Dushanbe"),
        ("TR", "Europe/Istanbul"),
        ("RU", "Europe/Moscow"),
        ("FR", "UTC"),  # not in the table: UTC until the admin chooses
    ],
)
def test_a_new_organization_gets_its_countrys_zone(world, country, zone):
    assert _organization(world, country).time_zone == zone


def test_every_default_is_a_zone_this_installation_knows():
    known = zoneinfo.available_timezones()
    assert set(COUNTRY_TIME_ZONES.values()) <= known
    migration = importlib.import_module("opennrm.accounts.migrations.0002_organization_time_zone")
    assert set(migration.COUNTRY_TIME_ZONES.values()) <= known
    assert time_zone_default("kz") == "Asia/Almaty"
    assert time_zone_default("") == "UTC"


def test_the_migration_gives_existing_organizations_their_countrys_zone(world):
    Organization.objects.update(time_zone="UTC")  # as every row was before the migration
    unknown = _organization(world, "FR")
    migration = importlib.import_module("opennrm.accounts.migrations.0002_organization_time_zone")
    migration.fill_from_country(apps, None)
    zones = dict(Organization.objects.values_list("pk", "time_zone"))
    assert zones[world.org_a.pk] == "Asia/Almaty"
    assert zones[world.org_b.pk] == "Asia/Tashkent"
    assert zones[unknown.pk] == "UTC"


def test_a_zone_may_be_chosen_at_creation(world):
    assert _organization(world, "KZ", time_zone="Asia/Aqtobe").time_zone == "Asia/Aqtobe"


@pytest.mark.parametrize("bad", ["Mars/Olympus", "UTC+5", "asia/almaty", "../etc/passwd"])
def test_an_unknown_zone_is_refused_naming_the_field_and_nothing_is_saved(world, bad):
    before = (world.org_a.time_zone, world.org_a.version, AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as caught:
        services.organization_update(
            actor=world.platform, organization=world.org_a, version=1, time_zone=bad
        )
    assert set(caught.value.errors) == {"time_zone"}
    world.org_a.refresh_from_db()
    assert (world.org_a.time_zone, world.org_a.version, AuditEvent.objects.count()) == before


def test_an_empty_zone_means_the_countrys(world):
    services.organization_update(
        actor=world.platform, organization=world.org_a, version=1, time_zone="Europe/Istanbul"
    )
    organization = services.organization_update(
        actor=world.platform, organization=world.org_a, version=2, time_zone=""
    )
    assert organization.time_zone == "Asia/Almaty"


# --- Who changes it: the platform admin, and the organization's own admin.


def test_the_platform_admin_sets_the_zone_on_the_organization_page(world, signed_in):
    client = signed_in(world.platform_admin)
    url = f"/platform/organizations/{world.org_a.uuid}/"
    page = client.get(url).content.decode()
    assert '<option value="Asia/Almaty" selected>' in page
    form = {
        "name": world.org_a.name,
        "org_type": world.org_a.org_type,
        "country": "KZ",
        "city": "Almaty",
        "phone": "",
        "time_zone": "Asia/Aqtobe",
        "version": "1",
    }
    assert client.post(url, form).status_code == 302
    world.org_a.refresh_from_db()
    assert world.org_a.time_zone == "Asia/Aqtobe"


def test_the_platform_api_reads_and_changes_the_zone(world, signed_in):
    client = signed_in(world.platform_admin)
    url = f"/api/v1/organizations/{world.org_b.uuid}"
    assert client.get(url).json()["time_zone"] == "Asia/Tashkent"
    response = _json(client, "patch", url, {"version": 1, "time_zone": "Asia/Samarkand"})
    assert response.status_code == 200, response.content
    assert response.json()["time_zone"] == "Asia/Samarkand"
    refused = _json(client, "patch", url, {"version": 2, "time_zone": "Nowhere/Land"})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["time_zone"]
    world.org_b.refresh_from_db()
    assert world.org_b.time_zone == "Asia/Samarkand"


def test_the_organization_admin_sets_their_own_zone_on_a_page(world, signed_in):
    admin = world.a["organization_admin"]
    with time_machine.travel(ALMATY_1AM, tick=False):
        client = signed_in(admin.user, admin)
        assert 'href="/organization/"' in client.get("/members/").content.decode()
        page = client.get("/organization/").content.decode()
        assert '<option value="Asia/Almaty" selected>' in page
        assert "2026-03-10 01:00" in page  # the organization's clock, not UTC's 2026-03-09 20:00
        response = client.post(
            "/organization/",
            {
                **IDENTIFICATION_SETTINGS,
                "match_hints": "on",
                "time_zone": "Asia/Aqtobe",
                "version": "1",
            },
        )
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    world.org_b.refresh_from_db()
    assert (world.org_a.time_zone, world.org_a.version) == ("Asia/Aqtobe", 2)
    assert world.org_b.time_zone == "Asia/Tashkent"
    event = AuditEvent.objects.filter(action="organization.update").latest("id")
    assert (event.organization_id, event.actor_id, event.fields) == (
        world.org_a.pk,
        admin.user.pk,
        ["time_zone"],
    )


def test_a_bad_zone_on_the_page_is_shown_beside_the_field_and_saves_nothing(world, signed_in):
    admin = world.a["organization_admin"]
    client = signed_in(admin.user, admin)
    response = client.post(
        "/organization/", {**IDENTIFICATION_SETTINGS, "time_zone": "Mars/Olympus", "version": "1"}
    )
    assert response.status_code == 200
    assert 'id="id_time_zone-error"' in response.content.decode()
    world.org_a.refresh_from_db()
    assert (world.org_a.time_zone, world.org_a.version) == ("Asia/Almaty", 1)
    assert AuditEvent.objects.filter(action="organization.update").count() == 0


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "platform",
        *(role.value for role in Role if role != Role.ORGANIZATION_ADMIN),
    ],
)
def test_only_the_organization_admin_may_change_the_zone(world, signed_in, who):
    if who == "anonymous":
        client, page_status, api_status = Client(), 302, 401
    elif who == "platform":
        client, page_status, api_status = signed_in(world.platform_admin), 403, 403
    else:
        member = world.a[who]
        client, page_status, api_status = signed_in(member.user, member), 403, 403
    events = AuditEvent.objects.filter(action="organization.update").count()
    assert client.get("/organization/").status_code == page_status
    posted = client.post("/organization/", {"time_zone": "UTC", "version": "1"})
    assert posted.status_code == page_status
    url = "/api/v1/organization/settings"
    assert client.get(url).status_code == api_status
    refused = _json(client, "patch", url, {"version": 1, "time_zone": "UTC"})
    assert refused.status_code == api_status
    assert refused["Content-Type"] == "application/problem+json"
    world.org_a.refresh_from_db()
    assert (world.org_a.time_zone, world.org_a.version) == ("Asia/Almaty", 1)
    assert AuditEvent.objects.filter(action="organization.update").count() == events


def test_the_organization_admin_sets_their_own_zone_through_the_api(world, signed_in):
    admin = world.b["organization_admin"]
    client = signed_in(admin.user, admin)
    url = "/api/v1/organization/settings"
    assert client.get(url).json() == {
        "time_zone": "Asia/Tashkent",
        **IDENTIFICATION_SETTINGS,
        "match_hints": True,
        "version": 1,
    }
    response = _json(client, "patch", url, {"version": 1, "time_zone": "Asia/Samarkand"})
    assert response.json() == {
        "time_zone": "Asia/Samarkand",
        **IDENTIFICATION_SETTINGS,
        "match_hints": True,
        "version": 2,
    }
    stale = _json(client, "patch", url, {"version": 1, "time_zone": "UTC"})
    assert stale.status_code == 409
    bad = _json(client, "patch", url, {"version": 2, "time_zone": "Asia/Nowhere"})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["time_zone"]
    world.org_b.refresh_from_db()
    world.org_a.refresh_from_db()
    assert (world.org_b.time_zone, world.org_a.time_zone) == ("Asia/Samarkand", "Asia/Almaty")


# --- Activated per request.


def test_each_request_runs_in_the_active_organizations_zone_and_ends_in_utc(world, signed_in):
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(timezone.get_current_timezone_name())
        return HttpResponse()

    middleware = OrganizationTimeZoneMiddleware(view)
    member_a, member_b = world.a["case_worker"], world.b["case_worker"]
    for client in (signed_in(member_a.user, member_a), signed_in(member_b.user, member_b)):
        middleware(client.get("/").wsgi_request)  # a request as the middleware chain leaves it
        assert timezone.get_current_timezone_name() == "UTC"  # deactivated at the end
    middleware(Client().get("/accounts/login/").wsgi_request)
    assert seen == ["Asia/Almaty", "Asia/Tashkent", "UTC"]


def test_local_today_is_the_organizations_date():
    with time_machine.travel(ALMATY_1AM, tick=False):
        almaty = Organization(time_zone="Asia/Almaty")
        istanbul = Organization(time_zone="Europe/Istanbul")
        assert str(local_today(almaty)) == "2026-03-10"
        assert str(local_today(istanbul)) == "2026-03-09"  # 23:00 there
        assert str(local_today(None)) == "2026-03-09"  # no organization: UTC
