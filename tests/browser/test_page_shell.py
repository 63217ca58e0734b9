"""Defects of the page shell seen in issue 10, in a real Chromium with the content security policy
on: htmx swaps without a console error, and the hotline's follow-up table fitting a 1366 px
screen with its "Done" buttons in view."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser

from tests.browser.test_case_flow import shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.cases.factories import open_diana
from tests.conftest import build_world
from tests.hotline.factories import record
from tests.support.today import world_today


@pytest.mark.browser
def test_htmx_swaps_raise_no_console_error(live_server, browser: Browser) -> None:
    """htmx's indicator styles come from the stylesheet (includeIndicatorStyles: false), not
    from a <style> element the policy refuses."""
    world = build_world()
    case = open_diana(world.a["case_worker"])
    errors: list[str] = []
    context = signed_in_context(browser, live_server.url, world.a["case_worker"])
    page = watch(context.new_page(), errors)
    page.goto(f"{live_server.url}/cases/{case.uuid}/")
    for name, key in (("Trafficking", "trafficking"), ("Notes", "notes"), ("History", "history")):
        page.click(f"nav.tabs a:text-is('{name}')")
        page.wait_for_selector(f"#tab-{key}")
    page.wait_for_timeout(300)
    # The indicator is hidden by our stylesheet until a request runs.
    assert (
        page.evaluate(
            "(() => { const e = document.createElement('span'); e.className = 'htmx-indicator';"
            " document.body.append(e); return getComputedStyle(e).opacity; })()"
        )
        == "0"
    )
    assert not page.locator("style").count()
    context.close()
    assert not errors, errors


@pytest.mark.browser
def test_the_follow_up_table_fits_1366_px_with_its_done_buttons(
    live_server, browser: Browser, screenshots: Path
) -> None:
    world = build_world()
    operator = world.b["hotline_operator"]
    for reason in ("missing_person", "possible_trafficking", "assistance_request"):
        record(
            operator,
            caller_type="third_party",
            reason=reason,
            outcome="referred",
            channel="web_tip" if reason == "missing_person" else "outreach",
            follow_up_on=world_today(),
            phone="+998 90 123 45 67",
        )
    errors: list[str] = []
    context = signed_in_context(
        browser, live_server.url, operator, viewport={"width": 1366, "height": 768}
    )
    # In Russian, where the labels are longest.
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ru", "url": live_server.url}]
    )
    page = watch(context.new_page(), errors)
    page.goto(f"{live_server.url}/hotline/")
    buttons = page.locator("table.signal-table input[name=next] + button")
    assert buttons.count() == 3
    for i in range(buttons.count()):
        button = buttons.nth(i).bounding_box()
        box = page.locator("table.signal-table").nth(1).locator("xpath=..").bounding_box()
        assert button is not None and box is not None
        assert button["x"] + button["width"] <= min(box["x"] + box["width"], 1366), (button, box)
    shot(page, screenshots / "hotline-follow-ups-1366.png")
    context.close()
    assert not errors, errors
