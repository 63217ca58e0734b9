"""A provider records what it did on a referral, and a receiving organization does a return's
follow-up (decision 0018), in a real Chromium with the content security policy on.

Crisis Centre A refers Diana to Hotline B; B's service provider records the medical service and
says it is completed; A's case worker sees it on the case's plan tab. A organizes her return,
received by B; B's case worker finds it among the returns received, records the arrival and the
3-month follow-up; A sees the result. Screenshots go to test-output/browser/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from opennrm.referrals import services as referrals
from tests.browser.test_case_flow import fits, shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.conftest import build_world
from tests.referrals.factories import diana_consenting, send
from tests.returns.factories import days_ago, record_return


@pytest.mark.browser
def test_provider_service_and_received_return(
    live_server, browser: Browser, screenshots: Path
) -> None:
    world = build_world()
    base = live_server.url
    errors: list[str] = []
    viewport = {"width": 1366, "height": 900}
    diana = diana_consenting(world)
    referral = send(world, diana, services_requested=["Medical"])
    referrals.referral_accept(actor=world.actor(world.b["service_provider"]), referral=referral)

    # --- B's service provider records the check-up and says the service is completed.
    clinic = watch(
        signed_in_context(browser, base, world.b["service_provider"], viewport=viewport).new_page(),
        errors,
    )
    clinic.goto(base + f"/referrals/{referral.uuid}/")
    clinic.select_option("#service-service_type", "Medical")
    clinic.fill("#service-delivered_on", days_ago(0).isoformat())
    clinic.fill("#service-outcome", "Check-up done; tests clear")
    clinic.fill("#service-next_appointment_on", "1999-01-01")
    clinic.click("button:text-is('Save the service')")
    expect(clinic.locator("#services-delivered .error")).to_contain_text("before the service")
    clinic.fill("#service-next_appointment_on", "")
    clinic.check("#service-completed")
    clinic.click("button:text-is('Save the service')")
    expect(clinic.locator("#services-delivered")).to_contain_text("Check-up done")
    expect(clinic.locator("#referral-header")).to_contain_text("Completed")
    fits(clinic, 1366)
    shot(clinic, screenshots / "referral-service-recorded.png")

    # --- A's case worker sees it as a service of the case, the provider named.
    worker = watch(
        signed_in_context(browser, base, world.a["case_worker"], viewport=viewport).new_page(),
        errors,
    )
    worker.goto(base + f"/cases/{diana.uuid}/plan/")
    expect(worker.locator("#services-by-providers + div")).to_contain_text("Hotline B")
    expect(worker.locator("#services-by-providers + div")).to_contain_text("Check-up done")
    shot(worker, screenshots / "case-services-by-providers.png")

    # --- A organizes her return, received by B; B records the arrival and the follow-up.
    record = record_return(world.a["case_worker"], diana, receiving_organization=world.org_b)
    centre = watch(
        signed_in_context(browser, base, world.b["case_worker"], viewport=viewport).new_page(),
        errors,
    )
    centre.goto(base + "/returns/follow-ups/")
    centre.click("a:text-is('Returns received')")
    expect(centre.locator("#returns-received")).to_contain_text("Crisis Centre A")
    shot(centre, screenshots / "returns-received.png")
    centre.click("#returns-received a:text-is('Open the return')")
    centre.fill("input[name=arrived_on]", days_ago(100).isoformat())
    centre.click("button:text-is('Save the arrival')")
    expect(centre.locator("#follow-ups article")).to_have_count(3)
    expect(centre.locator("#follow-up-6")).to_contain_text("Can be recorded from")
    centre.click("#follow-up-3 summary")
    centre.fill("#id_f3-done_on", days_ago(0).isoformat())
    centre.select_option("#id_f3-outcome", "needs_support")
    centre.click("#follow-up-3 button:text-is('Save the follow-up')")
    expect(centre.locator("#follow-up-3")).to_contain_text("Needs more support")
    expect(centre.locator("body")).not_to_contain_text("Диана")
    expect(centre.locator("body")).not_to_contain_text(diana.number)
    fits(centre, 1366)
    shot(centre, screenshots / "return-received.png")

    # --- A sees the result on its own return page.
    worker.goto(base + f"/returns/cases/{diana.uuid}/")
    expect(worker.locator("#follow-up-3")).to_contain_text("Needs more support")
    assert record.uuid
    assert errors == []
