"""Referral deadlines are shown on the organization's clock, and numbers carry its year."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from opennrm.referrals.services import response_time
from tests.conftest import World
from tests.referrals.factories import diana_consenting, send
from tests.support.clock import ALMATY_1AM, at


def test_the_deadline_is_shown_on_the_organizations_clock(world: World, signed_in):
    worker = world.a["case_worker"]
    with at(ALMATY_1AM):
        referral = send(world, diana_consenting(world), urgency="normal")
        assert referral.deadline == datetime(2026, 3, 9, 20, tzinfo=UTC) + response_time("normal")
        page = signed_in(worker.user, worker).get(f"/referrals/{referral.uuid}/")
        local = referral.deadline.astimezone(ZoneInfo("Asia/Almaty"))
        assert local.strftime("%Y-%m-%d %H:%M") in page.content.decode()  # 2026-03-12 01:00
        assert referral.deadline.strftime("%Y-%m-%d %H:%M") not in page.content.decode()


def test_a_referral_sent_at_1am_on_new_years_day_in_almaty_is_numbered_in_the_new_year(world):
    new_year = datetime(2027, 1, 1, 1, 0, tzinfo=ZoneInfo("Asia/Almaty"))  # 31 Dec in UTC
    with at(new_year):
        referral = send(world, diana_consenting(world))
    assert "-R-2027-" in referral.number
    assert new_year.astimezone(UTC).year == 2026
