"""Exact withdrawal on a chain A → B → C (decision 0013), built through the real services.

Crisis Centre A refers Diana to Hotline B under her consent X, sharing her names, birth data,
phone, passport and the statistical fields; B accepts (its own case), and refers her on to the
Tashkent centre C under her consent Y recorded at B; C accepts. Withdrawing a consent removes
exactly what was shared under it, wherever it went, and nothing that a receiver recorded or
confirmed under its own consent since. Before decision 0013 the withdrawal of X wiped B's copy
whatever B had done, and never reached C.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from opennrm.accounts import services as accounts
from opennrm.accounts.models import Membership, Organization, OrganizationType, Role
from opennrm.accounts.permissions import Actor
from opennrm.audit.models import AuditEvent
from opennrm.cases import services as cases
from opennrm.cases.models import Case, Consent
from opennrm.notifications.models import Notification
from opennrm.people.models import Person
from opennrm.referrals import services
from opennrm.referrals.models import Referral
from tests.cases.factories import REASON, open_diana
from tests.conftest import PASSWORD, World, sign_in
from tests.support.matrix import client_for

# Everything identifying A holds, and the statistical fields.
SHARED = [
    "given_name",
    "family_name",
    "patronymic",
    "other_names",
    "birth",
    "phones",
    "documents",
    "citizenship",
    "gender",
    "age_band",
    "languages",
]
IDENTIFYING = [
    "given_name",
    "family_name",
    "patronymic",
    "names",
    "birth_year",
    "phones",
    "documents",
]
STATISTICAL = ["gender", "citizenship", "languages", "age_band", "is_minor"]
A_PHONE = "+998901234567"


def organization_c(world: World) -> tuple[Organization, Membership]:
    """The Tashkent centre C, with one case worker, made once per test."""
    found = getattr(world, "_org_c", None)
    if found is None:
        organization = accounts.organization_create(
            actor=world.platform,
            name="Tashkent Centre C",
            org_type=OrganizationType.NGO,
            country="UZ",
            city="Tashkent",
        )
        worker = accounts.membership_create(
            actor=world.platform,
            organization=organization,
            email="case.worker.c@example.org",
            full_name="Case Worker C",
            role=Role.CASE_WORKER,
            password=PASSWORD,
        )
        found = world._org_c = (organization, worker)  # type: ignore[attr-defined]
    return found


@dataclass
class Chain:
    world: World
    a_case: Case
    x: Consent  # A's consent to referral to B
    r1: Referral
    b_case: Case
    y: Consent | None = None  # B's consent to referral to C
    r2: Referral | None = None
    c_case: Case | None = None

    @property
    def a(self) -> Actor:
        return self.world.actor(self.world.a["case_worker"])

    @property
    def b(self) -> Actor:
        return self.world.actor(self.world.b["case_worker"])

    @property
    def c(self) -> Actor:
        return self.world.actor(organization_c(self.world)[1])

    def c_client(self) -> Client:
        worker = organization_c(self.world)[1]
        return sign_in(Client(), worker.user, worker)


def to_b(world: World) -> Chain:
    """A → B: X recorded at A, the referral sent under it and accepted by B's case worker."""
    a = world.actor(world.a["case_worker"])
    a_case = open_diana(world.a["case_worker"])
    x = cases.consent_record(
        actor=a,
        case=a_case,
        purpose="referral",
        method="written",
        recipient_organization=world.org_b,
    )
    r1 = services.referral_send(
        actor=a,
        case=a_case,
        to_organization=world.org_b,
        reason="AdditionalServicesRequired",
        services_requested=["Legal"],
        shared_fields=SHARED,
    )
    r1 = services.referral_accept(actor=world.actor(world.b["case_worker"]), referral=r1)
    assert r1.to_case is not None
    return Chain(world, a_case, x, r1, r1.to_case)


def to_c(chain: Chain, *, accept: bool = True) -> Chain:
    """B → C: Y recorded at B, the referral sent under it (and accepted by C's case worker)."""
    organization, _worker = organization_c(chain.world)
    chain.y = cases.consent_record(
        actor=chain.b,
        case=chain.b_case,
        purpose="referral",
        method="written",
        recipient_organization=organization,
    )
    chain.r2 = services.referral_send(
        actor=chain.b,
        case=chain.b_case,
        to_organization=organization,
        reason="MigrationOrChangeOfLocation",
        services_requested=["ReturnTravel"],
        shared_fields=SHARED,
    )
    if accept:
        chain.r2 = services.referral_accept(actor=chain.c, referral=chain.r2)
        chain.c_case = chain.r2.to_case
    return chain


