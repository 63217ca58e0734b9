"""The home worklist in a real Chromium: a supervisor with 3 items of every kind waiting, on a
laptop and on a phone; no console error (the content security policy), no horizontal scroll;
screenshots saved in test-output/browser/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_case_flow import fits, shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.conftest import build_world
from tests.worklist.factories import make_work


@pytest.mark.browser
def test_a_supervisor_sees_what_waits(live_server, browser: Browser, screenshots: Path) -> None:
    world = build_world()
    work = make_work(world, 3)
    errors: list[str] = []
    for locale, width, height, name in (
        ("en-US", 1366, 900, "worklist-supervisor.png"),
        ("en-US", 390, 844, "worklist-supervisor-phone.png"),
    ):
        context = signed_in_context(
            browser,
            live_server.url,
            world.a["supervisor"],
            viewport={"width": width, "height": height},
        )
        page = context.new_page()
        watch(page, errors)
        page.goto(f"{live_server.url}/")
        expect(page.locator("#work-decisions")).to_contain_text(work.decisions[0].case.number)
        expect(page.locator("#work-cases")).to_contain_text("Case worker A")
        # 3 decisions + 3 referrals to answer + 3 call-backs + 6 return follow-ups (3 and 6 months).
        expect(page.locator("nav.mainnav a[href='/'] .badge")).to_have_text("15")
        fits(page, width)
        shot(page, screenshots / name)
        # A decision awaiting approval leads to the case's identification tab.
        page.locator("#work-decisions a").first.click()
        expect(page.locator("#case-person")).to_contain_text("Каримова")
        context.close()
    assert not errors, errors
