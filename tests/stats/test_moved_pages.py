"""The hotline and referral figures, moved from their apps to stats (decision 0022): the same
counts, now from the query layer, at /stats/hotline/ and /stats/referrals/; the old addresses
lead there. The navigation shows the dashboard to those who hold ``stats.view``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from opennrm.accounts.timezones import local_today
from opennrm.hotline import services as hotline
from opennrm.referrals import services as referrals
from tests.conftest import World
from tests.hotline.factories import record
from tests.referrals.factories import diana_consenting, send
from tests.support.matrix import client_for


def test_the_hotline_figures_count_without_content(world, signed_in):
    operator = world.b["hotline_operator"]
    now = timezone.now()
    for reason, days_ago in [
        ("safe_migration", 0),
        ("safe_migration", 1),
        ("job_offer_check", 1),
        ("possible_trafficking", 20),
    ]:
        record(
            operator,
            reason=reason,
            received_at=now - timedelta(days=days_ago),
            notes="Secret note",
            language="ky",
        )
    record(world.a["hotline_operator"], reason="missing_person")  # another organization's
    overdue = record(operator, received_at=now - timedelta(days=3))
    hotline.signal_update(
        actor=world.actor(operator),
        signal=overdue,
        version=1,
        follow_up_on=local_today(world.org_b) - timedelta(days=1),
    )
    analyst = world.b["data_analyst"]
    client = signed_in(analyst.user, analyst)
    response = client.get("/stats/hotline/")
    figures = response.context["figures"]
    assert figures.contacts == 5 and figures.overdue_follow_ups == 1
    assert figures.non_trafficking == 4  # the overdue one is a job-offer check
    by_reason = {row.label: row.values for row in figures.summary[0].rows}
    assert by_reason["Safe-migration advice"][0] == 2 and by_reason["Missing person"][0] == 0
    assert figures.days.rows[0].values[0] == 1 and figures.days.rows[1].values[0] == 2
    html = response.content.decode()
    assert "Secret" not in html and "Kyrgyz" in html
    by_channel = client.get("/stats/hotline/", {"by": "channel"}).content.decode()
    assert "Walk-in" in by_channel


def test_the_referral_figures(world: World) -> None:
    case = diana_consenting(world)
    referral = send(world, case)
    referrals.referral_accept(actor=world.actor(world.b["service_provider"]), referral=referral)
    html = client_for(world, "a:supervisor").get("/stats/referrals/").content.decode()
    assert "Sent, by receiving organization" in html and "Hotline B" in html
    assert "100 %" in html
    html = client_for(world, "b:data_analyst").get("/stats/referrals/").content.decode()
    assert "Crisis Centre A" in html and "Диана" not in html


@pytest.mark.parametrize(
    "old, new",
    [
        ("/hotline/figures/", "/stats/hotline/"),
        ("/hotline/figures/?by=language", "/stats/hotline/?by=language"),
        ("/referrals/figures/", "/stats/referrals/"),
    ],
)
def test_the_old_addresses_lead_to_the_moved_pages(world: World, old: str, new: str) -> None:
    response = client_for(world, "a:supervisor").get(old)
    assert response.status_code == 302 and response["Location"] == new


@pytest.mark.parametrize(
    "role, shown",
    [
        ("supervisor", True),
        ("data_analyst", True),
        ("case_worker", False),
        ("hotline_operator", False),
        ("organization_admin", False),
    ],
)
def test_the_dashboard_is_in_the_navigation_of_those_who_may_see_it(
    world: World, role: str, shown: bool
) -> None:
    html = client_for(world, f"a:{role}").get("/").content.decode()
    nav = html[html.index('class="mainnav"') : html.index("</nav>")]
    assert ('href="/stats/"' in nav) is shown
    assert ('href="/stats/hotline/"' in nav) is (
        role != "case_worker" and role != "organization_admin"
    )
