"""Referrals of the demo scenario, through the services, between the demo organizations.

Diana goes from the crisis centre to IOM Almaty for legal and medical help (accepted: IOM opens
its own case from the shared fields) and to the HIV/AIDS dispensary for a check-up (urgent,
awaiting the clinic); a raid case is notified anonymously to the police; another goes to the
legal aid centre without consent on a supervisor's override, and is declined; IOM Türkiye refers
a woman's return to the partner in Tashkent, which accepts it. Invented data.
"""

from __future__ import annotations

from opennrm.accounts.demo import DemoWorld
from opennrm.cases import services as cases
from opennrm.cases.selectors import CaseFilters, case_list, case_visible

from . import services
from .models import Referral

WORKER = "caseworker@demo.opennrm.org"
SUPERVISOR = "supervisor@demo.opennrm.org"


def load_demo(world: DemoWorld) -> dict[str, int]:
    """Send and answer the scenario's referrals; returns how many were sent."""
    if Referral.objects.exists():
        return {}
    organizations = world.organizations
    crisis = world.find_actor("crisis", WORKER)
    crisis_supervisor = world.find_actor("crisis", SUPERVISOR)
    iom = world.find_actor("iom-almaty", WORKER)
    if crisis is None or crisis_supervisor is None or iom is None:
        return {}
    sent = 0

    # Diana, to IOM Almaty (named in her consent) and to a health service (her consent names
    # the type).
    diana = case_list(actor=crisis, filters=CaseFilters(q="Рахимова")).first()
    if diana is not None:
        to_iom = services.referral_send(
            actor=crisis,
            case=diana,
            to_organization=organizations["iom-almaty"],
            reason="AdditionalServicesRequired",
            services_requested=["Legal", "Medical"],
            urgency="normal",
            shared_fields=[
                "given_name",
                "family_name",
                "birth",
                "documents",
                "citizenship",
                "gender",
                "age_band",
                "languages",
            ],
            note="Needs a lawyer to restore her passport, and a medical check-up.",
        )
        services.referral_accept(actor=iom, referral=to_iom)
        services.referral_send(
            actor=crisis,
            case=diana,
            to_organization=organizations["dispensary"],
            reason="AdditionalServicesRequired",
            services_requested=["Medical"],
            urgency="urgent",
            shared_fields=["given_name", "citizenship", "gender", "age_band", "languages"],
            note="Check-up; she speaks Uzbek and Russian.",
        )
        sent += 2

    others = [
        c
        for c in case_list(actor=crisis_supervisor).order_by("opened_on", "id")[:3]
        if diana is None or c.pk != diana.pk
    ]
    if others and "police" in organizations:
        # A raid case, notified to the police without consent and without identifying her.
        services.referral_send(
            actor=crisis,
            case=others[0],
            to_organization=organizations["police"],
            kind="anonymous",
            reason="Other",
            shared_fields=["citizenship", "gender", "age_band", "exploitation"],
        )
        sent += 1
    lawyer = world.find_actor("legal", "lawyer@demo.opennrm.org")
    if len(others) > 1 and "legal" in organizations:
        # No consent on record: sent on a supervisor's override, declined by the legal centre.
        override = services.referral_send(
            actor=crisis_supervisor,
            case=others[1],
            to_organization=organizations["legal"],
            reason="AdditionalServicesRequired",
            services_requested=["Legal"],
            urgency="urgent",
            override_reason="Court hearing tomorrow; she could not be reached to consent.",
        )
        if lawyer is not None:
            services.referral_decline(
                actor=lawyer, referral=override, reason="No lawyer free this week; ask again."
            )
        sent += 1

    # IOM Türkiye refers a woman's return home to the partner in Tashkent, which accepts it.
    turkey = world.find_actor("iom-turkey", "turkey@demo.opennrm.org")
    partner = next(
        (o for o in organizations.values() if o.country == "UZ" and o.org_type == "NGO"), None
    )
    if turkey is not None and partner is not None:
        returnee = (
            case_visible(actor=turkey)
            .filter(
                services__service_type="ReturnTravel",
                services__destination_country="UZ",
            )
            .order_by("opened_on", "id")
            .first()
        )
        if returnee is not None:
            cases.consent_record(
                actor=turkey,
                case=returnee,
                purpose="referral",
                method="written",
                recipient_organization=partner,
            )
            to_partner = services.referral_send(
                actor=turkey,
                case=returnee,
                to_organization=partner,
                reason="MigrationOrChangeOfLocation",
                services_requested=["ReturnTravel", "Reintegration"],
                shared_fields=[
                    "given_name",
                    "family_name",
                    "citizenship",
                    "gender",
                    "age_band",
                    "languages",
                ],
                note="Flies Istanbul – Tashkent; please meet her and plan reintegration.",
            )
            # The centre accepts: its own case of her is where the return shows (0018).
            uzbek = world.find_actor("uz-ngo", "uzbek@demo.opennrm.org")
            if uzbek is not None and partner.pk == uzbek.active_organization.pk:
                services.referral_accept(actor=uzbek, referral=to_partner)
            sent += 1
    return {"referrals between organizations": sent}
