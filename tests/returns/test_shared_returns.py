"""A return shared with its receiving organization (decision 0018).

Crisis Centre A organizes Diana's return; Centre C (a third organization, in Tashkent) receives
her. C's return workers see the return (travel, route, destination, arrival) and its follow-ups,
record the arrival and the follow-ups; A sees the results. C sees nothing else of A's case: not
its number, not her name, not the travel document; C's own case is linked only when a referral of
A's case opened it. Hotline B, neither sender nor receiver, finds nothing. Every role of the three
organizations, page and API; the follow-up window at its edges; bad input.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opennrm.accounts import services as accounts
from opennrm.accounts.models import Membership, Organization, OrganizationType, Role
from opennrm.errors import PermissionDenied, ValidationFailed
from opennrm.notifications.models import Notification
from opennrm.referrals import services as referrals
from opennrm.returns import selectors, services
from opennrm.returns.models import ReintegrationFollowUp, ReturnRecord
from tests.cases.factories import open_diana
from tests.conftest import PASSWORD, World
from tests.referrals.factories import consent_to
from tests.returns.factories import PASSPORT, arrive, days_ago, record_return
from tests.support.clock import at
from tests.support.matrix import Route, check, each

RETURN_ROLES = frozenset({"case_worker", "supervisor"})
A_RETURN = frozenset({"a:case_worker", "a:supervisor"})
SECRETS = ["Диана", "Каримова", PASSPORT, "AA1234567"]
NOTES = "Живёт у матери; ищет работу"


def centre_c(world: World) -> dict[str, Membership]:
    """Centre C in Tashkent, with one member of every role: the receiving organization."""

    def make() -> dict[str, Membership]:
        organization = accounts.organization_create(
            actor=world.platform,
            name="Reintegration Centre C",
            org_type=OrganizationType.NGO,
            country="UZ",
            city="Tashkent",
        )
        return {
            role.value: accounts.membership_create(
                actor=world.platform,
                organization=organization,
                email=f"{role.value}.c@example.org",
                full_name=f"{role.label} C",
                role=role,
                password=PASSWORD,
            )
            for role in Role
        }

    return world.once("centre_c", make)


def org_c(world: World) -> Organization:
    return centre_c(world)["case_worker"].organization


def shared(world: World, *, arrived: bool = True) -> ReturnRecord:
    """Diana's return, organized by A's case worker, received by Centre C."""

    def make() -> ReturnRecord:
        case = open_diana(world.a["case_worker"])
        world.made["diana"] = case
        record = record_return(world.a["case_worker"], case, receiving_organization=org_c(world))
        return arrive(world.a["case_worker"], record) if arrived else record

    return world.once("shared", make)


def follow_up(world: World, months: int = 3) -> ReintegrationFollowUp:
    return ReintegrationFollowUp.objects.get(return_record=shared(world), months=months)


def listing(url: str):
    def make(world: World) -> str:
        shared(world)
        return url

    return make


ROUTES = [
    Route("returns received", "get", listing("/returns/received/"), RETURN_ROLES),
    Route("returns received page 2", "get", listing("/returns/received/?page=2"), RETURN_ROLES),
    # The sender is sent to its case's return page; B finds nothing.
    Route(
        "return page",
        "get",
        lambda w: f"/returns/{shared(w).uuid}/",
        RETURN_ROLES,
        sees=A_RETURN,
        ok=302,
    ),
    Route("api returns received", "get", listing("/api/v1/returns/received"), RETURN_ROLES),
]


@each(ROUTES)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    if response.status_code == 200 and "received" in route.url(world):
        # Neither A nor B receives it: their lists are empty.
        body = response.content.decode()
        assert str(shared(world).uuid) not in body


# --- The receiving organization, every role.


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_of_the_receiver(world: World, signed_in, role: str) -> None:
    record = shared(world)
    member = centre_c(world)[role]
    client = signed_in(member.user, member)
    listed = client.get("/returns/received/")
    page = client.get(f"/returns/{record.uuid}/")
    api = client.get(f"/api/v1/returns/{record.uuid}")
    if role not in RETURN_ROLES:
        assert (listed.status_code, page.status_code, api.status_code) == (403, 403, 403)
        return
    assert listed.status_code == 200 and str(record.uuid) in listed.content.decode()
    assert page.status_code == 200 and api.status_code == 200
    html = page.content.decode()
    assert "Almaty – Tashkent by train" in html and "Crisis Centre A" in html
    data = api.json()
    assert data["case_id"] is None and data["document_number"] is None
    assert data["route"] == "Almaty – Tashkent by train"
    assert [f["months"] for f in data["follow_ups"]] == [3, 6, 12]
    case = world.made["diana"]
    for text in (html, api.content.decode(), listed.content.decode()):
        for secret in [*SECRETS, case.number, str(case.uuid)]:
            assert secret not in text


def test_the_receiver_cannot_reach_the_senders_case(world: World, signed_in) -> None:
    record = shared(world)
    member = centre_c(world)["supervisor"]
    client = signed_in(member.user, member)
    case = world.made["diana"]
    assert client.get(f"/returns/cases/{case.uuid}/").status_code == 404
    assert client.get(f"/api/v1/returns/cases/{case.uuid}").status_code == 404
    assert client.get(f"/cases/{case.uuid}/").status_code == 404
    # Nor change the travel: that is the organizer's.
    before = ReturnRecord.objects.get(pk=record.pk).version
    response = client.patch(
        f"/api/v1/returns/{record.uuid}",
        {"version": before, "route": "Elsewhere"},
        content_type="application/json",
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.return_update(
            actor=world.actor(member), record=record, version=before, route="Elsewhere"
        )
    assert ReturnRecord.objects.get(pk=record.pk).route == "Almaty – Tashkent by train"


def test_a_third_organization_finds_nothing(world: World, signed_in) -> None:
    record = shared(world)
    three = follow_up(world)
    for role in RETURN_ROLES:
        member = world.b[role]
        client = signed_in(member.user, member)
        assert client.get(f"/returns/{record.uuid}/").status_code == 404
        assert client.get(f"/api/v1/returns/{record.uuid}").status_code == 404
        assert client.get("/api/v1/returns/received").json()["items"] == []
        response = client.post(
            f"/api/v1/returns/follow-ups/{three.uuid}",
            {"version": three.version, "done_on": days_ago(0).isoformat(), "outcome": "stable"},
            content_type="application/json",
        )
        assert response.status_code == 404
        response = client.post(
            f"/api/v1/returns/{record.uuid}/arrival",
            {"version": record.version, "arrived_on": days_ago(90).isoformat()},
            content_type="application/json",
        )
        assert response.status_code == 404
    assert ReintegrationFollowUp.objects.get(pk=three.pk).done_on is None


def test_the_receiver_records_the_arrival_by_page_and_the_sender_sees_it(
    world: World, signed_in
) -> None:
    record = shared(world, arrived=False)
    member = centre_c(world)["case_worker"]
    client = signed_in(member.user, member)
    response = client.post(
        f"/returns/{record.uuid}/arrival/",
        {"version": record.version, "arrived_on": days_ago(100).isoformat(), "received_by": "C"},
    )
    assert response.status_code == 302 and response.url == f"/returns/{record.uuid}/"
    record.refresh_from_db()
    assert record.arrived_on == days_ago(100)
    assert record.follow_ups.count() == 3
    sender = world.a["case_worker"]
    page = signed_in(sender.user, sender).get(f"/returns/cases/{world.made['diana'].uuid}/")
    assert days_ago(100).isoformat() in page.content.decode()


def test_the_receiver_does_the_follow_up_by_api_and_the_sender_sees_the_result(
    world: World, signed_in
) -> None:
    three = follow_up(world)
    member = centre_c(world)["supervisor"]
    client = signed_in(member.user, member)
    due = client.get("/api/v1/returns/follow-ups").json()["items"]
    assert [(d["months"], d["received"], d["case_id"], d["case_number"]) for d in due] == [
        (3, True, None, None)
    ]
    response = client.post(
        f"/api/v1/returns/follow-ups/{three.uuid}",
        {"version": three.version, "done_on": days_ago(0).isoformat(), "outcome": "needs_support",
         "notes": NOTES},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    sender = world.a["supervisor"]
    result = signed_in(sender.user, sender).get(f"/api/v1/returns/cases/{world.made['diana'].uuid}")
    done = [f for f in result.json()["follow_ups"] if f["months"] == 3][0]
    assert done["outcome"] == "needs_support" and done["notes"] == NOTES


def test_the_receiver_does_the_follow_up_by_page(world: World, signed_in) -> None:
    three = follow_up(world)
    member = centre_c(world)["case_worker"]
    client = signed_in(member.user, member)
    due = client.get("/returns/follow-ups/").content.decode()
    assert f"/returns/{shared(world).uuid}/#follow-up-3" in due
    assert world.made["diana"].number not in due
    response = client.post(
        f"/returns/follow-ups/{three.uuid}/",
        {"f3-version": three.version, "f3-done_on": days_ago(0).isoformat(),
         "f3-outcome": "stable"},
    )  # fmt: skip
    assert response.status_code == 302 and response.url == f"/returns/{shared(world).uuid}/"
    assert ReintegrationFollowUp.objects.get(pk=three.pk).outcome == "stable"


def test_the_receivers_case_shows_the_return(world: World, signed_in) -> None:
    """C's own case, opened by accepting A's referral of the returning case, shows the return;
    before, it said no return was recorded."""
    record = shared(world)
    case = world.made["diana"]
    consent_to(world, case, org_c(world))
    referral = referrals.referral_send(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        to_organization=org_c(world),
        reason="MigrationOrChangeOfLocation",
        services_requested=["Reintegration"],
        shared_fields=["given_name", "citizenship", "gender", "age_band"],
    )
    member = centre_c(world)["case_worker"]
    accepted = referrals.referral_accept(actor=world.actor(member), referral=referral)
    own = accepted.to_case
    client = signed_in(member.user, member)
    section = client.get(f"/returns/cases/{own.uuid}/section/").content.decode()
    assert "No voluntary return is recorded" not in section
    assert f"/returns/{record.uuid}/" in section and "Crisis Centre A" in section
    page = client.get(f"/returns/{record.uuid}/").content.decode()
    assert f"/cases/{own.uuid}/" in page
    assert client.get(f"/api/v1/returns/{record.uuid}").json()["receiving_case_id"] == str(own.uuid)
    # Another receiving member who does not see that case gets no link.
    assert selectors.receiving_case(actor=world.actor(member), record=record) == own


def test_the_receiver_is_told_when_a_follow_up_is_due(world: World) -> None:
    shared(world)
    assert services.follow_ups_notify_due() == 1
    told = Notification.objects.filter(organization=org_c(world))
    assert told.exists()
    for note in told:
        assert note.url == f"/returns/{shared(world).uuid}/"
        assert world.made["diana"].number not in str(note.params)
    assert Notification.objects.filter(organization=world.org_a).exists()


def test_the_received_list_costs_the_same_for_many(world: World, signed_in) -> None:
    shared(world)
    member = centre_c(world)["case_worker"]
    client = signed_in(member.user, member)
    client.get("/returns/received/")
    with CaptureQueriesContext(connection) as one:
        client.get("/returns/received/")
    for _ in range(4):
        arrive(
            world.a["case_worker"],
            record_return(
                world.a["case_worker"],
                open_diana(world.a["case_worker"]),
                receiving_organization=org_c(world),
            ),
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/returns/received/")
    assert response.content.decode().count('class="button" href="/returns/') == 5
    assert len(many) == len(one)


# --- The follow-up window: from 14 days before the due date, in the organization's date.

TASHKENT = ZoneInfo("Asia/Tashkent")


def _due_in(world: World, arrived_on: date) -> ReintegrationFollowUp:
    case = open_diana(world.a["case_worker"])
    record = record_return(
        world.a["case_worker"], case, travel_date=arrived_on, receiving_organization=org_c(world)
    )
    arrive(world.a["case_worker"], record, arrived_on=arrived_on)
    return ReintegrationFollowUp.objects.get(return_record=record, months=3)


def _record(client, f: ReintegrationFollowUp, done_on: date):
    return client.post(
        f"/api/v1/returns/follow-ups/{f.uuid}",
        {"version": f.version, "done_on": done_on.isoformat(), "outcome": "stable"},
        content_type="application/json",
    )


def test_window_edges_by_api(world: World, signed_in) -> None:
    """Due 24 March 2026, the window opens 10 March. At 01:00 in Tashkent on 9 March (still
    8 March in UTC) it is refused; at 00:30 on 10 March in Tashkent (9 March in UTC) it is
    recorded: the receiver's date counts, not UTC's."""
    member = centre_c(world)["case_worker"]
    with at(datetime(2026, 3, 9, 1, 0, tzinfo=TASHKENT)):
        f = _due_in(world, date(2025, 12, 24))
        assert f.due_on == date(2026, 3, 24) and f.window_opens_on == date(2026, 3, 10)
        client = signed_in(member.user, member)
        refused = _record(client, f, date(2026, 3, 9))
        assert refused.status_code == 422
        errors = refused.json()["errors"]
        assert errors[0]["field"] == "done_on" and "2026-03-10" in errors[0]["message"]
        page = client.get(f"/returns/{f.return_record.uuid}/").content.decode()
        assert "Can be recorded from 2026-03-10" in page
    assert ReintegrationFollowUp.objects.get(pk=f.pk).done_on is None
    with at(datetime(2026, 3, 10, 0, 30, tzinfo=TASHKENT)):
        client = signed_in(member.user, member)
        done = _record(client, f, date(2026, 3, 10))
        assert done.status_code == 200, done.content
    assert ReintegrationFollowUp.objects.get(pk=f.pk).done_on == date(2026, 3, 10)


def test_window_edge_by_page(world: World, signed_in) -> None:
    member = centre_c(world)["case_worker"]
    with at(datetime(2026, 3, 9, 12, 0, tzinfo=TASHKENT)):
        f = _due_in(world, date(2025, 12, 24))
        client = signed_in(member.user, member)
        response = client.post(
            f"/returns/follow-ups/{f.uuid}/",
            {"f3-version": f.version, "f3-done_on": "2026-03-09", "f3-outcome": "stable"},
        )
        assert response.status_code == 200
        assert "it can be recorded from 2026-03-10" in response.content.decode()
    assert ReintegrationFollowUp.objects.get(pk=f.pk).done_on is None


def test_the_window_holds_for_the_sender_too(world: World) -> None:
    f = _due_in(world, days_ago(30))  # the 3-month follow-up is two months away
    with pytest.raises(ValidationFailed) as refused:
        services.follow_up_record(
            actor=world.actor(world.a["case_worker"]),
            follow_up=f,
            version=f.version,
            done_on=days_ago(0),
            outcome="stable",
        )
    assert "done_on" in refused.value.errors


# --- Bad input by the receiver, page and API: the field named, nothing half-saved.

BAD_FOLLOW_UP = [
    ({"done_on": "1999-12-31"}, "done_on"),
    ({"done_on": (date.today() + timedelta(days=3)).isoformat()}, "done_on"),
    ({"notes": "x" * 5001}, "notes"),
    ({"outcome": "cured"}, "outcome"),
]


@pytest.mark.parametrize(("change", "field"), BAD_FOLLOW_UP)
def test_bad_follow_up_by_api(world: World, signed_in, change: dict, field: str) -> None:
    three = follow_up(world)
    member = centre_c(world)["case_worker"]
    client = signed_in(member.user, member)
    body = {"version": three.version, "done_on": days_ago(0).isoformat(), "outcome": "stable"}
    response = client.post(
        f"/api/v1/returns/follow-ups/{three.uuid}",
        {**body, **change, "notes": change.get("notes", NOTES)},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    stored = ReintegrationFollowUp.objects.get(pk=three.pk)
    assert stored.done_on is None and stored.notes == "" and stored.version == three.version


def test_wrong_types_by_api(world: World, signed_in) -> None:
    record = shared(world, arrived=False)
    member = centre_c(world)["case_worker"]
    client = signed_in(member.user, member)
    for change in ({"arrived_on": 20260101}, {"received_by": ["x"]}, {"version": "one"}):
        response = client.post(
            f"/api/v1/returns/{record.uuid}/arrival",
            {"version": record.version, "arrived_on": days_ago(90).isoformat(), **change},
            content_type="application/json",
        )
        assert response.status_code == 422, change
    assert ReturnRecord.objects.get(pk=record.pk).arrived_on is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"arrived_on": "1999-01-01"}, "arrived_on"),
        ({"arrived_on": (date.today() + timedelta(days=3)).isoformat()}, "arrived_on"),
        ({"arrival_notes": "x" * 5001}, "arrival_notes"),
    ],
)
def test_bad_arrival_by_page(world: World, signed_in, change: dict, field: str) -> None:
    record = shared(world, arrived=False)
    member = centre_c(world)["case_worker"]
    client = signed_in(member.user, member)
    response = client.post(
        f"/returns/{record.uuid}/arrival/",
        {"version": record.version, "arrived_on": days_ago(90).isoformat(), **change},
    )
    assert response.status_code == 200
    assert 'class="field has-error' in response.content.decode()
    stored = ReturnRecord.objects.get(pk=record.pk)
    assert stored.arrived_on is None and stored.arrival_notes == ""
    assert not stored.follow_ups.exists()
