"""The duplicate check at intake: own matches, hints across organizations, contact requests."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opennrm.accounts.models import OrganizationType
from opennrm.audit.models import AuditEvent
from opennrm.errors import NotFound, PermissionDenied, ValidationFailed
from opennrm.linkage import intake
from opennrm.linkage.models_intake import ContactRequest, MatchHint
from opennrm.notifications.models import Notification
from tests.cases.factories import open_diana
from tests.conftest import sign_in

from .factories import ZHANAR, hint_for_a, open_case, request_from_a, secrets_of, zhanar_at_b

pytestmark = pytest.mark.django_db


def check(world, membership, **data):
    return intake.possible_matches(actor=world.actor(membership), data=data)


def test_own_organization_match_is_shown_with_its_case_number_and_reasons(world):
    case = open_case(world.a["case_worker"], ZHANAR)
    found = check(world, world.a["case_worker"], family_name="Yusupova", given_name="Zhanar")
    assert found.checked
    assert [m.case_number for m in found.own] == [case.number]
    assert found.own[0].name == "Юсупова Жанар Бахтиёровна"
    assert "family.transliterated" in {r.code for r in found.own[0].match.reasons}
    # The read of names is audited like a list page's.
    reads = AuditEvent.objects.filter(action="read", object_type="cases.case")
    assert any(str(case.uuid) in (e.object_ids or []) for e in reads)


def test_own_matches_only_of_cases_the_actor_sees(world):
    open_case(world.a["supervisor"], ZHANAR)  # the supervisor's, not the case worker's
    assert check(world, world.a["case_worker"], family_name="Yusupova").own == []
    assert len(check(world, world.a["supervisor"], family_name="Yusupova").own) == 1


def test_the_case_being_edited_is_not_its_own_duplicate(world):
    case = open_case(world.a["case_worker"], ZHANAR)
    found = intake.possible_matches(
        actor=world.actor(world.a["case_worker"]),
        data={"family_name": "Yusupova"},
        exclude_case=case,
    )
    assert found.own == []


def test_another_organizations_record_is_only_a_hint(world):
    zhanar_at_b(world)
    found = check(world, world.a["case_worker"], family_name="Yusupova")
    assert found.own == []
    [hint] = found.hints
    assert hint.organization_name == "Hotline B"
    assert hint.band == "medium"
    assert hint.kinds == ["name"]
    assert not hasattr(hint, "person") and not hasattr(hint, "case_number")


def test_hint_shown_is_audited_under_both_organizations_once(world):
    hint = hint_for_a(world)
    check(world, world.a["case_worker"], family_name="Yusupova")  # shown again
    events = [
        e
        for e in AuditEvent.objects.filter(action="match_hint.shown")
        if e.object_id == hint.uuid or str(hint.uuid) in (e.object_ids or [])
    ]
    assert sorted(e.organization_id for e in events) == sorted([world.org_a.pk, world.org_b.pk])
    assert all(e.fields == [] for e in events)


@pytest.mark.parametrize(
    "role", ["hotline_operator", "service_provider", "law_enforcement_liaison", "data_analyst"]
)
def test_roles_without_hints(world, role):
    zhanar_at_b(world)
    membership = world.a[role]
    actor = world.actor(membership)
    if not actor.can("persons.match"):
        with pytest.raises(PermissionDenied):
            check(world, membership, family_name="Yusupova")
    else:
        assert check(world, membership, family_name="Yusupova").hints == []
    assert not MatchHint.objects.exists()


@pytest.mark.parametrize("who", ["asking", "offering"])
def test_opt_out_works_both_ways(world, who):
    zhanar_at_b(world)
    org = world.org_a if who == "asking" else world.org_b
    org.match_hints = False
    org.save()
    assert check(world, world.a["case_worker"], family_name="Yusupova").hints == []


def test_law_enforcement_records_are_never_offered_nor_shown(world):
    zhanar_at_b(world)
    world.org_b.org_type = OrganizationType.LAW_ENFORCEMENT
    world.org_b.save()
    assert check(world, world.a["case_worker"], family_name="Yusupova").hints == []


def test_a_weak_likeness_is_not_offered_across_organizations(world):
    zhanar_at_b(world)
    found = check(world, world.a["case_worker"], family_name="Yusupova", given_name="Dilnoza")
    assert found.hints == []


def test_no_name_no_check(world):
    zhanar_at_b(world)
    found = check(world, world.a["case_worker"], birth_date="1990-04-02")
    assert not found.checked and found.own == [] and found.hints == []


def test_bad_input_names_the_field(world):
    with pytest.raises(ValidationFailed) as caught:
        check(world, world.a["case_worker"], family_name="x" * 201, birth_date="1800-01-01")
    assert set(caught.value.errors) == {"family_name", "birth_date"}


def test_query_count_is_bounded(world):
    zhanar_at_b(world)
    open_diana(world.a["case_worker"])
    for _ in range(3):
        open_case(world.b["case_worker"], {**ZHANAR, "given_name": "Dilnoza"})
    data = {"family_name": "Yusupova", "given_name": "Zhanar", "phones": ["+998907654321"]}
    check(world, world.a["case_worker"], **data)  # the hint exists from now on
    with CaptureQueriesContext(connection) as queries:
        check(world, world.a["case_worker"], **data)
    assert len(queries) <= 10, [q["sql"][:120] for q in queries]


def test_contact_request_notifies_the_other_side_and_is_audited_on_both(world):
    request = request_from_a(world)
    assert request.to_organization == world.org_b
    notified = Notification.objects.filter(kind="contact_request.new")
    assert {n.organization_id for n in notified} == {world.org_b.pk}
    roles = {n.recipient.memberships.get(organization=world.org_b).role for n in notified}
    assert roles == {"case_worker", "supervisor"}
    events = AuditEvent.objects.filter(action="contact_request.send", object_id=request.uuid)
    assert {e.organization_id for e in events} == {world.org_a.pk, world.org_b.pk}


def test_one_request_per_hint_and_only_ones_own_hint(world):
    request_from_a(world)
    hint = hint_for_a(world)
    with pytest.raises(Exception, match="already"):
        intake.contact_request_send(actor=world.actor(world.a["case_worker"]), hint_id=hint.uuid)
    with pytest.raises(NotFound):
        intake.contact_request_send(actor=world.actor(world.a["supervisor"]), hint_id=hint.uuid)


def test_the_other_side_sees_its_case_and_answers(world):
    case = zhanar_at_b(world)
    request = request_from_a(world)
    [item] = intake.contact_requests_received(actor=world.actor(world.b["case_worker"]))
    assert item.case_number == case.number and item.request.message == "Call us"
    intake.contact_request_answer(
        actor=world.actor(world.b["case_worker"]), request_id=request.uuid, answer="accept"
    )
    request.refresh_from_db()
    assert request.status == "accepted"
    assert Notification.objects.filter(
        kind="contact_request.answered", organization=world.org_a
    ).exists()
    [sent] = intake.contact_requests_sent(actor=world.actor(world.a["supervisor"]))
    assert sent.status == "accepted"


# --- The privacy rule: page, API, notification and audit view.


def _bodies_hide(world, bodies):
    secrets = secrets_of(zhanar_at_b(world))
    for body in bodies:
        for secret in secrets:
            assert secret not in body, f"{secret!r} leaked"


def test_privacy_page_and_api(world, client):
    zhanar_at_b(world)
    sign_in(client, world.a["case_worker"].user, world.a["case_worker"])
    page = client.post("/linkage/check/", {"family_name": "Yusupova"}, HTTP_HX_REQUEST="true")
    assert "Hotline B" in page.content.decode()
    full = client.post("/linkage/check/", {"family_name": "Yusupova"})
    api = client.post(
        "/api/v1/persons/matches",
        json.dumps({"family_name": "Yusupova"}),
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["hints"][0]["organization_name"] == "Hotline B"
    hint = MatchHint.objects.get()
    ask_page = client.get(f"/linkage/hints/{hint.uuid}/ask/")
    asked = client.post(f"/linkage/hints/{hint.uuid}/ask/", {"message": "Call us"})
    assert asked.status_code == 302
    sent_page = client.get("/linkage/requests/?tab=sent")
    sent_api = client.get("/api/v1/linkage/requests?box=sent")
    notifications = client.get("/api/v1/notifications")
    bodies = [r.content.decode() for r in (page, full, api, ask_page, sent_page, sent_api)]
    # The answer reaches A as a notification: nothing of B's record in it either.
    request = ContactRequest.objects.get()
    intake.contact_request_answer(
        actor=world.actor(world.b["supervisor"]), request_id=request.uuid, answer="decline"
    )
    notifications = client.get("/api/v1/notifications")
    bodies.append(notifications.content.decode())
    assert "Hotline B" in notifications.content.decode()
    _bodies_hide(world, bodies)


def test_privacy_audit_view_of_the_asking_side(world, client):
    request_from_a(world)
    supervisor = world.a["supervisor"]
    sign_in(client, supervisor.user, supervisor)
    events = AuditEvent.objects.filter(organization=world.org_a)
    bodies = [json.dumps([str(e.object_id) for e in events] + [e.object_type for e in events])]
    # The audit events under A name the hint and the request, never B's person or case.
    case = zhanar_at_b(world)
    assert str(case.uuid) not in bodies[0] and str(case.person.uuid) not in bodies[0]
    _bodies_hide(world, bodies)


def test_the_other_organization_learns_nothing_of_the_asking_record(world, client):
    # B's side sees A's organization and the message; never A's typed values.
    request_from_a(world)
    member = world.b["case_worker"]
    sign_in(client, member.user, member)
    page = client.get("/linkage/requests/").content.decode()
    assert "Crisis Centre A" in page and "Yusupova" not in page
