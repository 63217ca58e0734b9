"""The hotline API: list without content, create, get, patch, take, open a case, figures."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opennrm.accounts.timezones import local_today
from opennrm.audit.models import AuditEvent
from opennrm.cases.models import Case
from opennrm.hotline import services
from opennrm.hotline.models import Signal
from tests.cases.factories import open_diana
from tests.hotline.factories import DIANA_PHONE, record

PHONE_FORMS = ["+998901234567", "998901234567", "901234567", "123 45 67", "1234567"]


@pytest.fixture
def api(world, signed_in):
    membership = world.b["hotline_operator"]
    client = signed_in(membership.user, membership)

    def call(method: str, url: str, body: dict | None = None, **params):
        if body is None:
            return getattr(client, method)(f"/api/v1/signals{url}", params or None)
        return getattr(client, method)(
            f"/api/v1/signals{url}", data=json.dumps(body), content_type="application/json"
        )

    return call


def fields_of(response) -> set[str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return {e["field"] for e in response.json()["errors"]}


def test_log_a_call_with_two_fields(world, api):
    response = api("post", "", {"caller_type": "family", "reason": "missing_person"})
    assert response.status_code == 201
    body = response.json()
    assert body["channel"] == "call" and body["outcome"] == ""
    assert body["operator_id"] == str(world.b["hotline_operator"].user.uuid)
    assert Signal.objects.get().uuid.hex == body["id"].replace("-", "")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"reason": "smuggling"}, "reason"),
        ({"received_at": "2999-01-01T10:00:00Z"}, "received_at"),
        ({"received_at": "not a time"}, "received_at"),
        ({"received_at": "2026-01-10T10:00:00Z", "follow_up_on": "2026-01-09"}, "follow_up_on"),
        ({"phone": "12"}, "phone"),
        ({"notes": "x" * (services.MAX_NOTES + 1)}, "notes"),
        ({"language": "xx"}, "language"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(world, api, body, field):
    response = api("post", "", {"caller_type": "friend", "reason": "other", **body})
    assert response.status_code == 422
    assert field in fields_of(response)
    assert Signal.objects.count() == 0


def test_missing_required_fields_are_named(api):
    response = api("post", "", {"notes": "Hello"})
    assert response.status_code == 422 and fields_of(response) == {"caller_type", "reason"}


def test_the_list_carries_the_hint_but_no_phone_or_notes(world, api):
    diana = open_diana(world.b["case_worker"])
    diana.team.add(world.b["hotline_operator"].user)
    record(world.b["hotline_operator"], phone=DIANA_PHONE, notes="First call, secret.")
    second = record(world.b["hotline_operator"], phone="+998 90 123-45-67", notes="Secret too.")
    record(world.a["hotline_operator"], phone=DIANA_PHONE)  # another organization's
    response = api("get", "")
    assert response.status_code == 200
    body = response.json()
    text = response.content.decode()
    for form in PHONE_FORMS:
        assert form not in text
    assert "ecret" not in text and "phone_token" not in text
    assert body["next_offset"] is None and len(body["items"]) == 2
    first = body["items"][0]
    assert first["id"] == str(second.uuid) and first["has_phone"] is True
    assert first["known_caller"] == {"earlier_signals": 1, "cases": 1}
    assert "phone" not in first and "notes" not in first
    detail = api("get", f"/{second.uuid}").json()
    assert detail["phone"] == "+998901234567" and detail["notes"] == "Secret too."
    assert detail["known_caller"]["case_ids"] == [str(diana.uuid)]
    assert len(detail["known_caller"]["earlier_signal_ids"]) == 1
    assert AuditEvent.objects.filter(action="read", object_id=second.uuid).count() == 1


def test_list_filters(world, api):
    today = local_today(world.org_b)
    record(world.b["hotline_operator"], reason="safe_migration", channel="chat")
    record(
        world.b["hotline_operator"],
        reason="possible_trafficking",
        outcome="referred",
        received_at=timezone.now() - timedelta(days=10),
    )
    services.web_tip_receive(organization=world.org_b, reason="job_offer_check")

    def ids(**params) -> int:
        response = api("get", "", **params)
        assert response.status_code == 200, response.content
        return len(response.json()["items"])

    assert ids() == 3
    assert ids(channel="chat") == 1 and ids(channel="web_tip") == 1
    assert ids(reason="possible_trafficking") == 1
    assert ids(outcome="open") == 2 and ids(outcome="referred") == 1
    assert ids(received_from=(today - timedelta(days=1)).isoformat()) == 2
    assert ids(received_to=(today - timedelta(days=5)).isoformat()) == 1
    assert ids(limit=1) == 1
    bad = api("get", "", channel="fax")
    assert bad.status_code == 422 and fields_of(bad) == {"channel"}
    bad = api("get", "", outcome="solved")
    assert bad.status_code == 422 and fields_of(bad) == {"outcome"}


def test_list_query_count_does_not_grow(world, api, django_assert_max_num_queries):
    for _ in range(3):
        record(world.b["hotline_operator"], phone=DIANA_PHONE)
    with CaptureQueriesContext(connection) as three:
        api("get", "")
    for i in range(30):
        record(world.b["hotline_operator"], phone=f"+998 90 123 45 {i:02d}")
    with django_assert_max_num_queries(len(three.captured_queries)):
        assert len(api("get", "").json()["items"]) == 33


def test_patch_is_version_checked(world, api):
    signal = record(world.b["hotline_operator"])
    response = api("patch", f"/{signal.uuid}", {"version": 1, "outcome": "referred"})
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = api("patch", f"/{signal.uuid}", {"version": 1, "outcome": "no_action"})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    bad = api("patch", f"/{signal.uuid}", {"version": 2, "follow_up_on": "1999-01-01"})
    assert bad.status_code == 422 and fields_of(bad) == {"follow_up_on"}
    missing = api("patch", f"/{signal.uuid}", {"outcome": "no_action"})
    assert missing.status_code == 422 and fields_of(missing) == {"version"}


def test_take_a_web_tip(world, api):
    tip = services.web_tip_receive(organization=world.org_b, reason="job_offer_check")
    response = api("post", f"/{tip.uuid}/take")
    assert response.status_code == 200
    assert response.json()["operator_id"] == str(world.b["hotline_operator"].user.uuid)
    assert api("post", f"/{tip.uuid}/take").status_code == 409


def test_open_a_case(world, api):
    signal = record(world.b["hotline_operator"], phone=DIANA_PHONE)
    bad = api(
        "post",
        f"/{signal.uuid}/open-case",
        {"version": 1, "person": {"given_name": "Dilnoza", "phones": ["12"], "birth_year": 3000}},
    )
    assert bad.status_code == 422
    assert fields_of(bad) == {"person.phones[0]", "person.birth_year"}
    assert Case.objects.count() == 0
    response = api(
        "post",
        f"/{signal.uuid}/open-case",
        {
            "version": 1,
            "person": {"given_name": "Dilnoza", "gender": "Feminine", "phones": [DIANA_PHONE]},
            "exploitation_types": ["ForcedLabour"],
        },
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    body = response.json()
    assert body["case_id"] == str(case.uuid) and body["outcome"] == "case_opened"
    again = api("post", f"/{signal.uuid}/open-case", {"version": 2, "person": {}})
    assert again.status_code == 422 and fields_of(again) == {"case"}


def test_stats_count_only_the_organization_s_signals(world, api):
    record(world.b["hotline_operator"], reason="safe_migration", language="ru")
    record(world.b["hotline_operator"], reason="job_offer_check", language="uz")
    record(world.a["hotline_operator"], reason="missing_person")
    response = api("get", "/stats")
    assert response.status_code == 200
    body = response.json()
    assert len(body["days"]) == 14 and len(body["weeks"]) == 12
    assert body["totals"]["total"] == 2 and body["days"][0]["total"] == 2
    assert body["totals"]["by_reason"] == {"safe_migration": 1, "job_offer_check": 1}
    assert body["totals"]["by_language"] == {"ru": 1, "uz": 1}
    assert body["case_share"] == 0 and body["overdue_follow_ups"] == 0
