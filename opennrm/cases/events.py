"""What the cases app announces to the apps above it (see ``opennrm/events.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from opennrm.accounts.permissions import Actor
from opennrm.events import Event

from .models import Consent


@dataclass(frozen=True)
class ConsentWithdrawn(Event):
    """A person withdrew a consent; published inside ``consent_withdraw``'s transaction, after
    the consent is saved as withdrawn and its audit event written.

    Subscribers: referrals (withdraws what was shared under the consent; statistics later).
    """

    actor: Actor
    consent: Consent
