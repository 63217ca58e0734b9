"""The demo referrals, sent and answered through the services between the demo organizations."""

from __future__ import annotations

from django.core.management import call_command

from opennrm.accounts.models import Membership, Organization
from opennrm.audit.services import audit_verify
from opennrm.referrals.demo import load_demo_referrals
from opennrm.referrals.models import Referral


def test_demo_referrals(db, settings):
    settings.DEMO_MODE = True
    call_command("load_demo")
    Referral.objects.all().delete()  # once load_demo calls it, start again from none
    names = {
        "iom-almaty": "IOM Kazakhstan, Almaty office",
        "crisis": "Almaty Crisis Support Centre",
        "dispensary": "Almaty City HIV/AIDS Dispensary",
        "legal": "Almaty Legal Aid Centre",
        "iom-turkey": "IOM Türkiye",
        "police": "Almaty Police Anti-Trafficking Unit",
    }
    organizations = {key: Organization.objects.get(name=name) for key, name in names.items()}
    for extra in Organization.objects.filter(country="UZ", org_type="NGO"):
        organizations["uz-ngo"] = extra
    keys = {o.pk: key for key, o in organizations.items()}
    memberships = {
        (keys[m.organization_id], m.user.email): m
        for m in Membership.objects.select_related("user").filter(organization__in=keys)
    }
    counts = load_demo_referrals(memberships=memberships, organizations=organizations)
    expected = 5 if "uz-ngo" in organizations else 4
    assert counts == {"referrals between organizations": expected}
    assert load_demo_referrals(memberships=memberships, organizations=organizations) == {}
    by_kind = {(r.to_organization.name, r.kind, r.status) for r in Referral.objects.all()}
    assert ("IOM Kazakhstan, Almaty office", "referral", "accepted") in by_kind
    assert ("Almaty City HIV/AIDS Dispensary", "referral", "pending") in by_kind
    assert ("Almaty Police Anti-Trafficking Unit", "anonymous", "pending") in by_kind
    assert ("Almaty Legal Aid Centre", "referral", "declined") in by_kind
    accepted = Referral.objects.get(to_organization=organizations["iom-almaty"])
    assert accepted.to_case.person.family_name == "Рахимова"
    assert Referral.objects.filter(overridden_by__isnull=False).count() == 1
    assert audit_verify().ok
