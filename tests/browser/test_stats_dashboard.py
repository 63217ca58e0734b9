"""The organization's dashboard in a real Chromium, on a laptop and on a phone: the comparison
in words, the tables, no console error (the content security policy), no horizontal scroll;
screenshots saved in test-output/browser/."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from opennrm.cases import services as cases
from tests.browser.test_case_flow import fits, shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.cases.factories import DIANA_CASE, DIANA_PERSON
from tests.conftest import build_world


@pytest.mark.browser
def test_the_dashboard_of_a_year(live_server, browser: Browser, screenshots: Path) -> None:
    world = build_world()
    worker = world.a["case_worker"]
    for opened_on in (date(2005, 3, 1), date(2005, 3, 9), date(2005, 10, 3), date(2004, 6, 1)):
        cases.case_open(
            actor=world.actor(worker), person=dict(DIANA_PERSON), opened_on=opened_on, **DIANA_CASE
        )
    errors: list[str] = []
    for width, height, name in (
        (1366, 900, "stats-dashboard.png"),
        (390, 844, "stats-dashboard-phone.png"),
    ):
        context = signed_in_context(
            browser,
            live_server.url,
            world.a["data_analyst"],
            viewport={"width": width, "height": height},
        )
        page = context.new_page()
        watch(page, errors)
        page.goto(f"{live_server.url}/stats/")
        page.get_by_label("A year").check()
        page.fill("input[name=year]", "2005")
        page.click("button:text-is('Show')")
        expect(page.locator(".stats-comparison")).to_contain_text(
            "3 cases opened in 2005, up from 1 in 2004."
        )
        expect(page.locator("#figure-people-by-citizenship")).to_contain_text("Uzbekistan")
        fits(page, width)
        shot(page, screenshots / name)
        context.close()
    assert not errors, errors
