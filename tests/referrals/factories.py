"""Referrals of Diana's case from Crisis Centre A to Hotline B, built through the services."""

from __future__ import annotations

from typing import Any

from opennrm.accounts import services as accounts
from opennrm.accounts.models import Membership, Organization, OrganizationType, Role
from opennrm.cases import services as cases
from opennrm.cases.models import Case, Consent
from opennrm.referrals import services
from opennrm.referrals.models import Referral
from tests.cases.factories import open_diana
from tests.conftest import PASSWORD, World

# What A shares in most tests: her given name, but not her family name, phone or passport.
SHARED = ["given_name", "citizenship", "gender", "age_band", "languages"]
UNSHARED_VALUES = ["Каримова", "Рустамовна", "AA1234567", "998901234567", "Dilnoza"]


def consent_to(world: World, case: Case, organization: Organization | None = None) -> Consent:
    """Diana's written consent to referral to ``organization`` (B by default)."""
    return cases.consent_record(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        purpose="referral",
        method="written",
        recipient_organization=organization or world.org_b,
    )


def diana_consenting(world: World) -> Case:
    case = open_diana(world.a["case_worker"])
    consent_to(world, case)
    return case


def send(world: World, case: Case, by: str = "case_worker", **kw: Any) -> Referral:
    values: dict[str, Any] = {
        "to_organization": world.org_b,
        "reason": "AdditionalServicesRequired",
        "services_requested": ["Legal", "Medical"],
        "shared_fields": SHARED,
        "note": "Needs a lawyer for her passport.",
    }
    values.update(kw)
    return services.referral_send(actor=world.actor(world.a[by]), case=case, **values)


def police(world: World) -> tuple[Organization, Membership]:
    """A law-enforcement unit with one liaison, made once per test."""
    found = getattr(world, "_police", None)
    if found is None:
        organization = accounts.organization_create(
            actor=world.platform,
            name="Police Unit P",
            org_type=OrganizationType.LAW_ENFORCEMENT,
            country="KZ",
            city="Almaty",
        )
        liaison = accounts.membership_create(
            actor=world.platform,
            organization=organization,
            email="liaison.p@example.org",
            full_name="Liaison P",
            role=Role.LAW_ENFORCEMENT_LIAISON,
            password=PASSWORD,
        )
        found = world._police = (organization, liaison)  # type: ignore[attr-defined]
    return found
