"""A hotline operator logs a call in under ten interactions and opens a case from it.

Every click, fill and selection is counted (navigation to the start page is not: the queue is
where an operator sits between calls). The flow runs in a real Chromium with the content security
policy on; screenshots go to test-output/browser/.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from opennrm.cases.models import Case
from opennrm.hotline import services
from opennrm.hotline.models import Signal
from tests.browser.test_case_flow import fits, shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.conftest import build_world
from tests.hotline.factories import record

PHONE = "+998 90 123 45 67"


class Counted:
    """The page's clicks, fills, checks and selections, counted as the operator's interactions."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def click(self, selector: str) -> None:
        self.count += 1
        self.page.click(selector)

    def fill(self, selector: str, value: str) -> None:
        self.count += 1
        self.page.fill(selector, value)

    def select(self, selector: str, value: str) -> None:
        self.count += 1
        self.page.select_option(selector, value)

    def choose(self, group: str, label: str) -> None:
        """Click a big radio button of a group by its visible label."""
        self.count += 1
        self.page.locator(f"fieldset.choice-group:has(input[name={group}])").get_by_text(
            label, exact=True
        ).click()


@pytest.mark.browser
def test_an_operator_logs_a_call_and_opens_a_case(
    live_server, browser: Browser, screenshots: Path
) -> None:
    world = build_world()
    base = live_server.url
    errors: list[str] = []
    membership = world.b["hotline_operator"]
    # What is already in the queue: a web tip, a follow-up due, and this caller's first call.
    services.web_tip_receive(
        organization=world.org_b, reason="job_offer_check", notes="Is this agency licensed?"
    )
    record(
        membership,
        reason="safe_migration",
        outcome="information_given",
        phone=PHONE,
        received_at=timezone.now() - timedelta(days=12),
        language="uz",
    )
    record(
        membership,
        caller_type="family",
        reason="missing_person",
        outcome="referred",
        follow_up_on=timezone.localdate(),
        received_at=timezone.now() - timedelta(days=3),
        language="ru",
    )

    context = signed_in_context(browser, base, membership, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), errors)
    page.goto(base + "/hotline/")
    expect(page.locator("#unanswered")).to_contain_text("Web tip")
    shot(page, screenshots / "hotline-queue-before.png")

    # --- Logging the call: who, why, the phone, a note, save.
    operator = Counted(page)
    operator.click("a:text-is('Log a contact')")
    page.wait_for_url(base + "/hotline/new/")
    assert page.locator("input[name=channel][value=call]").is_checked()
    operator.choose("caller_type", "Potential victim")
    operator.choose("reason", "Possible trafficking")
    operator.fill("input[name=phone]", PHONE)
    operator.fill(
        "textarea[name=notes]",
        "Works at a brick factory near Almaty; the owner keeps her passport and pay.",
    )
    shot(page, screenshots / "hotline-new.png")
    operator.click("button:text-is('Save the contact')")
    page.wait_for_selector(".signal-header")
    logged = operator.count
    assert logged < 10, f"logging a call took {logged} interactions"

    signal = Signal.objects.get(reason="possible_trafficking")
    assert page.url == f"{base}/hotline/{signal.uuid}/"
    assert signal.channel == "call" and signal.language == "en"
    assert signal.operator == membership.user
    expect(page.locator("#known-caller")).to_contain_text("1 earlier contact from this phone")
    expect(page.locator(".signal-header")).to_contain_text("+998 90 123 45 67")
    shot(page, screenshots / "hotline-signal.png")

    # --- Opening her case from the signal.
    operator = Counted(page)
    operator.click("a:text-is('Open a case')")
    page.wait_for_url(f"{base}/hotline/{signal.uuid}/case/")
    assert page.input_value("textarea[name=phones]") == "+998901234567"
    operator.fill("input[name=given_name]", "Нилуфар")
    operator.fill("input[name=family_name]", "Рахимова")
    operator.select("select[name=gender]", "Feminine")
    operator.select("select[name=citizenship]", "UZ")
    shot(page, screenshots / "hotline-open-case.png")
    operator.click("button:text-is('Open the case')")
    page.wait_for_selector("#tab-person")
    assert operator.count < 10, f"opening the case took {operator.count} interactions"

    case = Case.objects.get()
    signal.refresh_from_db()
    assert signal.case == case and signal.outcome == "case_opened"
    assert page.url == f"{base}/cases/{case.uuid}/"
    assert "Нилуфар" in page.inner_text("#tab-person")

    # Back in the queue: the call is answered, and the number is nowhere on the page.
    page.goto(base + "/hotline/")
    expect(page.locator("#recent")).to_contain_text("Case opened")
    expect(page.locator("#recent")).to_contain_text("Known caller: 1 earlier contact, 1 case")
    html = page.content()
    assert "998901234567" not in html and "90 123 45 67" not in html
    shot(page, screenshots / "hotline-queue.png")
    context.close()

    # --- On a phone: the form fits, and a bad number is refused beside its field.
    phone = signed_in_context(browser, base, membership, viewport={"width": 390, "height": 844})
    phone_page = watch(phone.new_page(), errors)
    phone_page.goto(base + "/hotline/new/")
    fits(phone_page, 390)
    phone_page.get_by_text("Family member", exact=True).click()
    phone_page.get_by_text("Missing person", exact=True).click()
    phone_page.fill("input[name=phone]", "12")
    phone_page.click("button:text-is('Save the contact')")
    phone_page.wait_for_selector("#id_phone_error")
    assert "not" in phone_page.inner_text("#id_phone_error")
    assert Signal.objects.count() == 4
    phone_page.locator("#id_phone").scroll_into_view_if_needed()
    shot(phone_page, screenshots / "hotline-new-phone-error.png")
    phone_page.goto(base + "/hotline/")
    shot(phone_page, screenshots / "hotline-queue-phone.png")
    fits(phone_page, 390)
    phone.close()

    # --- The figures, for the hotline's data analyst: counts only.
    analyst = signed_in_context(
        browser, base, world.b["data_analyst"], viewport={"width": 1280, "height": 900}
    )
    analyst_page = watch(analyst.new_page(), errors)
    analyst_page.goto(base + "/hotline/figures/")
    expect(analyst_page.locator(".figures-tiles")).to_contain_text("turned into cases")
    assert "brick factory" not in analyst_page.content()
    shot(analyst_page, screenshots / "hotline-figures.png")
    analyst_page.click("nav.tabs a:text-is('Language')")
    expect(analyst_page.locator("table.figures").last).to_contain_text("Uzbek")
    analyst.close()
    assert not errors, errors