def person(case: Case | None) -> Person:
    assert case is not None
    return Person.objects.get(pk=case.person_id)


def values(record: Person, names: list[str]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def withdraw(actor: Actor, consent: Consent) -> None:
    cases.consent_withdraw(actor=actor, consent=consent, reason=REASON)


def assert_cleared(record: Person, fields: list[str]) -> None:
    for name in fields:
        assert getattr(record, name) in ("", []), name


# --- 1. Withdrawing X at A: B's and C's copies lose what was shared under X.


def test_withdrawing_x_clears_b_and_c_keeps_a_and_the_figures(world):
    chain = to_c(to_b(world))
    a_before = values(person(chain.a_case), IDENTIFYING + STATISTICAL)
    b_stats = values(person(chain.b_case), STATISTICAL)
    c_stats = values(person(chain.c_case), STATISTICAL)
    assert person(chain.c_case).given_name == "Диана"
    assert b_stats["age_band"] not in ("", "unknown")

    withdraw(chain.a, chain.x)

    assert values(person(chain.a_case), IDENTIFYING + STATISTICAL) == a_before
    for case, stats in ((chain.b_case, b_stats), (chain.c_case, c_stats)):
        record = person(case)
        assert_cleared(record, IDENTIFYING + ["birth_date", "approximate_age"])
        assert values(record, STATISTICAL) == stats  # the age band survives its birth data
        assert record.held_under == {}
    # C reads nothing of Diana's in the referral that brought her either: its snapshot lost
    # what came from A (C's consent Y is still in force, so read time alone would show it).
    assert chain.r2 is not None
    body = chain.c_client().get(f"/api/v1/referrals/{chain.r2.uuid}").json()
    assert body["shared"]["available"] is True
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("Диана", "Каримова", "Dilnoza", "AA1234567", A_PHONE, "1977"):
        assert secret not in text, secret
    assert body["shared"]["values"]["citizenship"] == "UZ"
    # Neither can find her by name any more.
    found = chain.c_client().post("/cases/", {"q": "Диана"}).content.decode()
    assert chain.c_case is not None and chain.c_case.number not in found

    # Told, both of them; nothing about the person in what they are told.
    organization_c_, _ = organization_c(world)
    for organization in (world.org_b, organization_c_):
        notices = Notification.objects.filter(organization=organization, kind="consent.withdrawn")
        assert notices.exists(), organization
        for notice in notices:
            assert "Диана" not in json.dumps(notice.params, ensure_ascii=False)
    # Audited: the withdrawal under A, each clearing under the organization whose copy it is,
    # naming the fields, never a value.
    assert AuditEvent.objects.get(action="consent.withdraw").organization == world.org_a
    cleared = AuditEvent.objects.filter(action="person.shares_revoked")
    assert {e.organization for e in cleared} == {world.org_b, organization_c_}
    for event in cleared:
        assert "given_name" in event.fields and "age_band" not in event.fields
        assert "Диана" not in json.dumps(event.fields, ensure_ascii=False)
    onward = AuditEvent.objects.get(action="referral.upstream_withdrawn")
    assert onward.object_id == chain.r2.uuid and onward.organization == organization_c_


def test_withdrawal_is_safe_to_carry_out_again(world):
    chain = to_c(to_b(world))
    withdraw(chain.a, chain.x)
    events = AuditEvent.objects.count()
    assert services.referral_consent_withdrawn(actor=chain.a, consent=chain.x) == 0
    assert AuditEvent.objects.count() == events


# --- 2. B's own consent after acceptance: everything B holds is B's.


def test_b_own_consent_keeps_b_and_the_copy_it_sent_after(world):
    chain = to_b(world)
    cases.consent_record(actor=chain.b, case=chain.b_case, purpose="assistance", method="verbal")
    confirmed = AuditEvent.objects.get(action="person.confirm")
    assert confirmed.organization == world.org_b and "given_name" in confirmed.fields
    to_c(chain)
    b_before = values(person(chain.b_case), IDENTIFYING)
    c_before = values(person(chain.c_case), IDENTIFYING)

    withdraw(chain.a, chain.x)

    assert values(person(chain.b_case), IDENTIFYING) == b_before
    assert values(person(chain.c_case), IDENTIFYING) == c_before
    assert person(chain.b_case).given_name == "Диана"
    assert not AuditEvent.objects.filter(action="person.shares_revoked").exists()


def test_a_referral_consent_at_b_is_not_b_own_consent(world):
    """Y (B's consent to refer on) says nothing of B's own assistance: B still loses X's."""
    chain = to_c(to_b(world))
    withdraw(chain.a, chain.x)
    assert person(chain.b_case).given_name == ""


# --- 3. B's own edits after acceptance: the field edited is B's.


def test_b_own_edit_keeps_that_field_at_b_and_at_c_sent_after(world):
    chain = to_b(world)
    record = person(chain.b_case)
    # The family name corrected from the passport, and a phone number she gave B herself.
    cases.person_update(
        actor=chain.b,
        case=chain.b_case,
        version=record.version,
        family_name="Karimova",
        phones=[A_PHONE, "+77011234567"],
    )
    to_c(chain)

    withdraw(chain.a, chain.x)

    for case in (chain.b_case, chain.c_case):
        record = person(case)
        assert record.family_name == "Karimova"
        assert record.phones == ["+77011234567"]  # A's number gone, B's own kept
        assert_cleared(record, ["given_name", "patronymic", "names", "birth_year", "documents"])


def test_b_edit_after_sending_on_does_not_protect_c(world):
    """C holds A's value: B's later correction at B changes nothing of C's copy."""
    chain = to_c(to_b(world))
    record = person(chain.b_case)
    cases.person_update(
        actor=chain.b, case=chain.b_case, version=record.version, family_name="Karimova"
    )
    withdraw(chain.a, chain.x)
    assert person(chain.b_case).family_name == "Karimova"
    assert person(chain.c_case).family_name == ""


def test_an_edit_by_the_api_counts_as_the_page_does(world):
    chain = to_b(world)
    b = client_for(world, "b:case_worker")
    url = f"/api/v1/cases/{chain.b_case.uuid}/person"
    version = b.get(url).json()["version"]
    response = b.patch(
        url,
        data=json.dumps({"version": version, "given_name": "Dilnoza"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    withdraw(chain.a, chain.x)
    record = person(chain.b_case)
    assert record.given_name == "Dilnoza" and record.family_name == ""


# --- 4. C's own edit or own consent protects C's copy.


def test_c_own_consent_keeps_c(world):
    chain = to_c(to_b(world))
    assert chain.c_case is not None
    cases.consent_record(actor=chain.c, case=chain.c_case, purpose="assistance", method="written")
    withdraw(chain.a, chain.x)
    assert person(chain.b_case).given_name == ""
    assert person(chain.c_case).given_name == "Диана"
    assert person(chain.c_case).documents[0]["number"] == "AA1234567"


def test_c_own_edit_keeps_that_field_at_c(world):
    chain = to_c(to_b(world))
    assert chain.c_case is not None
    record = person(chain.c_case)
    cases.person_update(
        actor=chain.c, case=chain.c_case, version=record.version, given_name="Dilnoza"
    )
    withdraw(chain.a, chain.x)
    record = person(chain.c_case)
    assert record.given_name == "Dilnoza" and record.family_name == ""


# --- 5. Withdrawing Y at B clears C's copy, not B's.


def test_withdrawing_y_clears_c_not_b_nor_a(world):
    chain = to_c(to_b(world))
    # C's copy of the family name came through B, which made it its own before sending:
    # it depends on Y alone, and goes with Y.
    b_before = values(person(chain.b_case), IDENTIFYING)
    assert chain.y is not None
    withdraw(chain.b, chain.y)
    assert values(person(chain.b_case), IDENTIFYING) == b_before
    assert person(chain.a_case).given_name == "Диана"
    record = person(chain.c_case)
    assert_cleared(record, IDENTIFYING)
    assert record.age_band not in ("", "unknown")
    cleared = AuditEvent.objects.get(action="person.shares_revoked")
    assert cleared.organization == organization_c(world)[0]


def test_withdrawing_y_clears_what_b_made_its_own_too(world):
    chain = to_b(world)
    cases.consent_record(actor=chain.b, case=chain.b_case, purpose="assistance", method="verbal")
    to_c(chain)
    assert chain.y is not None
    withdraw(chain.b, chain.y)
    assert person(chain.b_case).given_name == "Диана"
    assert person(chain.c_case).given_name == ""


# --- Onward referral not yet accepted.


def test_a_pending_onward_referral_loses_what_came_under_x(world):
    chain = to_c(to_b(world), accept=False)
    withdraw(chain.a, chain.x)
    assert chain.r2 is not None
    chain.r2.refresh_from_db()
    assert chain.r2.status == "pending"
    assert chain.r2.shared_values["given_name"] == ""
    assert chain.r2.shared_values["phones"] == []
    assert chain.r2.shared_values["citizenship"] == "UZ"
    accepted = services.referral_accept(actor=chain.c, referral=chain.r2)
    record = person(accepted.to_case)
    assert record.given_name == "" and record.citizenship == "UZ"
    assert record.held_under == {}


# --- 6. Confirmation and reason by API.


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "x" * 2001}])
def test_api_withdrawal_needs_a_bounded_reason_and_changes_nothing_without(world, body):
    chain = to_b(world)
    a = client_for(world, "a:case_worker")
    url = f"/api/v1/cases/{chain.a_case.uuid}/consents/{chain.x.uuid}/withdraw"
    events = AuditEvent.objects.count()
    response = a.post(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]
    chain.x.refresh_from_db()
    assert chain.x.is_active and AuditEvent.objects.count() == events
    assert person(chain.b_case).given_name == "Диана"
    response = a.post(
        url, data=json.dumps({"reason": "Moved away."}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert person(chain.b_case).given_name == ""


def test_page_confirmation_names_the_referrals_reached(world):
    chain = to_b(world)
    a = client_for(world, "a:case_worker")
    url = f"/cases/{chain.a_case.uuid}/consent/{chain.x.uuid}/withdraw/"
    html = a.get(url).content.decode()
    assert chain.r1.number in html and "Hotline B" in html
    assert "loses the details shared under this consent" in html
    refused = a.post(url, {"reason": ""})
    assert refused.status_code == 200
    chain.x.refresh_from_db()
    assert chain.x.is_active and person(chain.b_case).given_name == "Диана"
    assert a.post(url, {"reason": "Moved away."}).status_code == 302
    assert person(chain.b_case).given_name == ""


def test_the_reason_is_encrypted_and_provenance_holds_no_value(world):
    """The reason may tell the person's story: unreadable in the table. The provenance maps
    are plain JSON of field names and consent ids only."""
    chain = to_c(to_b(world))
    assert chain.r2 is not None and chain.y is not None
    held_maps = (chain.r2.held_under, person(chain.c_case).held_under)
    assert held_maps[1]["given_name"] == sorted([chain.x.pk, chain.y.pk])
    for held in held_maps:
        text = json.dumps(held, ensure_ascii=False)
        assert all(secret not in text for secret in ("Диана", "Каримова", "AA1234567", A_PHONE))
    cases.consent_withdraw(actor=chain.a, consent=chain.x, reason="Фарид нашёл её в Алматы")
    with connection.cursor() as cursor:
        cursor.execute("SELECT withdrawal_reason FROM cases_consent WHERE id = %s", [chain.x.pk])
        raw = cursor.fetchone()[0]
    assert raw and "Фарид" not in str(raw) and "Алматы" not in str(raw)
    chain.x.refresh_from_db()
    assert chain.x.withdrawal_reason == "Фарид нашёл её в Алматы"


# --- The backfill of the referrals on record (referrals migration 0003).


def test_backfill_gives_the_copies_on_record_their_provenance(world):
    """Copies made before decision 0013 carry no map: the migration gives them one, so a
    withdrawal still clears them; a copy whose case has its own assistance consent is the
    receiver's own."""
    from django.apps import apps

    backfill = importlib.import_module("opennrm.referrals.migrations.0004_referral_held_under")
    chain = to_c(to_b(world))
    assert chain.r2 is not None and chain.c_case is not None and chain.y is not None
    cases.consent_record(actor=chain.c, case=chain.c_case, purpose="assistance", method="verbal")
    Person.objects.update(held_under={})
    Referral.objects.update(held_under={})

    backfill.backfill(apps, None)

    held = person(chain.b_case).held_under
    assert held["given_name"] == [chain.x.pk] and held["documents"] == [chain.x.pk]
    chain.r2.refresh_from_db()
    assert chain.r2.held_under["given_name"] == [chain.x.pk]
    assert person(chain.c_case).held_under == {}  # C's own consent
    assert person(chain.a_case).held_under == {}
    withdraw(chain.a, chain.x)
    assert person(chain.b_case).given_name == "" and person(chain.c_case).given_name == "Диана"
