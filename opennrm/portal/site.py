"""Which organization hosts the portal: its hotline receives the portal's tips and its admin edits
the portal's pages. Named by ``OPENNRM_PORTAL_ORGANIZATION`` (the organization's UUID or exact
name); the demo scenario names its hotline."""

from __future__ import annotations

import uuid

from django.conf import settings

from opennrm.accounts.models import Organization


def hosting_organization() -> Organization | None:
    """The portal's host, or None when the setting names no organization (tips are then refused
    with a message that gives the hotline numbers instead)."""
    named = (getattr(settings, "OPENNRM_PORTAL_ORGANIZATION", "") or "").strip()
    if not named:
        return None
    try:
        return Organization.objects.filter(uuid=uuid.UUID(named)).first()
    except ValueError:
        return Organization.objects.filter(name=named).first()
