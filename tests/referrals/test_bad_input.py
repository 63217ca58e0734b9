"""Bad input to referrals and returns through the API: NUL bytes, lone surrogates, over-long text
and implausible dates are refused with a 422 naming the field, and nothing is saved."""

from __future__ import annotations

import pytest
from django.test import Client

from opennrm.audit.models import AuditEvent
from opennrm.referrals.models import Referral
from opennrm.returns.models import ReturnRecord
from tests.api.test_bad_input import MEGABYTE, NUL, SURROGATE, post, refused
from tests.cases.factories import open_diana
from tests.conftest import World, sign_in
from tests.referrals.factories import diana_consenting, send
from tests.returns.factories import record_return


def rows() -> tuple[int, ...]:
    return (
        Referral.objects.count(),
        ReturnRecord.objects.count(),
        AuditEvent.objects.exclude(action="read").count(),
    )


def client_of(world: World, org: str, role: str) -> Client:
    member = getattr(world, org)[role]
    return sign_in(Client(), member.user, member)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"note": NUL}, "note"),
        ({"note": SURROGATE}, "note"),
        ({"note": MEGABYTE}, "note"),
        ({"services_requested": ["Legal"] * 10_000}, "services_requested"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_referral_send_refuses_bad_input(world, changes, field):
    case = diana_consenting(world)
    body = {
        "case_id": str(case.uuid),
        "to_organization_id": str(world.org_b.uuid),
        "reason": "AdditionalServicesRequired",
        "services_requested": ["Legal"],
        **changes,
    }
    before = rows()
    refused(post(client_of(world, "a", "case_worker"), "/api/v1/referrals", body), field)
    assert rows() == before


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("decline", {"reason": SURROGATE}, "reason"),
        ("decline", {"reason": "no\x00"}, "reason"),
    ],
)
def test_referral_answers_refuse_bad_input(world, action, body, field):
    referral = send(world, diana_consenting(world))
    before = rows()
    client = client_of(world, "b", "case_worker")
    refused(post(client, f"/api/v1/referrals/{referral.uuid}/{action}", body), field)
    referral.refresh_from_db()
    assert (rows(), referral.status) == (before, "pending")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"destination_city": SURROGATE}, "destination_city"),
        ({"document_number": NUL}, "document_number"),
        ({"route": "r" * 201}, "route"),
        ({"travel_date": "1800-01-01"}, "travel_date"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_return_create_refuses_bad_input(world, changes, field):
    case = open_diana(world.a["case_worker"])
    body = {"destination_country": "UZ", **changes}
    before = rows()
    client = client_of(world, "a", "case_worker")
    refused(post(client, f"/api/v1/returns/cases/{case.uuid}", body), field)
    assert rows() == before


def test_return_arrival_refuses_bad_input(world):
    case = open_diana(world.a["case_worker"])
    record = record_return(world.a["case_worker"], case)
    client = client_of(world, "a", "case_worker")
    body = {"version": record.version, "arrived_on": str(record.travel_date)}
    for changes, field in (({"arrival_notes": SURROGATE}, "arrival_notes"),):
        refused(post(client, f"/api/v1/returns/{record.uuid}/arrival", {**body, **changes}), field)
    record.refresh_from_db()
    assert record.arrived_on is None
