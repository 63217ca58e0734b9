"""Demo voluntary returns, both received by the Tashkent Reintegration Centre over three months
ago: one the centre recorded itself (its 3-month follow-up is due), and one IOM Türkiye
organized and shared with the centre (decision 0018), where the centre recorded the arrival and
did the 3-month follow-up. Invented."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from opennrm.accounts.demo import DemoWorld
from opennrm.cases.selectors import case_visible
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
    counts = {"returns with a follow-up due": 1}
    return counts | _shared_return(world)


def _shared_return(world: DemoWorld) -> dict[str, int]:
    """IOM Türkiye's return of the woman it referred to the Tashkent centre: the centre receives
    her, records the arrival and, three months on, the follow-up; IOM sees the results."""
    turkey = world.find_actor("iom-turkey", "turkey@demo.opennrm.org")
    if turkey is None or RECEIVING not in world.memberships:
        return {}
    centre = world.actor(*RECEIVING)
    returnee = (
        case_visible(actor=turkey)
        .filter(services__service_type="ReturnTravel", services__destination_country="UZ")
        .order_by("opened_on", "id")
        .first()
    )
    if returnee is None:
        return {}
    travelled = timezone.localdate() - timedelta(days=100)
    record = services.return_create(
        actor=turkey,
        case=returnee,
        document_type="return_certificate",
        document_number="DEMO-000456",
        travel_date=travelled,
        destination_country="UZ",
        destination_city="Tashkent",
        route="Istanbul – Tashkent by air",
        receiving_organization=world.organizations[RECEIVING[0]],
    )
    record = services.return_record_arrival(
        actor=centre,
        record=record,
        version=record.version,
        arrived_on=travelled,
        received_by="Centre's social worker (demo)",
        arrival_notes="Met at the airport; stays with her mother.",
    )
    three = record.follow_ups.get(months=3)
    services.follow_up_record(
        actor=centre,
        follow_up=three,
        version=three.version,
        done_on=timezone.localdate(),
        outcome="needs_support",
        notes="Looking for work; a vocational course is planned (demo).",
    )
    return {"returns shared with the receiving organization": 1}
