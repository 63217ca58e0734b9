"""What the accounts app announces to the apps above it (see ``opennrm/events.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from opennrm.events import Event

from .models import RoleGrant
from .permissions import Actor


@dataclass(frozen=True)
class RoleGrantChanged(Event):
    """A role reading identifying data was asked for, approved, refused or cancelled; published
    inside the service's transaction after the grant is saved and audited (``grant.status`` says
    which).

    Subscribers: notifications (tells the organization's admins).
    """

    actor: Actor
    grant: RoleGrant
