"""The demo referrals, sent and answered through the services by ``load_demo``."""

from __future__ import annotations

from django.core.management import call_command

from opennrm.accounts.demo import DemoWorld
from opennrm.audit.services import audit_verify
from opennrm.referrals.demo import load_demo
from opennrm.referrals.models import Referral


def test_demo_referrals(db, settings, capsys):
    settings.DEMO_MODE = True
    call_command("load_demo")
    assert "5 referrals between organizations" in capsys.readouterr().out
    found = {(r.to_organization.name, r.kind, r.status) for r in Referral.objects.all()}
    assert found == {
        ("IOM Kazakhstan, Almaty office", "referral", "accepted"),
        ("Almaty City HIV/AIDS Dispensary", "referral", "pending"),
        ("Almaty Police Anti-Trafficking Unit", "anonymous", "pending"),
        ("Almaty Legal Aid Centre", "referral", "declined"),
        ("Tashkent Reintegration Centre", "referral", "accepted"),
    }
    accepted = Referral.objects.get(to_organization__name__startswith="IOM")
    person = accepted.to_case.person
    assert person.family_name == "Рахимова" and person.phones == []
    assert Referral.objects.filter(overridden_by__isnull=False).count() == 1
    anonymous = Referral.objects.get(kind="anonymous")
    assert set(anonymous.shared_values) == {"citizenship", "gender", "age_band", "exploitation"}
    assert load_demo(DemoWorld()) == {}  # once only
    assert audit_verify().ok
