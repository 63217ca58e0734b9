"""A supervisor lists a shelter in the directory, a case worker finds it by language, records
Diana's voluntary return and her arrival over three months ago, sees the 3-month follow-up due on
the case page and the follow-ups page, and reads the "follow-up due" notification.

Runs in a real Chromium with the content security policy on; screenshots go to
test-output/browser/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, expect

from tests.browser.test_case_flow import fits, shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.cases.factories import open_diana
from tests.conftest import build_world
from tests.returns.factories import days_ago


@pytest.mark.browser
def test_directory_return_and_follow_up_due(
    live_server, browser: Browser, screenshots: Path
) -> None:
    world = build_world()
    base = live_server.url
    errors: list[str] = []
    viewport = {"width": 1280, "height": 900}

    # --- A supervisor of Hotline B (Tashkent) lists its reintegration service.
    manager = watch(
        signed_in_context(browser, base, world.b["supervisor"], viewport=viewport).new_page(),
        errors,
    )
    manager.goto(base + "/directory/")
    manager.click("a:text-is('Our organization\\'s entries')")
    manager.click("a:text-is('List a service')")
    manager.select_option("select[name=service_type]", "Reintegration")
    manager.fill("textarea[name=description]", "Reception at arrival and reintegration")
    # Languages and countries are chosen by name from lists (the codes are the values).
    manager.select_option("select[name=languages]", ["uz", "ru"])
    manager.select_option("select[name=countries]", ["UZ"])
    manager.fill("input[name=contact_phone]", "12")
    manager.click("button:text-is('Save')")
    # The bad phone is refused beside its field; nothing is listed.
    expect(manager.locator(".field.has-error")).to_be_visible()
    manager.fill("input[name=contact_phone]", "71 200 00 10")
    manager.click("button:text-is('Save')")
    expect(manager.locator("#services")).to_contain_text("Reception at arrival")
    expect(manager.locator("#services")).to_contain_text("+998 71 200 00 10")
    shot(manager, screenshots / "directory-organization.png")

    # --- A case worker of Crisis Centre A finds it by language and country.
    diana = open_diana(world.a["case_worker"])
    page = watch(
        signed_in_context(browser, base, world.a["case_worker"], viewport=viewport).new_page(),
        errors,
    )
    page.goto(base + "/")
    page.click("nav.mainnav a:text-is('Directory')")
    page.select_option("main select[name=language]", "uz")
    page.select_option("select[name=country]", "UZ")
    page.click("button:text-is('Search')")
    expect(page.locator("#services")).to_contain_text("Hotline B")
    shot(page, screenshots / "directory-search.png")

    # --- Her return: documents, travel, destination, the receiving partner; then arrival.
    page.goto(base + f"/returns/cases/{diana.uuid}/")
    page.select_option("select[name=document_type]", "return_certificate")
    page.fill("input[name=document_number]", "RC0042")
    page.fill("input[name=travel_date]", days_ago(101).isoformat())
    page.fill("input[name=destination_city]", "Tashkent")
    page.select_option("select[name=receiving_organization]", str(world.org_b.uuid))
    page.click("button:text-is('Record the return')")
    expect(page.locator("#return")).to_contain_text("Hotline B")
    page.fill("input[name=arrived_on]", days_ago(102).isoformat())
    page.click("button:text-is('Save the arrival')")
    expect(page.locator("#arrival .error")).to_contain_text("before the travel date")
    page.fill("input[name=arrived_on]", days_ago(100).isoformat())
    page.click("button:text-is('Save the arrival')")
    expect(page.locator("#follow-up-3")).to_contain_text("overdue")
    expect(page.locator("#follow-ups article")).to_have_count(3)
    shot(page, screenshots / "return-case.png")

    # --- The case page shows it (loaded by htmx) and the follow-ups page lists it.
    page.goto(base + f"/cases/{diana.uuid}/plan/")
    expect(page.locator("#case-return")).to_contain_text("overdue")
    page.click("nav.mainnav a:text-is('Follow-ups')")
    expect(page.locator("#overdue")).to_contain_text(diana.number)
    expect(page.locator("body")).not_to_contain_text("Диана")
    shot(page, screenshots / "follow-ups-due.png")

    # --- The daily command announces it, once; the header counts it; reading it clears it.
    call_command("returns_notify_due", verbosity=0)
    call_command("returns_notify_due", verbosity=0)
    page.reload()
    expect(page.locator("a.notifications-link .badge")).to_have_text("1")
    page.click("a.notifications-link")
    expect(page.locator("table.notification-table")).to_contain_text(diana.number)
    shot(page, screenshots / "notifications.png")
    page.click("button:text-is('Mark read')")
    expect(page.locator("tr.unread")).to_have_count(0)
    page.reload()
    expect(page.locator("a.notifications-link .badge")).to_have_count(0)

    # --- On a phone, the follow-ups page fits the screen.
    phone = watch(
        signed_in_context(
            browser, base, world.a["case_worker"], viewport={"width": 390, "height": 844}
        ).new_page(),
        errors,
    )
    phone.goto(base + "/returns/follow-ups/")
    fits(phone, 390)
    shot(phone, screenshots / "follow-ups-due-phone.png")
    assert errors == []
