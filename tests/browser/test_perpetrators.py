"""The perpetrators, needs-and-risks and own-account tabs in a real Chromium (decision 0017).

A case worker records an assessment whose warning then stands on top of the case, a perpetrator
(a bad phone first, the error beside the field) and the person's account; a supervisor shares the
perpetrator records with the police liaison, who reads them on their own page. Screenshots of
each; any console error (an inline style refused by the CSP) fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from opennrm.cases.models import Perpetrator
from tests.browser.test_case_flow import open_tab, shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.cases.factories import open_diana
from tests.conftest import build_world

WARNING = "Do not call back: the phone is checked."


def _page(browser: Browser, base: str, membership, errors: list[str]) -> Page:
    context = signed_in_context(browser, base, membership, viewport={"width": 1366, "height": 900})
    page = watch(context.new_page(), errors)
    page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm
    return page


@pytest.mark.browser
def test_perpetrators_needs_and_account_tabs(live_server, browser: Browser, screenshots: Path):
    world = build_world()
    case = open_diana(world.a["case_worker"])
    base = live_server.url
    errors: list[str] = []

    page = _page(browser, base, world.a["case_worker"], errors)
    page.goto(f"{base}/cases/{case.uuid}/")
    assert page.locator("#contact-alert").count() == 0

    # Needs and risks: the warning goes to the top of the case at once (the header is swapped).
    open_tab(page, "Needs and risks", "needs")
    page.select_option("#assessment-contact_safety", "with_care")
    page.check("#assessment-contact_channels_3")  # in person
    page.fill("#assessment-contact_when", "Tuesdays at the centre")
    page.fill("#assessment-contact_warning", WARNING)
    page.select_option("#assessment-trafficker_risk", "high")
    page.fill("#assessment-health_needs", "Gynaecologist; HIV test.")
    page.select_option("#assessment-accommodation_need", "emergency")
    page.check("#assessment-interpreter_needed")
    page.select_option("#assessment-interpreter_language", "uz")
    page.click("button:text-is('Record the assessment')")
    expect(page.locator("#case-tabs .messages")).to_contain_text("The assessment was recorded.")
    expect(page.locator("#contact-alert")).to_contain_text(WARNING)
    expect(page.locator("#assessment-current")).to_contain_text("Needed: Uzbek")
    shot(page, screenshots / "case-needs.png")

    # Perpetrators: a bad phone is shown beside the field, nothing saved; then recorded.
    open_tab(page, "Perpetrators", "perpetrators")
    expect(page.locator("#perpetrator-sharing")).to_contain_text("Not shared")
    page.fill("#perpetrator-name", "Marat, the owner of the flat")
    page.check("input[name=roles][value=Exploiter]")
    page.check("input[name=roles][value=ControlledIndividual]")
    page.select_option("#perpetrator-relationship", "Unaquainted")
    page.select_option("#perpetrator-sex", "Masculine")
    page.select_option("#perpetrator-nationality", "KZ")
    page.fill("#perpetrator-phones", "+7 777 123 45 67\n12345")
    page.fill("#perpetrator-vehicles", "white Daewoo Nexia, 123 ABC 02")
    page.fill("#perpetrator-places", "Almaty, a flat near the Zelyony bazaar")
    page.fill("#perpetrator-actions", "Took the passports and kept the earnings.")
    page.click("button:text-is('Record the perpetrator')")
    expect(page.locator("#perpetrator-phones_error")).to_contain_text("Line 2:")
    assert not Perpetrator.objects.exists()
    page.fill("#perpetrator-phones", "+7 777 123 45 67")
    page.click("button:text-is('Record the perpetrator')")
    expect(page.locator("#case-tabs .messages")).to_contain_text("The perpetrator was recorded.")
    expect(page.locator("article.perpetrator")).to_contain_text("Daewoo Nexia")
    expect(page.locator("article.perpetrator")).to_contain_text("Kazakhstan")
    expect(page.locator("#contact-alert")).to_contain_text(WARNING)  # on every tab
    shot(page, screenshots / "case-perpetrators.png")

    # The person's own account.
    open_tab(page, "Own account", "account")
    page.fill("#account-told_on", "2005-10-05")
    page.select_option("#account-language", "ru")
    page.fill("#account-recruitment", "An acquaintance promised work in cosmetics.")
    page.fill("#account-wishes", "To stay in Kazakhstan and work legally.")
    page.click("button:text-is('Record the account')")
    expect(page.locator("article.account")).to_contain_text("Told on 2005-10-05")
    expect(page.locator("article.account")).to_contain_text("Russian")
    shot(page, screenshots / "case-account.png")

    # A supervisor shares the records with the police liaison.
    supervisor = _page(browser, base, world.a["supervisor"], errors)
    supervisor.goto(f"{base}/cases/{case.uuid}/perpetrators/")
    supervisor.click("button:text-is('Share the perpetrator records with the police liaison')")
    expect(supervisor.locator("#perpetrator-sharing")).to_contain_text(
        "Shared with the police liaison"
    )
    shot(supervisor, screenshots / "case-perpetrators-shared.png")

    liaison = _page(browser, base, world.a["law_enforcement_liaison"], errors)
    liaison.goto(f"{base}/")
    liaison.click("nav.mainnav a:text-is('Shared perpetrator records')")
    liaison.click(f"a:text-is('{case.number}')")
    expect(liaison.locator("article.perpetrator")).to_contain_text("Marat")
    shot(liaison, screenshots / "liaison-shared-case.png")

    assert errors == []
