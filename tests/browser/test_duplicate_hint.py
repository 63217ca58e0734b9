"""The duplicate check across organizations, in a real Chromium.

IOM registered a woman from her passport as "Юсупова Жанар". A case worker at the crisis centre
opens a case and types "Yusupova": the check finds IOM's record and says only that a possible
record exists at IOM, how alike and what matched. She asks IOM to get in touch; IOM's case
worker sees the request beside IOM's own case and answers. Screenshots in test-output/browser/.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from opennrm.accounts import services as accounts
from opennrm.accounts.models import OrganizationType, Role
from opennrm.accounts.permissions import Actor
from opennrm.cases import services as cases
from tests.conftest import PASSWORD
from tests.support.browser import shot, signed_in_context, watch

IOM = "IOM Kazakhstan, Almaty office"


def _members():
    admin = accounts.platform_admin_create(email="platform@example.org", password=PASSWORD)
    platform = Actor.of(admin, None)
    members = {}
    for key, name, org_type in [
        ("crisis", "Almaty Crisis Support Centre", OrganizationType.NGO),
        ("iom", IOM, OrganizationType.INTERNATIONAL),
    ]:
        organization = accounts.organization_create(
            actor=platform, name=name, org_type=org_type, country="KZ", city="Almaty"
        )
        members[key] = accounts.membership_create(
            actor=platform,
            organization=organization,
            email=f"{key}@example.org",
            full_name=key.title(),
            role=Role.CASE_WORKER,
            password=PASSWORD,
        )
    return members


@pytest.mark.browser
def test_duplicate_hint_and_request(live_server, browser: Browser, screenshots: Path) -> None:
    members = _members()
    base = live_server.url
    errors: list[str] = []
    iom_case = cases.case_open(
        actor=Actor.of(members["iom"].user, members["iom"]),
        person={
            "given_name": "Жанар",
            "family_name": "Юсупова",
            "birth_date": date(1990, 4, 2),
            "gender": "Feminine",
            "citizenship": "UZ",
        },
        opened_on=date(2026, 11, 2),
    )
    viewport = {"width": 1280, "height": 900}

    # --- The crisis centre: a new case; typing the family name runs the check.
    crisis = signed_in_context(browser, base, members["crisis"], viewport=viewport)
    page = watch(crisis.new_page(), errors)
    page.goto(f"{base}/cases/new/")
    page.locator("#id_family_name").press_sequentially("Yusupova", delay=40)
    hints = page.locator("#possible-matches-result .match-hints")
    expect(hints).to_contain_text(f"A possible record exists at {IOM}.")
    expect(hints).to_contain_text("medium")
    expect(hints).to_contain_text("Matched: name.")
    result = page.locator("#possible-matches-result").inner_text()
    for secret in ("Юсупова", "Жанар", "1990", iom_case.number):
        assert secret not in result
    # The answer stays in sight at the bottom of the screen, under the field being typed.
    page.screenshot(path=screenshots / "duplicate-hint.png", caret="initial")
    shot(page, screenshots / "duplicate-hint-full-form.png")

    with crisis.expect_page() as opened:
        page.click(f"a:text-is('Ask {IOM} to get in touch')")
    ask = watch(opened.value, errors)
    ask.wait_for_load_state()
    expect(ask.locator("h1")).to_have_text(f"Ask {IOM} to get in touch")
    ask.fill("#id_message", "Please call our duty phone.")
    shot(ask, screenshots / "duplicate-hint-ask.png")
    ask.click("button:text-is('Send the request')")
    expect(ask.locator("table")).to_contain_text(IOM)
    expect(ask.locator("table")).to_contain_text("Waiting for an answer")
    shot(ask, screenshots / "duplicate-hint-sent.png")

    # --- IOM: the request, beside IOM's own case; the answer.
    iom = signed_in_context(browser, base, members["iom"], viewport=viewport)
    page = watch(iom.new_page(), errors)
    page.goto(f"{base}/linkage/requests/")
    table = page.locator("table")
    expect(table).to_contain_text("Almaty Crisis Support Centre")
    expect(table).to_contain_text(iom_case.number)
    expect(table).to_contain_text("Please call our duty phone.")
    shot(page, screenshots / "duplicate-hint-received.png")
    page.click("button:text-is('We will get in touch')")
    expect(page.locator("table")).to_contain_text("They will get in touch")
    refer = "Refer the person to Almaty Crisis Support Centre"
    expect(page.locator("table")).to_contain_text(refer)
    shot(page, screenshots / "duplicate-hint-answered.png")

    # --- The crisis centre sees the answer on its sent tab.
    ask.goto(f"{base}/linkage/requests/?tab=sent")
    expect(ask.locator("table")).to_contain_text("They will get in touch")

    # --- Without JavaScript, the button posts the form to the check, which answers a page.
    plain = signed_in_context(
        browser, base, members["crisis"], viewport=viewport, java_script_enabled=False
    )
    page = watch(plain.new_page(), errors)
    page.goto(f"{base}/cases/new/")
    page.fill("#id_family_name", "Юсупова")
    page.fill("#id_given_name", "Zhanar")
    page.click("button:text-is('Check for possible duplicates')")
    expect(page.locator("h1")).to_have_text("Check for possible duplicates")
    expect(page.locator(".match-hints")).to_contain_text(f"A possible record exists at {IOM}.")
    expect(page.locator(".match-hints")).to_contain_text("They will get in touch")
    shot(page, screenshots / "duplicate-hint-without-javascript.png")
    assert not errors, errors
