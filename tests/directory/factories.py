"""Directory entries and hotline numbers through the services, for the directory tests."""

from __future__ import annotations

from typing import Any

from opennrm.accounts.models import Membership
from opennrm.accounts.permissions import Actor
from opennrm.directory import services
from opennrm.directory.models import DirectoryEntry, HotlineNumber


def entry(membership: Membership, **fields: Any) -> DirectoryEntry:
    """A shelter of ``membership``'s organization, in Russian and Kazakh, unless told otherwise."""
    data: dict[str, Any] = {
        "service_type": "Shelter",
        "description": "Shelter for women and children",
        "languages": ["ru", "kk"],
        "countries": ["KZ"],
        "region": "Almaty and Almaty region",
        "hours": "24/7",
        "capacity_free": 3,
        "capacity_total": 12,
        "capacity_unit": "beds",
        "contact_phone": "+7 727 300 00 00",
        "contact_email": "shelter@example.org",
    }
    data.update(fields)
    return services.directory_entry_create(actor=Actor.of(membership.user, membership), **data)


def hotline(membership: Membership, **fields: Any) -> HotlineNumber:
    data: dict[str, Any] = {
        "country": "KZ",
        "number": "+7 727 300 00 00",
        "languages": ["ru", "kk"],
        "hours": "24/7",
        "free_of_charge": True,
    }
    data.update(fields)
    return services.hotline_number_create(actor=Actor.of(membership.user, membership), **data)
