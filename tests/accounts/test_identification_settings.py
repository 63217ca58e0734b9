"""An organization's identification settings (decision 0014): who decides, the reasonable-grounds
period and the recovery and reflection period, set by its admin on /organization/ and through
``/api/v1/organization/settings``, bounded, audited by name like the time zone."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from opennrm.audit.models import AuditEvent

URL = "/api/v1/organization/settings"
PAGE = {
    "time_zone": "Asia/Almaty",
    "identification_by": "authority",
    "reasonable_grounds_days": "3",
    "reflection_days": "45",
    "match_hints": "on",  # a checkbox left out is "off" (linkage intake, decision 0021)
    "version": "1",
}


def _patch(client: Client, data: dict):
    return client.patch(URL, data=json.dumps(data), content_type="application/json")


def test_the_admin_sets_them_on_the_page(world, signed_in) -> None:
    admin = world.a["organization_admin"]
    client = signed_in(admin.user, admin)
    page = client.get("/organization/").content.decode()
    assert 'name="reflection_days"' in page and 'value="30"' in page
    assert client.post("/organization/", PAGE).status_code == 302
    world.org_a.refresh_from_db()
    assert (
        world.org_a.identification_by,
        world.org_a.reasonable_grounds_days,
        world.org_a.reflection_days,
        world.org_a.version,
    ) == ("authority", 3, 45, 2)
    event = AuditEvent.objects.filter(action="organization.update").latest("id")
    assert sorted(event.fields) == [
        "identification_by",
        "reasonable_grounds_days",
        "reflection_days",
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reflection_days", "29"),  # below the Convention's 30 days
        ("reflection_days", "366"),
        ("reasonable_grounds_days", "0"),
        ("reasonable_grounds_days", "91"),
        ("identification_by", "the_minister"),
    ],
)
def test_out_of_bounds_is_refused_by_page_and_api_and_saves_nothing(
    world, signed_in, field, value
) -> None:
    admin = world.a["organization_admin"]
    client = signed_in(admin.user, admin)
    response = client.post("/organization/", {**PAGE, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    body = {"version": 1, field: int(value) if value.isdigit() else value}
    refused = _patch(client, body)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == [field]
    world.org_a.refresh_from_db()
    assert (world.org_a.reasonable_grounds_days, world.org_a.reflection_days) == (5, 30)
    assert world.org_a.identification_by == "organization" and world.org_a.version == 1
    assert not AuditEvent.objects.filter(action="organization.update").exists()


def test_the_admin_sets_them_through_the_api(world, signed_in) -> None:
    admin = world.b["organization_admin"]
    client = signed_in(admin.user, admin)
    response = _patch(client, {"version": 1, "reflection_days": 60})
    assert response.status_code == 200, response.content
    assert response.json()["reflection_days"] == 60
    assert response.json()["time_zone"] == "Asia/Tashkent"  # left out: kept
    assert (
        _patch(client, {"version": 2, "identification_by": "authority"}).json()["identification_by"]
        == "authority"
    )
    world.org_a.refresh_from_db()
    assert world.org_a.reflection_days == 30  # the other organization's own


@pytest.mark.parametrize("role", ["supervisor", "case_worker", "data_analyst"])
def test_other_roles_may_not_change_them(world, signed_in, role) -> None:
    member = world.a[role]
    client = signed_in(member.user, member)
    assert client.post("/organization/", PAGE).status_code == 403
    refused = _patch(client, {"version": 1, "reflection_days": 60})
    assert refused.status_code == 403
    world.org_a.refresh_from_db()
    assert world.org_a.reflection_days == 30
