"""The duplicate check on the pages: the case form and the person form carry it, the check
answers htmx with a fragment and a form posted without JavaScript with a page; the opt-out is an
organization setting, audited like the others."""

from __future__ import annotations

import json

import pytest

from opennrm.audit.models import AuditEvent
from opennrm.linkage.models_intake import MatchHint
from tests.conftest import sign_in

from .factories import ZHANAR, open_case, zhanar_at_b

pytestmark = pytest.mark.django_db


def test_case_form_and_person_form_carry_the_check(world, client):
    member = world.a["case_worker"]
    sign_in(client, member.user, member)
    page = client.get("/cases/new/").content.decode()
    assert 'hx-post="/linkage/check/"' in page and "keyup changed delay:400ms" in page
    assert 'formaction="/linkage/check/"' in page  # without JavaScript
    case = open_case(member, ZHANAR)
    tab = client.get(f"/cases/{case.uuid}/person/").content.decode()
    assert 'hx-post="/linkage/check/"' in tab
    assert f'name="linkage_case" value="{case.uuid}"' in tab


def test_the_check_answers_htmx_with_a_fragment_and_a_plain_post_with_a_page(world, client):
    zhanar_at_b(world)
    member = world.a["case_worker"]
    sign_in(client, member.user, member)
    fragment = client.post(
        "/linkage/check/", {"family_name": "Yusupova"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment and "A possible record exists at Hotline B." in fragment
    assert f"/linkage/hints/{MatchHint.objects.get().uuid}/ask/" in fragment
    page = client.post("/linkage/check/", {"family_name": "Yusupova"}).content.decode()
    assert "<html" in page and "A possible record exists at Hotline B." in page
    nothing = client.post("/linkage/check/", {"family_name": "Qwertyzz"}, HTTP_HX_REQUEST="true")
    assert "No possible duplicates found." in nothing.content.decode()
    bad = client.post("/linkage/check/", {"birth_date": "not a date", "family_name": "Yusupova"})
    assert bad.status_code == 200 and "waits for valid" in bad.content.decode()


def test_the_person_being_edited_is_not_offered_as_its_own_duplicate(world, client):
    member = world.a["case_worker"]
    case = open_case(member, ZHANAR)
    sign_in(client, member.user, member)
    data = {"family_name": "Yusupova", "linkage_case": str(case.uuid)}
    body = client.post("/linkage/check/", data, HTTP_HX_REQUEST="true").content.decode()
    assert case.number not in body


def test_own_matches_link_to_the_case(world, client):
    member = world.a["case_worker"]
    case = open_case(member, ZHANAR)
    sign_in(client, member.user, member)
    body = client.post(
        "/linkage/check/", {"family_name": "Юсупова"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'href="/cases/{case.uuid}/"' in body and case.number in body


def test_the_admin_opts_out_on_the_settings_page_and_it_is_audited(world, client):
    admin = world.a["organization_admin"]
    sign_in(client, admin.user, admin)
    page = client.get("/organization/").content.decode()
    assert 'name="match_hints"' in page and "checked" in page
    data = {
        "time_zone": world.org_a.time_zone,
        "identification_by": world.org_a.identification_by,
        "reasonable_grounds_days": world.org_a.reasonable_grounds_days,
        "reflection_days": world.org_a.reflection_days,
        "version": world.org_a.version,
    }  # the checkbox left out: off
    assert client.post("/organization/", data).status_code == 302
    world.org_a.refresh_from_db()
    assert world.org_a.match_hints is False
    event = AuditEvent.objects.filter(action="organization.update").latest("id")
    assert event.fields == ["match_hints"]


def test_the_opt_out_through_the_api(world, client):
    admin = world.a["organization_admin"]
    sign_in(client, admin.user, admin)
    got = client.get("/api/v1/organization/settings").json()
    assert got["match_hints"] is True
    answer = client.patch(
        "/api/v1/organization/settings",
        json.dumps({"version": got["version"], "match_hints": False}),
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["match_hints"] is False


def test_api_bad_input_is_a_problem_naming_the_field(world, client):
    member = world.a["case_worker"]
    sign_in(client, member.user, member)
    answer = client.post(
        "/api/v1/persons/matches",
        json.dumps({"family_name": "x" * 201, "birth_year": 1700}),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in answer.json()["errors"]} == {"family_name", "birth_year"}
