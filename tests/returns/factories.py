"""Returns through the services, for the returns tests: Diana goes home to Uzbekistan."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from opennrm.accounts.models import Membership
from opennrm.accounts.permissions import Actor
from opennrm.cases.models import Case
from opennrm.returns import services
from opennrm.returns.models import ReturnRecord
from tests.support.today import world_today

PASSPORT = "AA7654321"


def days_ago(days: int) -> date:
    return world_today() - timedelta(days=days)


def record_return(membership: Membership, case: Case, **fields: Any) -> ReturnRecord:
    data: dict[str, Any] = {
        "document_type": "passport",
        "document_number": PASSPORT,
        "travel_date": days_ago(100),
        "destination_country": "UZ",
        "destination_city": "Tashkent",
        "route": "Almaty – Tashkent by train",
    }
    data.update(fields)
    return services.return_create(actor=Actor.of(membership.user, membership), case=case, **data)


def arrive(membership: Membership, record: ReturnRecord, **fields: Any) -> ReturnRecord:
    record.refresh_from_db()
    data: dict[str, Any] = {
        "arrived_on": record.travel_date,
        "received_by": "Met by the partner's social worker",
        "arrival_notes": "Tired but well",
    }
    data.update(fields)
    return services.return_record_arrival(
        actor=Actor.of(membership.user, membership),
        record=record,
        version=record.version,
        **data,
    )
