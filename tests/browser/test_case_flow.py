"""A case worker opens Diana's case through the pages; a supervisor approves the identification.

Both sign in by a session made in the test (as after a real sign-in with two-factor), copied into
the browser as its session cookie. The flow runs in a real Chromium: htmx tabs, the content
security policy (any inline script or style would show as a console error), screenshots.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from opennrm.accounts import services
from opennrm.accounts.models import Role
from opennrm.cases.models import Case
from tests.conftest import PASSWORD, build_world
from tests.support.browser import fits, shot, signed_in_context, watch


def open_tab(page: Page, name: str, key: str) -> None:
    """Click a tab: htmx swaps it in and pushes its URL."""
    page.click(f"nav.tabs a:text-is('{name}')")
    page.wait_for_selector(f"#tab-{key}")
    assert page.url.endswith(f"/{key}/")


@pytest.mark.browser
def test_case_worker_opens_a_case_and_a_supervisor_approves_identification(
    live_server, browser: Browser, screenshots: Path
) -> None:
    world = build_world()
    base = live_server.url
    errors: list[str] = []

    # --- The case worker of organization A.
    worker_context = signed_in_context(
        browser, base, world.a["case_worker"], viewport={"width": 1280, "height": 900}
    )
    page = watch(worker_context.new_page(), errors)
    page.goto(base + "/cases/")
    page.click("a:text-is('Open a case')")
    page.wait_for_url(base + "/cases/new/")

    page.fill("input[name=given_name]", "Диана")
    page.fill("input[name=family_name]", "Каримова")
    page.fill("input[name=patronymic]", "Рустамовна")
    page.fill("textarea[name=other_names]", "Diana Karimova\nDilnoza")
    page.fill("input[name=birth_year]", "1850")  # a mistake, to see the error beside the field
    page.select_option("select[name=document_type]", "passport")
    page.fill("input[name=document_number]", "AA1234567")
    page.select_option("select[name=document_country]", "UZ")
    page.fill("input[name=mobile_phone]", "+998 90 123 45 67")
    page.select_option("select[name=gender]", "Feminine")
    page.select_option("select[name=citizenship]", "UZ")  # by name; the value is the code
    page.select_option("select[name=languages]", ["uz", "ru"])
    page.fill("input[name=opened_on]", "2005-10-03")
    page.check("input[name=exploitation_types][value=SexualExploitation]")
    page.check("input[name=methods_of_control][value=FalsePromises]")
    page.check("input[name=methods_of_control][value=WithholdsDocuments]")
    page.check("input[name=recruitment_methods][value=ThroughFriendsOrSocialEvents]")
    page.select_option("select[name=relationship_to_trafficker]", "Acquainted")
    page.check("input[name=perpetrator_roles][value=RecruiterOrIntermediary]")
    page.select_option("select[name=country_of_origin]", "UZ")
    page.select_option("select[name=country_of_exploitation]", "KZ")
    page.click("button:text-is('Open the case')")
    page.wait_for_selector("#id_birth_year_error")
    assert "between" in page.inner_text("#id_birth_year_error")
    assert page.url == base + "/cases/new/"
    assert Case.objects.count() == 0
    page.locator("#id_birth_year").scroll_into_view_if_needed()
    shot(page, screenshots / "case-new-error.png")

    page.fill("input[name=birth_year]", "1977")
    page.click("button:text-is('Open the case')")
    page.wait_for_selector("#tab-person")
    case = Case.objects.get()
    assert page.url == f"{base}/cases/{case.uuid}/"
    assert "Каримова" in page.inner_text("#tab-person")
    assert "+998901234567 (mobile)" in page.inner_text("#tab-person")
    assert case.number in page.title() and "Каримова" not in page.title()
    shot(page, screenshots / "case-person.png")

    # Exploitation details on the trafficking tab, saved by htmx.
    open_tab(page, "Trafficking", "trafficking")
    page.click("summary:text-is('Edit exploitation and route')")
    page.check("input[name=sex_exploitation_types][value=Prostitution]")
    page.check("input[name=methods_of_control][value=PhysicalAbuse]")
    page.check("input[name=perpetrator_roles][value=Exploiter]")
    page.fill("input[name=city_of_exploitation]", "Almaty")
    page.fill("input[name=recruited_on]", "2005-03-01")
    page.fill("input[name=exploitation_began_on]", "2005-03-20")
    page.fill("input[name=exited_on]", "2005-09-01")
    page.fill("input[name=age_when_trafficked]", "28")
    page.click("button:text-is('Save')")
    expect(page.locator("#case-tabs .messages")).to_contain_text("The case was saved.")
    panel = page.inner_text("#tab-trafficking")
    assert "Almaty" in panel and "Prostitution" in panel and "Physical abuse" in panel
    case.refresh_from_db()
    assert case.city_of_exploitation == "Almaty" and case.version == 2
    shot(page, screenshots / "case-trafficking.png")

    # Consent and a service by another organization.
    open_tab(page, "Consent", "consent")
    page.select_option("#consent-purpose", "assistance")
    page.select_option("#consent-method", "verbal")
    page.click("button:text-is('Record the consent')")
    expect(page.locator("#tab-consent")).to_contain_text("In force")
    shot(page, screenshots / "case-consent.png")

    open_tab(page, "Plan and services", "plan")
    page.select_option("#service-service_type", "Shelter")
    page.select_option("#service-provider", label="Hotline B")
    page.select_option("#service-status", "in_progress")
    page.fill("#service-started_on", "2005-10-03")
    page.click("button:text-is('Add the service')")
    expect(page.locator("#tab-plan tbody")).to_contain_text("Hotline B")
    # A health plan, then ended: it says when, and its end form goes.
    page.select_option("#plan-plan_type", "Health")
    page.fill("#plan-planned_end_on", "2005-12-31")
    page.click("button:text-is('Create the plan')")
    expect(page.locator("#tab-plan")).to_contain_text("End the plan")
    shot(page, screenshots / "case-plan.png")
    page.click("#tab-plan button:text-is('End the plan')")
    expect(page.locator("#tab-plan")).to_contain_text("The support plan was ended.")
    expect(page.locator("#tab-plan article")).to_contain_text("ended on")
    expect(page.locator("#tab-plan")).not_to_contain_text("End the plan")

    # A presumed-victim decision, for the supervisor.
    open_tab(page, "Identification", "identification")
    page.select_option("#decision-stage", "presumed")
    page.fill("#decision-grounds", "Deceptive recruitment, passport taken, violence.")
    page.click("button:text-is('Propose…')")
    # The confirmation step says what the decision will do before anything is written.
    expect(page.locator("#decision-confirm")).to_contain_text("Possible victim of trafficking")
    page.click("#decision-confirm button:text-is('Confirm')")
    expect(page.locator("#tab-identification tbody")).to_contain_text("Awaiting approval")
    assert page.locator("button:text-is('Approve…')").count() == 0

    # The name search is a POST: the address never holds the name.
    page.goto(base + "/cases/")
    page.fill("input[name=q]", "Каримова")
    page.click("button:text-is('Search')")
    expect(page.locator("table.case-table")).to_contain_text(case.number)
    assert page.url == base + "/cases/"
    shot(page, screenshots / "case-list-search.png")

    # On a phone, the case page and the list fit the screen's width.
    phone = signed_in_context(
        browser, base, world.a["case_worker"], viewport={"width": 390, "height": 844}
    )
    phone_page = watch(phone.new_page(), errors)
    phone_page.goto(f"{base}/cases/{case.uuid}/")
    fits(phone_page, 390)
    shot(phone_page, screenshots / "case-phone.png")
    phone_page.goto(f"{base}/cases/new/")
    fits(phone_page, 390)
    phone_page.goto(f"{base}/cases/")
    fits(phone_page, 390)
    phone.close()
    worker_context.close()

    # --- A's supervisor approves; the header shows the trafficking status at once.
    supervisor_context = signed_in_context(
        browser, base, world.a["supervisor"], viewport={"width": 1280, "height": 900}
    )
    page = watch(supervisor_context.new_page(), errors)
    page.goto(f"{base}/cases/{case.uuid}/identification/")
    page.click("button:text-is('Approve…')")
    page.click("#decision-confirm button:text-is('Confirm')")
    expect(page.locator("#case-tabs .messages")).to_contain_text("The decision was approved.")
    expect(page.locator("#tab-identification tbody")).to_contain_text("Approved")
    status = page.inner_text("#trafficking-status")
    assert "Possible victim of trafficking" in status and "NGO" in status
    shot(page, screenshots / "case-identification-approved.png")

    # The conclusive decision follows; approving it makes her an identified victim.
    page.select_option("#decision-stage", "identified")
    page.fill("#decision-grounds", "Interview with the case worker; documents.")
    # The reflection period runs: she asked for the decision earlier.
    page.check("#decision-requested_early")
    page.click("button:text-is('Propose…')")
    page.click("#decision-confirm button:text-is('Confirm')")
    expect(page.locator("#tab-identification tbody")).to_contain_text("Awaiting approval")
    # Four eyes: the supervisor who proposed it is not offered its approval.
    assert page.locator("button:text-is('Approve…')").count() == 0
    expect(page.locator("#tab-identification")).to_contain_text(
        "Another supervisor reviews your proposal."
    )
    second = services.membership_create(
        actor=world.platform,
        organization=world.org_a,
        email="second.supervisor.a@example.org",
        full_name="Second Supervisor A",
        role=Role.SUPERVISOR,
        password=PASSWORD,
    )
    second_context = signed_in_context(
        browser, base, second, viewport={"width": 1280, "height": 900}
    )
    page = watch(second_context.new_page(), errors)
    page.goto(f"{base}/cases/{case.uuid}/identification/")
    page.click("button:text-is('Approve…')")
    page.click("#decision-confirm button:text-is('Confirm')")
    expect(page.locator("#trafficking-status")).to_contain_text("Actual victim of trafficking")
    case.refresh_from_db()
    assert case.trafficking_status == "ActualVictimOfTrafficking"

    # Back in the browser's history: the earlier tab comes from the server, not a stored copy.
    open_tab(page, "History", "history")
    expect(page.locator("#tab-history")).to_contain_text("Identification approved")
    page.go_back()
    page.wait_for_selector("#tab-identification")
    stored = page.evaluate("JSON.stringify(Object.assign({}, localStorage, sessionStorage))")
    assert "Каримова" not in stored and "Deceptive" not in stored
    second_context.close()
    supervisor_context.close()
    assert not errors, errors
