"""Clocks for tests of local time: the hours when UTC's date is not the organization's."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from opennrm.accounts import services
from opennrm.accounts.models import Membership, OrganizationType, Role
from tests.conftest import PASSWORD, World

ALMATY = ZoneInfo("Asia/Almaty")
ISTANBUL = ZoneInfo("Europe/Istanbul")
# 01:00 in Almaty on 10 March 2026 is 20:00 UTC on 9 March: UTC's "today" is a day behind.
ALMATY_1AM = datetime(2026, 3, 10, 1, 0, tzinfo=ALMATY)
# 23:30 in Istanbul on 10 March 2026 is 20:30 UTC the same day, and 01:30 of 11 March in Almaty.
ISTANBUL_2330 = datetime(2026, 3, 10, 23, 30, tzinfo=ISTANBUL)


def at(moment: datetime) -> time_machine.travel:
    """Stop the clock at ``moment`` (sign in inside it: a session is timed by this clock)."""
    return time_machine.travel(moment, tick=False)


def istanbul_member(world: World, role: Role = Role.CASE_WORKER) -> Membership:
    """A member of a Turkish organization (its zone Europe/Istanbul, from its country)."""
    organization = services.organization_create(
        actor=world.platform,
        name="Centre Istanbul",
        org_type=OrganizationType.NGO,
        country="TR",
        city="Istanbul",
    )
    return services.membership_create(
        actor=world.platform,
        organization=organization,
        email=f"{role.value}.tr@example.org",
        full_name="Member TR",
        role=role,
        password=PASSWORD,
    )
