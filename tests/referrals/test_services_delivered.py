"""What a clinic or a lawyer does on a referral (decision 0018): the receiving organization records
each service delivered (date, type, result, next appointment); the sending organization sees them
as its case's services with the provider named; the referral completes when the provider says
so, never by the sender. Page and API, every role of both organizations, bad input.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opennrm.errors import NotFound, PermissionDenied, ValidationFailed
from opennrm.referrals import deliveries
from opennrm.referrals.choices import ReferralStatus
from opennrm.referrals.models import Referral, ServiceDelivery
from tests.conftest import World
from tests.referrals.factories import consent_to, send
from tests.referrals.test_page_permissions import (
    A_SEES,
    B_SEES,
    RESPOND,
    VIEW,
    accepted,
    diana,
)
from tests.support.matrix import Route, check, each
from tests.support.today import world_today

RESULT = "Курс АРВ начат; анализы в норме"  # a result, encrypted: must not leak


def today():
    return world_today()


def record(world: World, referral: Referral, by: str = "service_provider", **kw) -> ServiceDelivery:
    values = {
        "service_type": "Medical",
        "delivered_on": today(),
        "outcome": RESULT,
        "next_appointment_on": today() + timedelta(days=30),
    }
    values.update(kw)
    return deliveries.referral_service_record(
        actor=world.actor(world.b[by]), referral=referral, **values
    )


def form(world: World) -> dict:
    return {
        "service_type": "Medical",
        "delivered_on": today().isoformat(),
        "outcome": RESULT,
        "next_appointment_on": (today() + timedelta(days=7)).isoformat(),
    }


def body(world: World) -> dict:
    return {**form(world), "completed": False}


def with_service(world: World) -> Referral:
    found = accepted(world)
    record(world, found)
    return found


ROUTES = [
    Route(
        "record a service (page)",
        "post",
        lambda w: f"/referrals/{accepted(w).uuid}/services/",
        RESPOND,
        sees=B_SEES,
        ok=302,
        data=form,
        lands=("/referrals/",),
    ),
    Route(
        "services of a referral (API)",
        "get",
        lambda w: f"/api/v1/referrals/{with_service(w).uuid}/services",
        VIEW,
        sees=A_SEES | B_SEES,
    ),
    Route(
        "record a service (API)",
        "post",
        lambda w: f"/api/v1/referrals/{accepted(w).uuid}/services",
        VIEW,
        sees=B_SEES,
        needs=RESPOND,
        ok=201,
        data=body,
    ),
]


@each(ROUTES)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    if response.status_code in (200, 201) and route.method == "get":
        rows = response.json()
        assert [r["provider_name"] for r in rows] == [world.org_b.name]
        assert rows[0]["outcome"] == RESULT


# --- The provider records; the sender sees it as its case's service.


def test_provider_records_and_the_senders_case_shows_it(world: World, signed_in) -> None:
    referral = accepted(world)
    client = signed_in(world.b["service_provider"].user, world.b["service_provider"])
    response = client.post(f"/referrals/{referral.uuid}/services/", form(world))
    assert response.status_code == 302
    service = ServiceDelivery.objects.get(referral=referral)
    assert service.organization == world.org_b and service.outcome == RESULT
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED  # a service is not the end of it

    # A's case worker (the case's owner) sees it on the case's plan tab, the provider named.
    sender = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    page = sender.get(f"/cases/{diana(world).uuid}/plan/").content.decode()
    assert "services-by-providers" in page and world.org_b.name in page and RESULT in page
    # ... and on the referral's page.
    page = sender.get(f"/referrals/{referral.uuid}/").content.decode()
    assert "services-delivered" in page and RESULT in page
    assert 'action="/referrals/' + str(referral.uuid) + '/services/"' not in page  # no form


def test_the_sender_cannot_record_a_service(world: World) -> None:
    referral = accepted(world)
    for role in ("case_worker", "supervisor"):
        with pytest.raises(NotFound):
            deliveries.referral_service_record(
                actor=world.actor(world.a[role]),
                referral=referral,
                service_type="Medical",
                delivered_on=today(),
                outcome="Done by us",
            )
    with pytest.raises(PermissionDenied):  # B's hotline operator does not answer referrals
        record(world, referral, by="hotline_operator")
    assert not ServiceDelivery.objects.exists()


def test_sender_page_and_api_refused(world: World, signed_in) -> None:
    referral = accepted(world)
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    assert client.post(f"/referrals/{referral.uuid}/services/", form(world)).status_code == 404
    api = client.post(
        f"/api/v1/referrals/{referral.uuid}/services", body(world), content_type="application/json"
    )
    assert api.status_code == 404
    assert not ServiceDelivery.objects.exists()


def test_referral_completes_when_the_provider_says_so(world: World, signed_in) -> None:
    referral = accepted(world)
    record(world, referral, service_type="Medical")
    client = signed_in(world.b["service_provider"].user, world.b["service_provider"])
    response = client.post(
        f"/api/v1/referrals/{referral.uuid}/services",
        {**body(world), "service_type": "Psychological", "completed": True},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["completes_referral"] is True
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.completed_by == world.b["service_provider"].user
    assert referral.outcome == RESULT
    # Completed: nothing more is recorded on it.
    with pytest.raises(ValidationFailed) as refused:
        record(world, referral)
    assert "status" in refused.value.errors
    assert ServiceDelivery.objects.filter(referral=referral).count() == 2


def test_the_sender_cannot_complete_it(world: World, signed_in) -> None:
    referral = accepted(world)
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    assert client.post(f"/referrals/{referral.uuid}/complete/", {"outcome": "x"}).status_code in (
        403,
        404,
    )
    api = client.post(
        f"/api/v1/referrals/{referral.uuid}/complete",
        {"outcome": "x"},
        content_type="application/json",
    )
    assert api.status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_not_on_a_pending_referral(world: World) -> None:
    referral = send(world, diana(world))
    with pytest.raises(ValidationFailed) as refused:
        record(world, referral)
    assert "status" in refused.value.errors


def test_a_third_organization_sees_nothing(world: World, signed_in) -> None:
    """Referred to B only: a third organization's provider finds neither the referral nor its
    services."""
    from tests.referrals.factories import police

    referral = with_service(world)
    _unit, liaison = police(world)
    client = signed_in(liaison.user, liaison)
    assert client.get(f"/api/v1/referrals/{referral.uuid}/services").status_code == 404
    assert client.get(f"/referrals/{referral.uuid}/").status_code == 404
    with pytest.raises(NotFound):
        deliveries.referral_service_record(
            actor=world.actor(liaison),
            referral=referral,
            service_type="Legal",
            delivered_on=today(),
            outcome="x",
        )


def test_consent_withdrawn_keeps_the_providers_record(world: World) -> None:
    """What the provider recorded is its own (decision 0007): the withdrawal does not clear it,
    and the sender still sees the services of its own case."""
    from opennrm.cases import services as cases

    referral = with_service(world)
    cases.consent_withdraw(
        actor=world.actor(world.a["case_worker"]),
        consent=referral.consent,
        withdrawn_on=today(),
        reason="The person asked for it.",
    )
    assert ServiceDelivery.objects.get(referral=referral).outcome == RESULT
    rows = deliveries.case_services_delivered(
        actor=world.actor(world.a["case_worker"]), case=diana(world)
    )
    assert [r.outcome for r in rows] == [RESULT]


# --- Bad input, by page and by API: clear errors naming the field, nothing half-saved.

BAD = [
    ({"delivered_on": "1999-12-31"}, "delivered_on"),
    ({"delivered_on": "2999-01-01"}, "delivered_on"),
    ({"next_appointment_on": "2000-01-02"}, "next_appointment_on"),  # before the service
    ({"next_appointment_on": "2999-01-01"}, "next_appointment_on"),  # years ahead
    ({"outcome": "x" * 2001}, "outcome"),
    ({"outcome": ""}, "outcome"),
    ({"service_type": "Massage"}, "service_type"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_input_by_api(world: World, signed_in, change: dict, field: str) -> None:
    referral = accepted(world)
    client = signed_in(world.b["service_provider"].user, world.b["service_provider"])
    response = client.post(
        f"/api/v1/referrals/{referral.uuid}/services",
        {**body(world), **change, "completed": True},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert not ServiceDelivery.objects.exists()


def test_wrong_types_by_api(world: World, signed_in) -> None:
    referral = accepted(world)
    client = signed_in(world.b["service_provider"].user, world.b["service_provider"])
    for change in ({"completed": "yes please"}, {"delivered_on": 20260101}, {"outcome": 5}):
        response = client.post(
            f"/api/v1/referrals/{referral.uuid}/services",
            {**body(world), **change},
            content_type="application/json",
        )
        assert response.status_code == 422, change
    assert not ServiceDelivery.objects.exists()


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_input_by_page(world: World, signed_in, change: dict, field: str) -> None:
    referral = accepted(world)
    client = signed_in(world.b["service_provider"].user, world.b["service_provider"])
    response = client.post(
        f"/referrals/{referral.uuid}/services/", {**form(world), **change, "completed": "on"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="service-{field}_error"' in page
    assert RESULT not in page.split('id="service-outcome_error"')[-1][:200]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert not ServiceDelivery.objects.exists()


def test_not_before_the_referral_was_accepted(world: World) -> None:
    referral = accepted(world)
    with pytest.raises(ValidationFailed) as refused:
        record(world, referral, delivered_on=today() - timedelta(days=3), next_appointment_on=None)
    assert "delivered_on" in refused.value.errors


def test_raw_storage_of_the_result(world: World) -> None:
    referral = accepted(world)
    record(world, referral)
    with connection.cursor() as cursor:
        cursor.execute("SELECT outcome FROM referrals_servicedelivery")
        (raw,) = cursor.fetchone()
    assert RESULT not in str(raw) and "АРВ" not in str(raw)


def test_the_case_tab_counts_queries_once(world: World, signed_in) -> None:
    """The services of the case's referrals cost the same number of queries for one or many."""
    referral = with_service(world)
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    url = f"/cases/{diana(world).uuid}/plan/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        record(world, referral, service_type="Legal")
    second = send(world, diana(world), services_requested=["Legal"])
    consent_to(world, diana(world))
    deliveries_actor = world.actor(world.b["case_worker"])
    from opennrm.referrals import services

    services.referral_accept(actor=deliveries_actor, referral=second)
    record(world, second, by="case_worker")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)
