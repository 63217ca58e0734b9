"""Signals through the services, for the hotline tests."""

from __future__ import annotations

from typing import Any

from opennrm.accounts.models import Membership
from opennrm.accounts.permissions import Actor
from opennrm.hotline import services
from opennrm.hotline.models import Signal

# Diana's phone as tests/cases/factories.py records it on her person.
DIANA_PHONE = "+998 90 123 45 67"


def record(membership: Membership, **fields: Any) -> Signal:
    """A call logged by ``membership``'s user: a job-offer check from the person themself."""
    data: dict[str, Any] = {"caller_type": "potential_victim", "reason": "job_offer_check"}
    data.update(fields)
    return services.signal_record(actor=Actor.of(membership.user, membership), **data)
