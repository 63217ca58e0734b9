"""A demo voluntary return: a woman returned from Türkiye to Tashkent, received by the Tashkent
Reintegration Centre over three months ago, so her 3-month follow-up is due. Invented."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from opennrm.accounts.demo import DemoWorld
from opennrm.cases.services import case_open

from . import services

RECEIVING = ("uz-ngo", "uzbek@demo.opennrm.org")


def load_demo(world: DemoWorld) -> dict[str, int]:
    """Open the returnee's case at the Tashkent centre, record her return and arrival (100 days
    ago) through the services, by the centre's case worker."""
    actor = world.actor(*RECEIVING)
    receiving = world.organizations[RECEIVING[0]]
    today = timezone.localdate()
    arrived = today - timedelta(days=100)
    case = case_open(
        actor=actor,
        person={
            "given_name": "Shakhnoza",
            "family_name": "Tursunova",
            "birth_year": today.year - 27,
            "gender": "Feminine",
            "citizenship": "UZ",
            "languages": ["uz", "ru"],
        },
        opened_on=arrived,
        exploitation_types=["SexualExploitation"],
        country_of_origin="UZ",
        country_of_exploitation="TR",
        city_of_exploitation="Istanbul",
        exited_on=arrived - timedelta(days=20),
    )
    record = services.return_create(
        actor=actor,
        case=case,
        document_type="return_certificate",
        document_number="DEMO-000123",
        travel_date=arrived,
        destination_country="UZ",
        destination_city="Tashkent",
        route="Istanbul – Tashkent by air",
        receiving_organization=receiving,
    )
    services.return_record_arrival(
        actor=actor,
        record=record,
        version=record.version,
        arrived_on=arrived,
        received_by="Reception team of the centre (demo)",
        arrival_notes="Met at the airport; taken to the centre's shelter.",
    )
    return {"returns with a follow-up due": 1}
